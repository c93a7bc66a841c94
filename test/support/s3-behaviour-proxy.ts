/**
 * An HTTP proxy in front of moto_server that restores S3's behaviour where
 * moto is kinder, for the tests that depend on it. Path-style requests only.
 *
 * Verified against moto 5.2 with the AWS CLI v1 (`s3api put-object`,
 * `head-object`, `list-objects-v2`, `kms create-key`), and kept verified by
 * test/integration/support/s3-behaviour-proxy.test.ts, which also asserts
 * moto's own answers without the proxy:
 * - The ETag of an SSE-KMS or SSE-C object is the plain MD5 of its content in
 *   PutObject, HeadObject and ListObjectsV2 (S3's is not). The proxy disguises
 *   it as a stable non-MD5 value in PUT/HEAD/GET/304 headers and in the XML of
 *   ListObjects(V2), ListObjectVersions, CopyObject and
 *   CompleteMultipartUpload, and reveals it again in If-Match/If-None-Match
 *   (and x-amz-copy-source-if-*) so conditional requests still work.
 * - A wrong Content-MD5 or x-amz-checksum-{crc32,crc32c,sha1,sha256,crc64nvme}
 *   is accepted silently (S3: 400 BadDigest, InvalidDigest or InvalidRequest).
 *   The proxy buffers PutObject/UploadPart bodies that declare a digest
 *   (decoding aws-chunked bodies and their trailers) and answers S3's error.
 * - The checksum of a multipart object: HeadObject reports a COMPOSITE one
 *   without S3's `-N` suffix and neither type, and moto computes CRC32 where
 *   it stores a CRC32C or CRC64NVME (unless Python's crc32c and awscrt are
 *   installed). The proxy keeps the parts' checksums of uploads that name an
 *   algorithm and answers HEAD/GET as S3 does (see checksum-registry.ts).
 * - HeadObject/GetObject on an SSE-C object succeed without the key or with a
 *   wrong one (S3: 400 / 403), and moto does not echo the
 *   x-amz-server-side-encryption-customer-* headers that S3 returns. The proxy
 *   remembers each SSE-C object's key MD5 from its PUT, refuses such reads and
 *   adds the headers.
 *
 * - The source of a copy (CopyObject, UploadPartCopy): `x-amz-copy-source-if-match` is
 *   ignored, an SSE-C source is copied without its key, and the checksum of a copy with
 *   `x-amz-checksum-algorithm` CRC64NVME or CRC32C is a CRC32. See s3-copy-source.ts.
 *
 * Everything else passes through byte for byte, the Host header included, so
 * a SigV4 signature made for the proxy's address verifies at moto (in auth
 * mode moto checks it against the Host header). Revealing a real ETag in a
 * signed If-Match header changes the request, so then the proxy checks the
 * client's signature itself and, when it is right, signs the request again
 * with the same key: pass `credentials` (the server's) for that.
 *
 * Not covered: UploadPart/ListParts ETags (a client would have to send the
 * disguised values back in CompleteMultipartUpload's signed body), versioned
 * reads (objects are tracked by bucket and key only), GetObjectAttributes,
 * presigned URLs that carry a disguised ETag.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import type { Credentials } from './moto.js'
import { ChecksumRegistry, type StoredChecksum } from './checksum-registry.js'
import { CopySources, copySourceOf } from './s3-copy-source.js'
import { checkDigests, decodeAwsChunked, errorXml, hasDigests, header, isAwsChunked, type S3ErrorReply } from './s3-digests.js'
import { resignRequest } from './sigv4-resign.js'
import { keyMd5, reportedSse, requestedSse, SseRegistry, type Sse } from './sse-registry.js'

export interface S3Proxy {
  endpoint: string
  port: number
  stop(): Promise<void>
}

export interface S3ProxyOptions {
  /** The server's credentials, needed to re-sign requests whose If-Match the proxy rewrites. */
  credentials?: Credentials
  /**
   * Called once, when the first write carrying If-Match or If-None-Match arrives (a
   * PutObject, or a CompleteMultipartUpload); every such write waits until it resolves.
   * Lets a test act after a client's checks and before its conditional writes land.
   */
  beforeConditionalWrite?: () => Promise<void>
  /** Told of every request as it arrives (method and path with query), for tests that count them. */
  onRequest?: (method: string, url: string) => void
}

type Operation =
  | 'put-object'
  | 'copy-object'
  | 'upload-part'
  | 'create-upload'
  | 'complete-upload'
  | 'read-object'
  | 'delete-object'
  | 'bucket-read'
  | 'other'

interface Target {
  bucket?: string
  key?: string
  query: Map<string, string>
}

