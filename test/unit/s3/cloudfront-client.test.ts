import { describe, expect, it } from 'vitest'
import type { ApplyReport } from '../../../src/apply/index.js'
import type { Manifest } from '../../../src/manifest/index.js'
import { CloudFrontClient, cloudFrontEndpoint } from '../../../src/s3/cloudfront-client.js'
import type { HttpRequestSpec, HttpResponse, HttpTransport } from '../../../src/s3/http-transport.js'
import { invalidateCdn } from '../../../src/workflow/invalidate-cdn.js'

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' })

/** Answers from a script, recording every request. */
function scripted(answers: Array<HttpResponse | Error>): HttpTransport & { requests: HttpRequestSpec[] } {
  const requests: HttpRequestSpec[] = []
  return {
    requests,
    async send(spec) {
      requests.push(spec)
      const answer = answers.shift()
      if (answer === undefined) throw new Error('no more answers')
      if (answer instanceof Error) throw answer
      return answer
    },
    close: async () => {},
  }
}

const invalidation = (status: string, id = 'I2J0I21PCUYOIK'): HttpResponse => ({
  status: 201,
  headers: {},
  body: Buffer.from(`<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${id}</Id><Status>${status}</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime></Invalidation>`),
})

describe('CloudFrontClient', () => {
  it('posts one InvalidationBatch, signed for cloudfront in us-east-1', async () => {
    const transport = scripted([invalidation('InProgress')])
    const client = new CloudFrontClient('https://cloudfront.amazonaws.com', { transport, credentials })
    expect(await client.createInvalidation('E2QWRUHAPOMQZL', ['/a&b.html', '/docs/'], 'ref-1')).toEqual({ id: 'I2J0I21PCUYOIK', status: 'InProgress' })
    const [request] = transport.requests
    expect(request!.method).toBe('POST')
    expect(request!.url).toBe('https://cloudfront.amazonaws.com/2020-05-31/distribution/E2QWRUHAPOMQZL/invalidation')
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/cloudfront\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/)
    expect(String(request!.body)).toContain(
      '<CallerReference>ref-1</CallerReference><Paths><Quantity>2</Quantity><Items><Path>/a&#38;b.html</Path><Path>/docs/</Path></Items></Paths>',
    )
  })

  it('sends again after a 503 or a lost answer, and not after a 4xx', async () => {
    const busy = { status: 503, headers: {}, body: Buffer.from('<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>') }
    const transport = scripted([busy, new Error('socket hang up'), invalidation('InProgress')])
    const client = new CloudFrontClient('http://127.0.0.1:1', { transport, credentials })
    await client.createInvalidation('E1', ['/x'], 'ref')
    expect(transport.requests).toHaveLength(3)
    const denied = { status: 403, headers: {}, body: Buffer.from('<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>') }
    const once = scripted([denied])
    await expect(new CloudFrontClient('http://127.0.0.1:1', { transport: once, credentials }).createInvalidation('E1', ['/x'], 'ref')).rejects.toThrow('CreateInvalidation failed: 403 AccessDenied: no')
    expect(once.requests).toHaveLength(1)
  })

  it('finds its endpoint as the SDKs do', () => {
    expect(cloudFrontEndpoint({})).toBe('https://cloudfront.amazonaws.com')
    expect(cloudFrontEndpoint({ AWS_ENDPOINT_URL: 'http://localhost:5000/' })).toBe('http://localhost:5000')
    expect(cloudFrontEndpoint({ AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_CLOUDFRONT: 'http://b:2' })).toBe('http://b:2')
  })
})

describe('invalidateCdn', () => {
  const manifest = { cloudfront: { distributionId: 'E1', paths: 'changed', maxPaths: 100 } } as unknown as Manifest
  const report = (outcomes: Record<string, string>) => ({ items: Object.entries(outcomes).map(([key, outcome]) => ({ key, outcome })) }) as unknown as ApplyReport

  it('makes none when nothing changed', async () => {
    const transport = scripted([])
    const result = await invalidateCdn(manifest, report({ 'a.html': 'unchanged', 'b.css': 'failed' }), { env: {}, connection: {}, wait: true, client: { transport, credentials } })
    expect(result).toBeUndefined()
    expect(transport.requests).toEqual([])
  })

  it('waits, polling, until CloudFront says completed', async () => {
    const transport = scripted([invalidation('InProgress'), invalidation('InProgress'), invalidation('Completed')])
    const result = await invalidateCdn(manifest, report({ 'docs/index.html': 'updated', 'old.css': 'deleted', 'same.js': 'unchanged' }), {
      env: { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://cf.test' },
      connection: {},
      wait: true,
      pollMs: 1,
      client: { transport, credentials },
    })
    expect(result).toEqual({ distributionId: 'E1', paths: ['/docs/', '/docs/index.html', '/old.css'], id: 'I2J0I21PCUYOIK', status: 'Completed' })
    expect(transport.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST http://cf.test/2020-05-31/distribution/E1/invalidation',
      'GET http://cf.test/2020-05-31/distribution/E1/invalidation/I2J0I21PCUYOIK',
      'GET http://cf.test/2020-05-31/distribution/E1/invalidation/I2J0I21PCUYOIK',
    ])
  })

  it('reports a failure instead of throwing', async () => {
    const transport = scripted([{ status: 404, headers: {}, body: Buffer.from('<ErrorResponse><Error><Code>NoSuchDistribution</Code><Message>The specified distribution does not exist.</Message></Error></ErrorResponse>') }])
    const result = await invalidateCdn(manifest, report({ 'a.html': 'created' }), { env: {}, connection: {}, wait: false, client: { transport, credentials } })
    expect(result).toEqual({ distributionId: 'E1', paths: ['/a.html'], error: 'CreateInvalidation failed: 404 NoSuchDistribution: The specified distribution does not exist.' })
  })
})
