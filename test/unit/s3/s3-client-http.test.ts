/** The client against a local HTTP server that misbehaves on purpose. */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { NetworkError, S3Client, S3ServiceError, type RetryEvent, type S3DebugEvent } from '../../../src/s3/index.js'
import { createSigner } from '../../../src/s3/request-signer.js'
import { resolveS3Config } from '../../../src/s3/s3-config.js'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen, index: number) => void

let server: Server
let endpoint: string
let handler: Handler = (_req, res) => res.end()
let seen: Seen[] = []
const clients: S3Client[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      seen.push(entry)
      handler(req, res, entry, seen.length - 1)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  seen = []
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function client(overrides: { readTimeoutMs?: number; maxAttempts?: number; noSign?: boolean; now?: () => number } = {}) {
  const sleeps: number[] = []
  const retries: RetryEvent[] = []
  const debug: S3DebugEvent[] = []
  const config = resolveS3Config(
    { bucket: 'bucket', region: 'us-east-1', endpoint, readTimeoutMs: overrides.readTimeoutMs ?? 5_000, maxAttempts: overrides.maxAttempts ?? 5, noSignRequest: overrides.noSign ?? false },
    {},
  )
  const s3 = new S3Client(config, {
    signer: createSigner(overrides.noSign ? undefined : { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'sess' }),
    retry: { random: () => 0.5, sleep: async (ms) => void sleeps.push(ms), ...(overrides.now ? { now: overrides.now } : {}) },
    onRetry: (e) => retries.push(e),
    onDebug: (e) => debug.push(e),
  })
  clients.push(s3)
  return { s3, sleeps, retries, debug }
}

const xmlError = (res: ServerResponse, status: number, code: string, extra = '') => {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'RID' })
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message>${extra}<RequestId>RID</RequestId></Error>`)
}

describe('retries', () => {
  it('retries 503 SlowDown and 500 with full-jitter backoff, observably', async () => {
    handler = (_req, res, _s, i) => (i === 0 ? xmlError(res, 503, 'SlowDown') : i === 1 ? xmlError(res, 500, 'InternalError') : res.writeHead(200, { etag: '"e"' }).end())
    const { s3, sleeps, retries } = client()
    const result = await s3.putObject('k', { options: {}, body: 'hello', contentLength: 5 })
    expect(result.etag).toBe('e')
    expect(seen).toHaveLength(3)
    expect(sleeps).toEqual([50, 100])
    expect(retries.map((r) => [r.attempt, r.error instanceof S3ServiceError && r.error.s3Code])).toEqual([
      [1, 'SlowDown'],
      [2, 'InternalError'],
    ])
  })

  it('never retries other 4xx', async () => {
    handler = (_req, res) => xmlError(res, 403, 'AccessDenied')
    const { s3, retries } = client()
    await expect(s3.getObjectTagging('k')).rejects.toMatchObject({ code: 's3', status: 403, s3Code: 'AccessDenied', requestId: 'RID', key: 'k', operation: 'GetObjectTagging' })
    expect(seen).toHaveLength(1)
    expect(retries).toHaveLength(0)
  })

  it('retries RequestTimeout and 409 ConditionalRequestConflict, honours Retry-After', async () => {
    handler = (_req, res, _s, i) => {
      if (i === 0) return xmlError(res, 400, 'RequestTimeout')
      if (i === 1) {
        res.setHeader('retry-after', '3')
        return xmlError(res, 409, 'ConditionalRequestConflict')
      }
      res.writeHead(200, { etag: '"e"' }).end()
    }
    const { s3, sleeps } = client()
    await s3.putObject('k', { options: {}, body: 'x', contentLength: 1 })
    expect(sleeps).toEqual([50, 3_000])
  })

  it('gives up after maxAttempts and after the total time bound', async () => {
    handler = (_req, res) => xmlError(res, 500, 'InternalError')
    const bounded = client({ maxAttempts: 3 })
    await expect(bounded.s3.headBucket()).rejects.toBeInstanceOf(S3ServiceError)
    expect(seen).toHaveLength(3)
    seen = []
    let clock = 0
    const timed = client({ now: () => (clock += 60_000) })
    await expect(timed.s3.headBucket()).rejects.toMatchObject({ status: 500 })
    expect(seen.length).toBeLessThan(5)
  })

  it('retries a dropped connection and reopens a streamed body', async () => {
    handler = (req, res, _s, i) => (i === 0 ? req.socket.destroy() : res.writeHead(200, { etag: '"e"' }).end())
    let opened = 0
    const { s3, retries } = client()
    await s3.putObject('k', {
      options: {},
      body: () => {
        opened++
        return Readable.from([Buffer.from('abc'), Buffer.from('def')])
      },
      contentLength: 6,
    })
    expect(retries[0]?.error).toBeInstanceOf(NetworkError)
    expect(opened).toBe(2)
    expect(seen.at(-1)?.body).toBe('abcdef')
    expect(seen.at(-1)?.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD')
    expect(seen.at(-1)?.headers['content-length']).toBe('6')
  })

  it('times out a server that does not answer', async () => {
    handler = () => {}
    const { s3 } = client({ readTimeoutMs: 150, maxAttempts: 1 })
    const error = await s3.headObject('slow').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'network', causeCode: 'READ_TIMEOUT', key: 'slow' })
  })
})

describe('wrong region', () => {
  const regionOf = (s: Seen) => /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(s.headers.authorization))?.[1]

  it('re-signs for the region S3 names, retries once, and remembers it', async () => {
    handler = (_req, res, s) => {
      if (regionOf(s) === 'eu-west-1') return res.writeHead(200, { etag: '"e"', 'content-length': '0' }).end()
      if (s.method === 'HEAD') return res.writeHead(301, { 'x-amz-bucket-region': 'eu-west-1' }).end()
      xmlError(res, 400, 'AuthorizationHeaderMalformed', '<Region>eu-west-1</Region>')
    }
    const { s3, retries, debug } = client()
    expect(await s3.headObject('k')).toMatchObject({ etag: 'e' })
    expect(s3.region).toBe('eu-west-1')
    expect(seen.map(regionOf)).toEqual(['us-east-1', 'eu-west-1'])
    await s3.getObjectTagging('k')
    expect(seen.map(regionOf)).toEqual(['us-east-1', 'eu-west-1', 'eu-west-1'])
    expect(retries).toHaveLength(0)
    expect(debug.some((e) => e.type === 'region-redirect')).toBe(true)
  })

  it('follows an AuthorizationHeaderMalformed naming the region in the XML', async () => {
    handler = (_req, res, s) =>
      regionOf(s) === 'ap-south-1' ? res.end('<Tagging><TagSet/></Tagging>') : xmlError(res, 400, 'AuthorizationHeaderMalformed', '<Region>ap-south-1</Region>')
    const { s3 } = client()
    expect(await s3.getObjectTagging('k')).toEqual({})
    expect(seen).toHaveLength(2)
  })
})

describe('operations over HTTP', () => {
  it('HeadObject: 404 is undefined; checksum mode is asked for; the path is encoded once', async () => {
    handler = (_req, res) => res.writeHead(404).end()
    const { s3 } = client()
    expect(await s3.headObject('a b/ü+1')).toBeUndefined()
    expect(seen[0]?.url).toBe('/bucket/a%20b/%C3%BC%2B1')
    expect(seen[0]?.headers['x-amz-checksum-mode']).toBe('ENABLED')
  })

  it('treats a 200 with an <Error> body on CompleteMultipartUpload as an error', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?>\n<Error><Code>InternalError</Code><Message>m</Message></Error>')
    const { s3 } = client({ maxAttempts: 1 })
    await expect(s3.completeMultipartUpload('k', { uploadId: 'u', parts: [{ partNumber: 1, etag: 'a', checksums: {} }] })).rejects.toMatchObject({
      s3Code: 'InternalError',
      operation: 'CompleteMultipartUpload',
    })
    expect(seen[0]?.url).toBe('/bucket/k?uploadId=u')
  })

  it('CopyObject onto itself: the source as an encoded path, the condition quoted; the answer from the document and the headers', async () => {
    handler = (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/xml', 'x-amz-version-id': 'v2', 'x-amz-server-side-encryption': 'AES256' })
        .end('<?xml version="1.0"?>\n<CopyObjectResult><ETag>&quot;e2&quot;</ETag><LastModified>2025-03-04T05:06:07.000Z</LastModified><ChecksumCRC64NVME>AAAAAAAAAAE=</ChecksumCRC64NVME><ChecksumType>FULL_OBJECT</ChecksumType></CopyObjectResult>')
    const { s3 } = client()
    const answer = await s3.copyObject('a b/ü+1', { options: { cacheControl: 'no-cache' }, checksumAlgorithm: 'CRC64NVME', tagging: 'COPY', sourceEtag: 'e1' })
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/bucket/a%20b/%C3%BC%2B1', body: '' })
    expect(seen[0]?.headers).toMatchObject({
      'x-amz-copy-source': 'bucket/a%20b/%C3%BC%2B1',
      'x-amz-copy-source-if-match': '"e1"',
      'x-amz-metadata-directive': 'REPLACE',
      'x-amz-tagging-directive': 'COPY',
      'x-amz-checksum-algorithm': 'CRC64NVME',
      'cache-control': 'no-cache',
    })
    expect(answer).toEqual({ etag: 'e2', lastModified: '2025-03-04T05:06:07.000Z', versionId: 'v2', serverSideEncryption: 'AES256', checksums: { CRC64NVME: 'AAAAAAAAAAE=' }, checksumType: 'FULL_OBJECT' })
  })

  it('CopyObject and UploadPartCopy: a 200 with an <Error> body is the error', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?>\n<Error><Code>InternalError</Code><Message>m</Message></Error>')
    const { s3 } = client({ maxAttempts: 1 })
    await expect(s3.copyObject('k', { options: {}, checksumAlgorithm: 'CRC32', tagging: 'COPY' })).rejects.toMatchObject({ s3Code: 'InternalError', operation: 'CopyObject' })
    await expect(s3.uploadPartCopy('k', { uploadId: 'u', partNumber: 2, range: { first: 5, last: 9 } })).rejects.toMatchObject({ s3Code: 'InternalError', operation: 'UploadPartCopy' })
  })

  it('UploadPartCopy: the range and the condition; the part from CopyPartResult', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<CopyPartResult><ETag>"p2"</ETag><ChecksumCRC32>AAAAAQ==</ChecksumCRC32></CopyPartResult>')
    const { s3 } = client()
    const part = await s3.uploadPartCopy('k', { uploadId: 'u', partNumber: 2, range: { first: 5, last: 9 }, sourceEtag: 'e1' })
    expect(seen[0]?.url).toBe('/bucket/k?partNumber=2&uploadId=u')
    expect(seen[0]?.headers).toMatchObject({ 'x-amz-copy-source': 'bucket/k', 'x-amz-copy-source-range': 'bytes=5-9', 'x-amz-copy-source-if-match': '"e1"' })
    expect(part).toEqual({ partNumber: 2, etag: 'p2', checksums: { CRC32: 'AAAAAQ==' } })
  })

  it('PutObjectTagging, PutObjectRetention and PutObjectLegalHold send their document with its Content-MD5; PutObjectAcl its headers alone', async () => {
    handler = (_req, res) => res.end()
    const { s3 } = client()
    await s3.putObjectTagging('k', { team: 'web', 'a&b': '<c>' }, { expectedBucketOwner: '111122223333' })
    await s3.putObjectRetention('k', { objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: '2031-01-02T03:04:05+01:00' })
    await s3.putObjectLegalHold('k', 'ON')
    await s3.putObjectAcl('k', { acl: 'public-read', cacheControl: 'ignored', requestPayer: 'requester' })
    expect(seen.map((request) => [request.method, request.url])).toEqual([
      ['PUT', '/bucket/k?tagging'],
      ['PUT', '/bucket/k?retention'],
      ['PUT', '/bucket/k?legal-hold'],
      ['PUT', '/bucket/k?acl'],
    ])
    const xmlns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    expect(seen.slice(0, 3).map((request) => request.body)).toEqual([
      `<?xml version="1.0" encoding="UTF-8"?><Tagging ${xmlns}><TagSet><Tag><Key>a&#38;b</Key><Value>&#60;c&#62;</Value></Tag><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>`,
      `<?xml version="1.0" encoding="UTF-8"?><Retention ${xmlns}><Mode>GOVERNANCE</Mode><RetainUntilDate>2031-01-02T02:04:05.000Z</RetainUntilDate></Retention>`,
      `<?xml version="1.0" encoding="UTF-8"?><LegalHold ${xmlns}><Status>ON</Status></LegalHold>`,
    ])
    for (const request of seen.slice(0, 3)) expect(request.headers['content-md5']).toBe(createHash('md5').update(request.body).digest('base64'))
    expect(seen[0]?.headers['x-amz-expected-bucket-owner']).toBe('111122223333')
    expect(seen[3]).toMatchObject({ body: '', headers: { 'x-amz-acl': 'public-read', 'x-amz-request-payer': 'requester' } })
    expect(seen[3]?.headers['cache-control']).toBeUndefined()
  })

  it('DeleteObject: always If-Match, the delete marker of a versioned bucket, 412 final, 503 and 409 retried', async () => {
    handler = (_req, res, _seen, index) => {
      if (index === 0) return xmlError(res, 503, 'SlowDown')
      if (index === 1) return xmlError(res, 409, 'ConditionalRequestConflict')
      res.writeHead(204, { 'x-amz-version-id': 'v-marker', 'x-amz-delete-marker': 'true' }).end()
    }
    const { s3, retries } = client()
    expect(await s3.deleteObject('old/a b.html', { condition: { ifMatch: 'abc' }, options: { expectedBucketOwner: '111122223333' } })).toEqual({ versionId: 'v-marker', deleteMarker: true })
    expect(seen.map((r) => [r.method, r.url, r.headers['if-match'], r.headers['x-amz-expected-bucket-owner']])).toEqual(
      Array(3).fill(['DELETE', '/bucket/old/a%20b.html', '"abc"', '111122223333']),
    )
    expect(retries.map((r) => r.error instanceof S3ServiceError && r.error.s3Code)).toEqual(['SlowDown', 'ConditionalRequestConflict'])

    seen = []
    handler = (_req, res) => xmlError(res, 412, 'PreconditionFailed')
    await expect(s3.deleteObject('k', { condition: { ifMatch: 'abc' } })).rejects.toMatchObject({ status: 412, operation: 'DeleteObject', key: 'k' })
    expect(seen).toHaveLength(1)

    handler = (_req, res) => res.writeHead(204).end()
    expect(await s3.deleteObject('k', { condition: { ifMatch: 'abc' } })).toEqual({})
  })

  it('paginates ListObjectsV2', async () => {
    handler = (req, res) => {
      const token = new URL(req.url ?? '', 'http://x').searchParams.get('continuation-token')
      res.end(
        token === null
          ? '<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t 2+</NextContinuationToken><Contents><Key>a</Key><ETag>"1"</ETag><Size>1</Size></Contents></ListBucketResult>'
          : `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>${token}</Key><ETag>"2"</ETag><Size>2</Size></Contents></ListBucketResult>`,
      )
    }
    const { s3 } = client()
    const keys: string[] = []
    for await (const page of s3.listObjectsV2({ prefix: 'p/' })) keys.push(...page.map((o) => o.key))
    expect(keys).toEqual(['a', 't 2+'])
    expect(seen[1]?.url).toBe('/bucket/?continuation-token=t%202%2B&encoding-type=url&list-type=2&prefix=p%2F')
  })

  it('sends start-after with the first ListObjectsV2 only: the continuation token carries on', async () => {
    handler = (req, res) => {
      const token = new URL(req.url ?? '', 'http://x').searchParams.get('continuation-token')
      res.end(
        token === null
          ? '<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken></ListBucketResult>'
          : '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>',
      )
    }
    const { s3 } = client()
    for await (const page of s3.listObjectsV2({ prefix: 'p/', startAfter: 'p/a b+' })) void page
    expect(seen.map((r) => r.url)).toEqual([
      '/bucket/?encoding-type=url&list-type=2&prefix=p%2F&start-after=p%2Fa%20b%2B',
      '/bucket/?continuation-token=t2&encoding-type=url&list-type=2&prefix=p%2F',
    ])
  })

  it('sends unsigned requests with --no-sign-request', async () => {
    handler = (_req, res) => res.end()
    const { s3 } = client({ noSign: true })
    await s3.headBucket()
    expect(seen[0]?.headers.authorization).toBeUndefined()
    expect(seen[0]?.headers['x-amz-content-sha256']).toBeDefined()
  })

  it('emits redacted debug events', async () => {
    handler = (_req, res) => res.writeHead(200, { etag: '"e"' }).end()
    const { s3, debug } = client()
    await s3.putObject('k', { options: { sseCustomerKey: 'SECRETKEY' }, body: 'x', contentLength: 1 })
    const text = JSON.stringify(debug)
    expect(seen[0]?.headers.authorization).toMatch(/Signature=[0-9a-f]{64}/)
    expect(text).not.toMatch(/Signature=[0-9a-f]{64}/)
    expect(text).not.toContain('SECRETKEY')
    expect(text).not.toContain('"sess"')
    expect(debug.map((e) => e.type)).toEqual(['request', 'response'])
  })
})
