/**
 * An HTTP proxy in front of moto_server that injects the failures S3 and networks
 * produce, deterministically: the same seed and the same requests give the same faults,
 * whatever order concurrent requests arrive in. Path-style requests only.
 *
 * Each request is identified by its method, path and query (an `uploadId`, random at
 * every run, left out) and by how many times that identity was seen since the last
 * `setFaults`; a seeded PRNG (mulberry32) fed with a hash of the seed and that identity
 * draws the request's fate. A retry is a new occurrence, so it draws afresh.
 *
 * Fault kinds:
 * - `slowdown`, `internal-error`, `retry-after`: 503 SlowDown, 500 InternalError, or
 *   503 SlowDown with `Retry-After: 1`, as S3's XML. The request body is read first and
 *   nothing reaches moto.
 * - `reset-before`: the connection is reset halfway through the request body (at once
 *   when there is none): the client sees a dropped connection, the server never acted.
 * - `reset-after`: the request goes to moto, whose whole answer is read, and then the
 *   client's connection is reset: the server acted, the client never hears.
 * - `precondition`, `conditional-conflict`: 412 PreconditionFailed or 409
 *   ConditionalRequestConflict; rules of these kinds only ever match conditional
 *   requests (with If-Match or If-None-Match).
 * Besides the rules: `delayMs` holds every answer back; `bytesPerSecond` paces every
 * request body on its way to moto. `stats()` counts requests by operation (a copy, told by
 * its `x-amz-copy-source`, is not an upload) and lists every body that reached moto.
 *
 * Bytes, the path and every header (Host included) go to moto unchanged, so a SigV4
 * signature made for the proxy's address verifies at moto in its auth mode. A body the
 * client stops sending halfway is never completed towards moto: the upstream request is
 * destroyed, as S3 discards a request whose body fell short of its Content-Length.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export const FAULT_KINDS = [
  'slowdown',
  'internal-error',
  'retry-after',
  'reset-before',
  'reset-after',
  'precondition',
  'conditional-conflict',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** S3's names for the requests putplan (and the tests) make. */
export type S3Operation =
  | 'PutObject'
  | 'UploadPart'
  | 'CopyObject'
  | 'UploadPartCopy'
  | 'PutObjectTagging'
  | 'PutObjectAcl'
  | 'PutObjectRetention'
  | 'PutObjectLegalHold'
  | 'CreateMultipartUpload'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'DeleteObject'
  | 'HeadObject'
  | 'GetObject'
  | 'ObjectSubresource'
  | 'ListObjectsV2'
  | 'ListMultipartUploads'
  | 'HeadBucket'
  /** GetBucketOwnershipControls, GetObjectLockConfiguration, GetBucketEncryption, GetBucketVersioning. */
  | 'GetBucketSettings'
  | 'Other'

export interface FaultRule {
  kind: FaultKind
  /** Fraction of the matching requests, in [0, 1]. The rates of the rules that match one request add up (at most 1). */
  rate: number
  /** Only these operations (default: all). */
  operations?: readonly S3Operation[]
  /** Only these methods (default: all). */
  methods?: readonly string[]
}

export interface Faults {
  /** Default 1. */
  seed?: number
  rules?: readonly FaultRule[]
  /** At most this many faults for one request identity (its retries included), so that transient faults stay transient. Default: no bound. */
  maxPerRequest?: number
  /** Every answer is held back this long. */
  delayMs?: number
  /** Request bodies go on to moto at this pace. */
  bytesPerSecond?: number
}

export interface FaultStats {
  /** Requests received since the last `setFaults`. */
  requests: number
  byOperation: Partial<Record<S3Operation, number>>
  /** Faults injected, by kind. */
  injected: Record<FaultKind, number>
  /** Faults injected, by `kind operation`. */
  injectedByOperation: Record<string, number>
  /** Answers held back by `delayMs`. */
  delayed: number
  /** Body bytes paced by `bytesPerSecond`. */
  throttledBytes: number
  /** Every request that reached moto with a body: what it was, its path (bucket and key) and its body's length. */
  bodies: { operation: S3Operation; path: string; bytes: number }[]
}

export interface FaultProxy {
  endpoint: string
  port: number
  /** Replaces the faults and starts a new run: occurrences and counters start again from zero. */
  setFaults(faults: Faults): void
  stats(): FaultStats
  stop(): Promise<void>
}

const CONDITIONAL_KINDS: ReadonlySet<FaultKind> = new Set(['precondition', 'conditional-conflict'])
/** Answers held back at most this long, pacing included: every test request stays bounded in time. */
const MAX_WAIT_MS = 60_000

