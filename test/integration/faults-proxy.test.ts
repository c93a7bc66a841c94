/**
 * The fault proxy itself: its draws are deterministic by seed and identity, its faults
 * have the meaning the fault suite relies on (a reset before leaves the bucket untouched,
 * a reset after leaves the object written), and signed requests pass through unchanged.
 */
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classify, pickFault, startFaultProxy, type FaultProxy, type Faults } from '../support/fault-proxy.js'
import { createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'

const BUCKET = 'fault-proxy'
let server: MotoServer
let proxy: FaultProxy
let viaProxy: S3Client
let direct: S3Client

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  proxy = await startFaultProxy(server.endpoint)
  viaProxy = new S3Client({ ...clientConfig(proxy.endpoint), maxAttempts: 1 })
  direct = s3Client(server)
})

afterAll(async () => {
  viaProxy?.destroy()
  direct?.destroy()
  await proxy?.stop()
  await server?.stop()
})

function clientConfig(endpoint: string) {
  return { endpoint, region: server.region, credentials: server.credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const }
}

async function exists(key: string): Promise<boolean> {
  try {
    await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    return true
  } catch {
    return false
  }
}

describe('draws', () => {
  const faults: Faults = { seed: 7, rules: [{ kind: 'slowdown', rate: 0.2 }, { kind: 'precondition', rate: 0.2 }] }
  const request = { method: 'PUT', operation: 'PutObject' as const, conditional: false }

  it('are the same for the same seed and identity, and about the rate', () => {
    const draws = Array.from({ length: 2000 }, (_, i) => pickFault(faults, request, `PUT /b/k${i} #1`))
    expect(Array.from({ length: 2000 }, (_, i) => pickFault(faults, request, `PUT /b/k${i} #1`))).toEqual(draws)
    const hits = draws.filter((kind) => kind === 'slowdown').length
    expect(hits).toBeGreaterThan(320)
    expect(hits).toBeLessThan(480)
    // 412 rules only match conditional requests.
    expect(draws).not.toContain('precondition')
    expect(Array.from({ length: 200 }, (_, i) => pickFault({ ...faults, seed: 8 }, request, `PUT /b/k${i} #1`))).not.toEqual(draws.slice(0, 200))
  })

  it('name operations as S3 does', () => {
    expect(classify('PUT', '/b/k')).toBe('PutObject')
    expect(classify('PUT', '/b/k?partNumber=1&uploadId=x')).toBe('UploadPart')
    expect(classify('POST', '/b/k?uploads')).toBe('CreateMultipartUpload')
    expect(classify('POST', '/b/k?uploadId=x')).toBe('CompleteMultipartUpload')
    expect(classify('DELETE', '/b/k?uploadId=x')).toBe('AbortMultipartUpload')
    expect(classify('GET', '/b?list-type=2')).toBe('ListObjectsV2')
    expect(classify('GET', '/b?uploads')).toBe('ListMultipartUploads')
    expect(classify('HEAD', '/b/k')).toBe('HeadObject')
    const copy = { 'x-amz-copy-source': 'b/k' }
    expect(classify('PUT', '/b/k', copy)).toBe('CopyObject')
    expect(classify('PUT', '/b/k?partNumber=1&uploadId=x', copy)).toBe('UploadPartCopy')
    expect(classify('PUT', '/b/k?tagging')).toBe('PutObjectTagging')
    expect(classify('PUT', '/b/k?acl')).toBe('PutObjectAcl')
    expect(classify('PUT', '/b/k?retention')).toBe('PutObjectRetention')
    expect(classify('PUT', '/b/k?legal-hold')).toBe('PutObjectLegalHold')
    expect(classify('GET', '/b/k?tagging')).toBe('ObjectSubresource')
  })
})

describe('faults against moto (auth on)', () => {
  it('passes signed requests through unchanged when no fault fires', async () => {
    proxy.setFaults({})
    await viaProxy.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain', Body: 'hello' }))
    expect(await exists('plain')).toBe(true)
    expect(proxy.stats().byOperation.PutObject).toBe(1)
    expect(proxy.stats().bodies).toEqual([{ operation: 'PutObject', path: `/${BUCKET}/plain`, bytes: 5 }])
  })

  it('answers SlowDown without reaching moto', async () => {
    proxy.setFaults({ rules: [{ kind: 'slowdown', rate: 1 }] })
    await expect(viaProxy.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'slow', Body: 'x' }))).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } })
    expect(await exists('slow')).toBe(false)
    expect(proxy.stats().injected.slowdown).toBe(1)
  })

  it('resets before the server acted: nothing written', async () => {
    proxy.setFaults({ rules: [{ kind: 'reset-before', rate: 1 }] })
    await expect(viaProxy.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'before', Body: Buffer.alloc(200_000, 1) }))).rejects.toThrow()
    expect(await exists('before')).toBe(false)
  })

  it('resets after the server acted: written, but the client never hears', async () => {
    proxy.setFaults({ rules: [{ kind: 'reset-after', rate: 1 }] })
    await expect(viaProxy.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after', Body: 'landed' }))).rejects.toThrow()
    expect(await exists('after')).toBe(true)
    expect(proxy.stats().injected['reset-after']).toBe(1)
  })

  it('answers 412 to conditional writes only, and stops at maxPerRequest', async () => {
    proxy.setFaults({ rules: [{ kind: 'precondition', rate: 1 }], maxPerRequest: 1 })
    await viaProxy.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'unconditional', Body: 'x' }))
    const put = () => viaProxy.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'conditional', Body: 'x', IfNoneMatch: '*' }))
    await expect(put()).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } })
    await put()
    expect(proxy.stats().injected.precondition).toBe(1)
  })
})