/** Object subresources whose requests are not reads or writes of the object's content. */
const OBJECT_SUBRESOURCES = ['acl', 'tagging', 'retention', 'legal-hold', 'attributes', 'restore', 'select', 'torrent']
const NEVER_MATCHES = '"00000000000000000000000000000000"'
const CONDITIONAL_HEADERS = ['if-match', 'if-none-match', 'x-amz-copy-source-if-match', 'x-amz-copy-source-if-none-match']

export async function startS3Proxy(upstreamEndpoint: string, opts: S3ProxyOptions = {}): Promise<S3Proxy> {
  const upstream = new URL(upstreamEndpoint)
  const agent = new http.Agent({ keepAlive: true })
  const registry = new SseRegistry()
  const copies = new CopySources(upstreamEndpoint, opts.credentials)
  const checksums = new ChecksumRegistry()
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy(error as Error)
      else reply(res, req.method, { status: 502, code: 'ProxyError', message: String(error) })
    })
  })

  let conditionalWrites: Promise<void> | undefined

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    opts.onRequest?.(method, req.url ?? '/')
    const target = parseTarget(req.url ?? '/')
    const op = classify(method, target, req.headers)
    const { bucket = '', key = '' } = target

    const conditional = header(req.headers, 'if-match') !== undefined || header(req.headers, 'if-none-match') !== undefined
    if (opts.beforeConditionalWrite && conditional && (op === 'put-object' || op === 'complete-upload')) {
      await (conditionalWrites ??= opts.beforeConditionalWrite())
    }

    if (op === 'read-object') {
      const refusal = refuseSsecRead(registry.get(bucket, key), req.headers)
      if (refusal) return reply(res, method, refusal)
    }

    let rawHeaders = req.rawHeaders
    const changes: Record<string, string> = {}
    for (const name of CONDITIONAL_HEADERS) {
      const value = header(req.headers, name)
      const real = value === undefined ? undefined : registry.reveal(value)
      if (real !== undefined) changes[name] = real
    }
    // S3 never matches an SSE object's MD5; moto would. Make such a condition one that moto cannot match either.
    const tracked = registry.get(bucket, key)
    if (tracked && ['put-object', 'copy-object', 'read-object', 'delete-object'].includes(op)) {
      for (const name of ['if-match', 'if-none-match']) {
        const value = header(req.headers, name)
        if (value !== undefined && value.trim() !== '*' && !(name in changes)) changes[name] = NEVER_MATCHES
      }
    }
    if (Object.keys(changes).length > 0) {
      rawHeaders = await rewriteHeaders(req, changes, opts.credentials)
    }

    const source = copySourceOf(req.headers)
    if (source !== undefined) {
      const ifMatch = changes['x-amz-copy-source-if-match'] ?? header(req.headers, 'x-amz-copy-source-if-match')
      const refusal = await copies.refusal(req.headers, registry.get(source.bucket, source.key), ifMatch)
      if (refusal) return reply(res, method, refusal)
    }

    let body: Buffer | undefined
    if ((op === 'put-object' || op === 'upload-part') && hasDigests(req.headers)) {
      body = await readAll(req)
      const problem = await checkDigests(req.headers, body)
      if (problem) return reply(res, method, problem)
    }
    // The parts a Complete names make the object's composite checksum.
    if (op === 'complete-upload') body = await readAll(req)

    const upstreamRes = await forward(req, rawHeaders, body)
    const status = upstreamRes.statusCode ?? 502
    const ok = status >= 200 && status < 300
    const resHeaders = [...upstreamRes.rawHeaders]
    const needsBody = ok && ['copy-object', 'create-upload', 'complete-upload', 'bucket-read'].includes(op)
    let resBody = needsBody ? (await readAll(upstreamRes)).toString('utf8') : undefined

    // The checksum S3 would have computed over a copy, and reported since.
    if (op === 'upload-part' && ok && source !== undefined) copies.partCopied(target.query.get('uploadId') ?? '')
    if ((op === 'copy-object' || op === 'complete-upload') && resBody !== undefined && !resBody.includes('<Error>')) {
      const etag = /<ETag>(?:&quot;|&#34;|")?([^<&"]*)/.exec(resBody)?.[1] ?? ''
      const fixed =
        op === 'copy-object'
          ? await copies.afterCopy(bucket, key, header(req.headers, 'x-amz-checksum-algorithm'), etag)
          : await copies.afterComplete(bucket, key, target.query.get('uploadId') ?? '', etag)
      if (fixed) resBody = resBody.replace(/<Checksum(CRC64NVME|CRC32C)>[^<]*</, (_all, name: string) => `<Checksum${name}>${fixed.value}<`)
    }
    if (op === 'read-object' && (ok || status === 304)) {
      const fixed = copies.checksumFor(bucket, key, header(upstreamRes.headers, 'etag'))
      if (fixed && header(upstreamRes.headers, fixed.header) !== undefined) setHeader(resHeaders, fixed.header, fixed.value)
    }

    let resultSse: Sse | undefined
    switch (op) {
      case 'put-object':
      case 'copy-object':
        resultSse = requestedSse(req.headers) ?? reportedSse(upstreamRes.headers)
        if (ok) registry.set(bucket, key, resultSse)
        if (ok) checksums.forget(bucket, key)
        break
      case 'upload-part':
        if (ok && body !== undefined) {
          const payload = isAwsChunked(req.headers) ? decodeAwsChunked(body).body : body
          await checksums.recordPart(target.query.get('uploadId') ?? '', Number(target.query.get('partNumber')), payload)
        }
        break
      case 'create-upload':
        resultSse = requestedSse(req.headers) ?? reportedSse(upstreamRes.headers)
        if (resBody !== undefined) {
          const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(resBody)?.[1]
          if (uploadId) registry.setUpload(decodeXml(uploadId), resultSse)
          if (uploadId) {
            copies.uploadStarted(decodeXml(uploadId), header(req.headers, 'x-amz-checksum-algorithm'))
            checksums.startUpload(decodeXml(uploadId), req.headers)
          }
        }
        resultSse = undefined // the upload's answer carries no object ETag
        break
      case 'complete-upload':
        resultSse = registry.takeUpload(target.query.get('uploadId') ?? '') ?? reportedSse(upstreamRes.headers)
        if (resBody !== undefined && !resBody.includes('<Error>')) {
          registry.set(bucket, key, resultSse)
          const partNumbers = [...(body ?? Buffer.alloc(0)).toString('utf8').matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((m) => Number(m[1]))
          await checksums.complete(target.query.get('uploadId') ?? '', bucket, key, partNumbers, req.headers)
        }
        break
      case 'read-object':
        resultSse = reportedSse(upstreamRes.headers) ?? registry.get(bucket, key)
        if (ok && resultSse?.type === 'kms') registry.set(bucket, key, resultSse)
        if (ok) restoreChecksum(resHeaders, checksums.get(bucket, key), req.headers, target)
        break
      case 'delete-object':
        if (ok) registry.set(bucket, key, undefined)
        if (ok) checksums.forget(bucket, key)
        break
      default:
        break
    }

    if (resultSse) {
      const etag = header(upstreamRes.headers, 'etag')
      if (etag) setHeader(resHeaders, 'ETag', registry.disguise(bucket, key, etag))
      if (resultSse.type === 'ssec' && (ok || status === 304)) {
        setHeader(resHeaders, 'x-amz-server-side-encryption-customer-algorithm', resultSse.algorithm)
        setHeader(resHeaders, 'x-amz-server-side-encryption-customer-key-MD5', resultSse.keyMd5)
      }
      if (resBody !== undefined) resBody = disguiseXmlEtag(resBody, (etag) => registry.disguise(bucket, key, etag))
    }
    if (op === 'bucket-read' && resBody !== undefined) {
      const urlEncoded = target.query.get('encoding-type') === 'url'
      resBody = disguiseListing(resBody, urlEncoded, (objectKey, etag) => {
        return registry.get(bucket, objectKey) ? registry.disguise(bucket, objectKey, etag) : etag
      })
    }

    if (resBody !== undefined) {
      const bytes = Buffer.from(resBody, 'utf8')
      removeHeader(resHeaders, 'transfer-encoding')
      setHeader(resHeaders, 'Content-Length', String(bytes.length))
      res.writeHead(status, upstreamRes.statusMessage, resHeaders)
      res.end(bytes)
    } else {
      res.writeHead(status, upstreamRes.statusMessage, resHeaders)
      upstreamRes.pipe(res)
    }
  }

  function forward(req: IncomingMessage, rawHeaders: string[], body: Buffer | undefined): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const upstreamReq = http.request({
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: rawHeaders, // the client's Host header and all others, unchanged
        agent,
      })
      upstreamReq.once('response', resolve)
      upstreamReq.once('error', reject)
      if (body) upstreamReq.end(body)
      else req.pipe(upstreamReq)
    })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        agent.destroy()
        copies.destroy()
      }),
  }
}