export async function startFaultProxy(upstreamEndpoint: string, initial: Faults = {}): Promise<FaultProxy> {
  const upstream = new URL(upstreamEndpoint)
  const agent = new http.Agent({ keepAlive: true })
  let faults: Faults = initial
  let seen = new Map<string, number>()
  let faulted = new Map<string, number>()
  let stats = emptyStats()

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client or moto went away mid-request: nothing left to answer.
      req.socket.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const operation = classify(method, url, req.headers)
    stats.requests++
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1

    const identity = `${method} ${withoutUploadId(url)}`
    const occurrence = (seen.get(identity) ?? 0) + 1
    seen.set(identity, occurrence)
    const conditional = req.headers['if-match'] !== undefined || req.headers['if-none-match'] !== undefined
    const budgetLeft = (faulted.get(identity) ?? 0) < (faults.maxPerRequest ?? Number.POSITIVE_INFINITY)
    const kind = budgetLeft ? pickFault(faults, { method, operation, conditional }, `${identity} #${occurrence}`) : undefined
    if (kind !== undefined) {
      faulted.set(identity, (faulted.get(identity) ?? 0) + 1)
      stats.injected[kind]++
      const label = `${kind} ${operation}`
      stats.injectedByOperation[label] = (stats.injectedByOperation[label] ?? 0) + 1
    }

    switch (kind) {
      case 'reset-before':
        await readHalf(req)
        return reset(req.socket)
      case 'slowdown':
      case 'internal-error':
      case 'retry-after':
      case 'precondition':
      case 'conditional-conflict':
        await drain(req)
        await holdBack()
        return replyError(res, method, kind)
      default:
        break
    }

    const upstreamRes = await forward(req, operation)
    if (kind === 'reset-after') {
      await drain(upstreamRes)
      return reset(req.socket)
    }
    await holdBack()
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.rawHeaders)
    upstreamRes.pipe(res)
  }

  async function holdBack(): Promise<void> {
    const ms = Math.min(faults.delayMs ?? 0, MAX_WAIT_MS)
    if (ms <= 0) return
    stats.delayed++
    await sleep(ms)
  }

  /** Sends the request to moto, pacing its body; resolves with moto's answer. */
  function forward(req: IncomingMessage, operation: S3Operation): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const upstreamReq = http.request({
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.rawHeaders, // the client's Host header and all others, unchanged
        agent,
      })
      upstreamReq.once('response', resolve)
      upstreamReq.once('error', reject)
      pump(req, upstreamReq, faults.bytesPerSecond).then(
        (bytes) => {
          if (bytes > 0) stats.bodies.push({ operation, path: (req.url ?? '/').split('?')[0]!, bytes })
          upstreamReq.end()
        },
        (error: unknown) => {
          // A body cut short never completes towards moto.
          upstreamReq.destroy(error instanceof Error ? error : new Error(String(error)))
          reject(error)
        },
      )
    })
  }

  /** Resolves with the number of body bytes sent on. */
  async function pump(req: IncomingMessage, to: http.ClientRequest, bytesPerSecond: number | undefined): Promise<number> {
    const started = Date.now()
    let sent = 0
    const slice = bytesPerSecond === undefined ? Number.POSITIVE_INFINITY : Math.max(1024, Math.floor(bytesPerSecond / 20))
    for await (const chunk of req as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length; offset += slice) {
        const part = chunk.subarray(offset, Math.min(chunk.length, offset + slice))
        if (bytesPerSecond !== undefined) {
          const due = started + (sent * 1000) / bytesPerSecond - Date.now()
          if (due > 0) await sleep(Math.min(due, MAX_WAIT_MS))
          stats.throttledBytes += part.length
        }
        sent += part.length
        if (!to.write(part)) await new Promise<void>((resolve) => to.once('drain', resolve))
      }
    }
    if (!req.complete) throw new Error('the client stopped sending the body')
    return sent
  }

  server.on('clientError', (_error, socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    setFaults(next) {
      faults = next
      seen = new Map()
      faulted = new Map()
      stats = emptyStats()
    },
    stats: () => structuredClone(stats),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        agent.destroy()
      }),
  }
}

/** The rule that fires for this request, if any: one draw against the matching rules' cumulative rates. */
export function pickFault(
  faults: Faults,
  request: { method: string; operation: S3Operation; conditional: boolean },
  identity: string,
): FaultKind | undefined {
  const matching = (faults.rules ?? []).filter(
    (rule) =>
      rule.rate > 0 &&
      (rule.operations === undefined || rule.operations.includes(request.operation)) &&
      (rule.methods === undefined || rule.methods.includes(request.method)) &&
      (!CONDITIONAL_KINDS.has(rule.kind) || request.conditional),
  )
  if (matching.length === 0) return undefined
  const draw = mulberry32(fnv1a(`${faults.seed ?? 1}|${identity}`))()
  let edge = 0
  for (const rule of matching) {
    edge += rule.rate
    if (draw < edge) return rule.kind
  }
  return undefined
}

