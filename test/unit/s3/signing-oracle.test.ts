/**
 * The AWS SDK v3 is the oracle for signing: for every key in the corpus, the same
 * HeadObject and PutObject are built by the SDK and by putplan, and must go to the same
 * host and path and carry the same Authorization header.
 */
import { Readable } from 'node:stream'
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client as SdkClient } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { headObject } from '../../../src/s3/head-object.js'
import { listObjectsV2 } from '../../../src/s3/list-objects.js'
import type { HttpRequestSpec, HttpTransport } from '../../../src/s3/http-transport.js'
import { putObject } from '../../../src/s3/put-object.js'
import { RequestExecutor } from '../../../src/s3/request-executor.js'
import { createSigner } from '../../../src/s3/request-signer.js'
import { DEFAULT_RETRY } from '../../../src/s3/retry-policy.js'
import { resolveS3Config } from '../../../src/s3/s3-config.js'

const KEYS = [
  'plain.txt',
  'with space.txt',
  'a+b.txt',
  '100%.txt',
  '%20literal',
  'tilde~file',
  'hash#file',
  'question?file',
  'and&file',
  'equals=file',
  "quote'file",
  '(parens)',
  'star*file',
  'colon:file',
  'semi;comma,at@dollar$',
  'brackets[]{}',
  'caret^pipe|back\\slash',
  'ümlaut.txt',
  '日本/語.txt',
  'emoji-😀.png',
  'a/b/c/deep.txt',
  'folder/',
  'dots/../up',
  './dot',
  'double//slash',
  ' leading and trailing ',
]

const BUCKET = 'putplan-oracle'
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+=' }
const SETUPS = [
  { name: 'virtual-hosted AWS', region: 'eu-west-1', endpoint: undefined, forcePathStyle: false },
  { name: 'path-style custom endpoint', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
] as const

interface Captured {
  method: string
  hostname: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
}

function sdkFor(setup: (typeof SETUPS)[number], captured: Captured[]): SdkClient {
  const sdk = new SdkClient({
    region: setup.region,
    ...(setup.endpoint === undefined ? {} : { endpoint: setup.endpoint }),
    forcePathStyle: setup.forcePathStyle,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      handle: async (request: Captured) => {
        captured.push(request)
        return { response: { statusCode: 200, headers: { etag: '"0"', 'content-length': '0' }, body: Readable.from([]) } }
      },
    } as never,
  })
  // Headers and query the SDK adds for itself (user agent, invocation ids, `x-id`) are not part of S3's contract.
  sdk.middlewareStack.addRelativeTo(
    ((next: (args: { request: Captured }) => Promise<unknown>) => async (args: { request: Captured }) => {
      for (const name of ['x-amz-user-agent', 'user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request']) delete args.request.headers[name]
      delete args.request.query['x-id']
      return next(args)
    }) as never,
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'stripSdkHeaders' } as never,
  )
  return sdk
}

function executorFor(setup: (typeof SETUPS)[number], sent: HttpRequestSpec[]): RequestExecutor {
  const config = resolveS3Config(
    { bucket: BUCKET, region: setup.region, ...(setup.endpoint === undefined ? {} : { endpoint: setup.endpoint }), forcePathStyle: setup.forcePathStyle },
    {},
  )
  const transport: HttpTransport = {
    send: async (spec) => {
      sent.push(spec)
      return { status: 200, headers: { etag: '"0"', 'content-length': '0' }, body: Buffer.alloc(0) }
    },
    close: async () => {},
  }
  return new RequestExecutor(config, { transport, signer: createSigner(CREDENTIALS), retry: DEFAULT_RETRY })
}

function sdkUrl(request: Captured, setup: (typeof SETUPS)[number]): string {
  const port = setup.endpoint === undefined ? '' : `:${new URL(setup.endpoint).port}`
  const protocol = setup.endpoint === undefined ? 'https:' : 'http:'
  return `${protocol}//${request.hostname}${port}${request.path}`
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-03-04T05:06:07Z') })
})
afterAll(() => {
  vi.useRealTimers()
})

describe.each(SETUPS)('SigV4 against the AWS SDK ($name)', (setup) => {
  it.each(KEYS)('HeadObject %j', async (key) => {
    const captured: Captured[] = []
    const sent: HttpRequestSpec[] = []
    await sdkFor(setup, captured).send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }))
    await headObject(executorFor(setup, sent), key)
    const [expected] = captured
    const [actual] = sent
    expect(actual?.url).toBe(sdkUrl(expected!, setup))
    expect(actual?.headers.authorization).toBe(expected!.headers.authorization)
    expect(actual?.headers['x-amz-content-sha256']).toBe(expected!.headers['x-amz-content-sha256'])
    expect(actual?.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken)
  })

  it.each(KEYS)('PutObject %j', async (key) => {
    const captured: Captured[] = []
    const sent: HttpRequestSpec[] = []
    const body = Buffer.from(`<x>${key}</x>`)
    await sdkFor(setup, captured).send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8', ContentLength: body.length, Metadata: { Owner: 'web' } }),
    )
    await putObject(executorFor(setup, sent), key, {
      options: { contentType: 'text/plain; charset=utf-8', metadata: { Owner: 'web' } },
      body,
      contentLength: body.length,
    })
    const [expected] = captured
    const [actual] = sent
    expect(actual?.url).toBe(sdkUrl(expected!, setup))
    expect(actual?.headers['x-amz-content-sha256']).toBe(expected!.headers['x-amz-content-sha256'])
    expect(actual?.headers.authorization).toBe(expected!.headers.authorization)
  })

  it.each(KEYS)('ListObjectsV2 with prefix and start-after %j', async (key) => {
    const captured: Captured[] = []
    const sent: HttpRequestSpec[] = []
    await sdkFor(setup, captured).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key, StartAfter: key, EncodingType: 'url' }))
    for await (const page of listObjectsV2(executorFor(setup, sent), { prefix: key, startAfter: key })) void page
    const [expected] = captured
    const [actual] = sent
    const url = new URL(actual!.url)
    expect(Object.fromEntries(url.searchParams)).toEqual(expected!.query)
    expect(url.pathname).toBe(expected!.path)
    expect(actual?.headers.authorization).toBe(expected!.headers.authorization)
  })
})