function parseTarget(url: string): Target {
  const questionMark = url.indexOf('?')
  const path = questionMark < 0 ? url : url.slice(0, questionMark)
  const query = new Map<string, string>()
  if (questionMark >= 0) {
    for (const pair of url.slice(questionMark + 1).split('&')) {
      if (!pair) continue
      const eq = pair.indexOf('=')
      query.set(
        decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq)),
        eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1)),
      )
    }
  }
  const slash = path.indexOf('/', 1)
  const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash))
  const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1))
  return { bucket: bucket || undefined, key: key || undefined, query }
}

function classify(method: string, target: Target, headers: IncomingMessage['headers']): Operation {
  const { key, query } = target
  if (!target.bucket) return 'other'
  if (!key) return method === 'GET' ? 'bucket-read' : 'other'
  if (OBJECT_SUBRESOURCES.some((name) => query.has(name))) return 'other'
  const copy = headers['x-amz-copy-source'] !== undefined
  switch (method) {
    case 'PUT':
      if (query.has('uploadId')) return 'upload-part'
      return copy ? 'copy-object' : 'put-object'
    case 'POST':
      if (query.has('uploads')) return 'create-upload'
      if (query.has('uploadId')) return 'complete-upload'
      return 'other'
    case 'GET':
    case 'HEAD':
      return query.has('uploadId') ? 'other' : 'read-object'
    case 'DELETE':
      return query.has('uploadId') ? 'other' : 'delete-object'
    default:
      return 'other'
  }
}