/** A small seeded PRNG: uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

const BUCKET_SETTINGS = ['ownershipControls', 'object-lock', 'encryption', 'versioning']

/** The operation of a request; `headers` tell a copy (`x-amz-copy-source`) from an upload. */
export function classify(method: string, url: string, headers: IncomingMessage['headers'] = {}): S3Operation {
  const questionMark = url.indexOf('?')
  const path = questionMark < 0 ? url : url.slice(0, questionMark)
  const query = new URLSearchParams(questionMark < 0 ? '' : url.slice(questionMark + 1))
  const hasKey = path.indexOf('/', 1) > 0 && path.indexOf('/', 1) < path.length - 1
  if (!hasKey) {
    if (method === 'GET' && BUCKET_SETTINGS.some((name) => query.has(name))) return 'GetBucketSettings'
    if (method === 'GET') return query.has('uploads') ? 'ListMultipartUploads' : 'ListObjectsV2'
    return method === 'HEAD' ? 'HeadBucket' : 'Other'
  }
  if (method === 'PUT') {
    for (const [name, operation] of Object.entries(PUT_SUBRESOURCES)) if (query.has(name)) return operation
  }
  if (['acl', 'tagging', 'retention', 'legal-hold', 'attributes'].some((name) => query.has(name))) return 'ObjectSubresource'
  const copy = headers['x-amz-copy-source'] !== undefined
  switch (method) {
    case 'PUT':
      if (query.has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart'
      return copy ? 'CopyObject' : 'PutObject'
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload'
      return query.has('uploadId') ? 'CompleteMultipartUpload' : 'Other'
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject'
    case 'HEAD':
      return 'HeadObject'
    case 'GET':
      return query.has('uploadId') ? 'Other' : 'GetObject'
    default:
      return 'Other'
  }
}

const PUT_SUBRESOURCES: Record<string, S3Operation> = {
  tagging: 'PutObjectTagging',
  acl: 'PutObjectAcl',
  retention: 'PutObjectRetention',
  'legal-hold': 'PutObjectLegalHold',
}

function withoutUploadId(url: string): string {
  return url.replace(/([?&])uploadId=[^&]*&?/, '$1').replace(/[?&]$/, '')
}

function emptyStats(): FaultStats {
  return {
    requests: 0,
    byOperation: {},
    injected: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    injectedByOperation: {},
    delayed: 0,
    throttledBytes: 0,
    bodies: [],
  }
}

const ERRORS: Record<Exclude<FaultKind, 'reset-before' | 'reset-after'>, { status: number; code: string; message: string; retryAfter?: string }> = {
  slowdown: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  'retry-after': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.', retryAfter: '1' },
  'internal-error': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  precondition: { status: 412, code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold' },
  'conditional-conflict': {
    status: 409,
    code: 'ConditionalRequestConflict',
    message: 'A conflicting conditional operation is currently in progress against this resource. Please try again.',
  },
}

function replyError(res: ServerResponse, method: string, kind: keyof typeof ERRORS): void {
  const error = ERRORS[kind]
  const requestId = `FAULT${Date.now().toString(16).toUpperCase()}`
  const body =
    method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${error.message}</Message><RequestId>${requestId}</RequestId></Error>`
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    ...(error.retryAfter === undefined ? {} : { 'retry-after': error.retryAfter }),
  })
  res.end(body)
}

/** A TCP reset, not a clean close: the client sees ECONNRESET. */
function reset(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else socket.destroy()
}

async function drain(stream: IncomingMessage): Promise<void> {
  for await (const _chunk of stream as AsyncIterable<Buffer>) {
    // discarded
  }
}

/** Reads about half of the declared body (none when there is none), then stops reading, the socket left open for the reset. */
function readHalf(req: IncomingMessage): Promise<void> {
  const length = Number(req.headers['content-length'] ?? 0)
  if (!(length > 0)) return Promise.resolve()
  return new Promise((resolve) => {
    let read = 0
    const stop = (): void => {
      req.off('data', onData)
      req.pause()
      resolve()
    }
    const onData = (chunk: Buffer): void => {
      read += chunk.length
      if (read >= length / 2) stop()
    }
    req.on('data', onData)
    req.once('end', stop)
    req.once('error', stop)
  })
}