/**
 * S3's checksum of a whole multipart object on HEAD and GET with checksum mode on (not for
 * a part or a range, which moto answers without one too).
 */
function restoreChecksum(resHeaders: string[], stored: StoredChecksum | undefined, reqHeaders: IncomingMessage['headers'], target: Target): void {
  if (stored === undefined || target.query.has('partNumber') || header(reqHeaders, 'range') !== undefined) return
  if (header(reqHeaders, 'x-amz-checksum-mode')?.toUpperCase() !== 'ENABLED') return
  if (stored.value !== undefined) setHeader(resHeaders, `x-amz-checksum-${stored.name}`, stored.value)
  setHeader(resHeaders, 'x-amz-checksum-type', stored.type)
}

/** S3 refuses to read an SSE-C object without its key (400) or with another key (403). */
function refuseSsecRead(sse: Sse | undefined, headers: IncomingMessage['headers']): S3ErrorReply | undefined {
  if (sse?.type !== 'ssec') return undefined
  if (!header(headers, 'x-amz-server-side-encryption-customer-algorithm')) {
    return {
      status: 400,
      code: 'InvalidRequest',
      message:
        'The object was stored using a form of Server Side Encryption. ' +
        'The correct parameters must be provided to retrieve the object.',
    }
  }
  if (keyMd5(header(headers, 'x-amz-server-side-encryption-customer-key') ?? '') !== sse.keyMd5) {
    return { status: 403, code: 'AccessDenied', message: 'Access Denied' }
  }
  return undefined
}

async function rewriteHeaders(
  req: IncomingMessage,
  changes: Record<string, string>,
  credentials: Credentials | undefined,
): Promise<string[]> {
  if (req.headers.authorization && credentials) {
    const request = { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders }
    // A wrongly signed request goes on unchanged, for moto to reject.
    return (await resignRequest(request, changes, credentials)) ?? req.rawHeaders
  }
  const rawHeaders = [...req.rawHeaders]
  for (const [name, value] of Object.entries(changes)) setHeader(rawHeaders, name, value)
  return rawHeaders
}

function reply(res: ServerResponse, method: string | undefined, error: S3ErrorReply): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase()
  const body = method === 'HEAD' ? '' : errorXml(error, requestId)
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
  })
  res.end(body)
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.once('end', () => resolve(Buffer.concat(chunks)))
    stream.once('error', reject)
  })
}

const ETAG_ELEMENT = /<ETag>(&quot;|&#34;|")?([^<&"]*)(&quot;|&#34;|")?<\/ETag>/g

function disguiseXmlEtag(xml: string, disguise: (etag: string) => string): string {
  return xml.replace(ETAG_ELEMENT, (_all, open = '', inner: string, close = '') => {
    const fake = disguise(`"${inner}"`).replace(/"/g, '')
    return `<ETag>${open}${fake}${close}</ETag>`
  })
}

/** Rewrites the ETag of each listed object (`<Contents>`, `<Version>`) for which `disguise` says so. */
function disguiseListing(xml: string, urlEncoded: boolean, disguise: (key: string, etag: string) => string): string {
  return xml.replace(/<(Contents|Version)>([\s\S]*?)<\/\1>/g, (block: string) => {
    const rawKey = /<Key>([^<]*)<\/Key>/.exec(block)?.[1]
    if (rawKey === undefined) return block
    const xmlKey = decodeXml(rawKey)
    const key = urlEncoded ? decodeURIComponent(xmlKey.replace(/\+/g, '%20')) : xmlKey
    return disguiseXmlEtag(block, (etag) => disguise(key, etag))
  })
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_all, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)))
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? ''
  })
}

function setHeader(rawHeaders: string[], name: string, value: string): void {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name.toLowerCase()) {
      rawHeaders[i + 1] = value
      return
    }
  }
  rawHeaders.push(name, value)
}

function removeHeader(rawHeaders: string[], name: string): void {
  for (let i = rawHeaders.length - 2; i >= 0; i -= 2) {
    if (rawHeaders[i]!.toLowerCase() === name) rawHeaders.splice(i, 2)
  }
}
