import { readFileSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { TLSSocket } from 'node:tls'

/**
 * A request body: bytes in memory, or a factory called for every attempt, so that a retry
 * reopens the stream or reads the bytes again. A factory may give the bytes as a list of
 * buffers, sent one after the other (a body held in blocks: see apply's BodyMemory).
 */
export type RequestBody = Buffer | string | (() => Readable | Buffer | readonly Buffer[])

export interface HttpRequestSpec {
  method: string
  /** Absolute URL, path and query already encoded. */
  url: string
  headers: Record<string, string>
  body?: RequestBody
}

export interface HttpResponse {
  status: number
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>
  body: Buffer
}

/** Sends one request, no retries. Network failures reject with the underlying error. */
export interface HttpTransport {
  send(request: HttpRequestSpec): Promise<HttpResponse>
  close(): Promise<void>
}

export interface TransportOptions {
  connectTimeoutMs: number
  /** Bound on each silence of the connection once it is open: waiting for the answer, or while the body streams. */
  readTimeoutMs: number
  insecure?: boolean
  /** Path of a PEM bundle of trusted CAs; replaces the default set, as in the AWS CLI. */
  caBundle?: string
  /** How long an idle connection is kept for reuse. */
  keepAliveTimeoutMs?: number
}

/** A network failure putplan detected itself; `code` reads like a system error code. */
export class TransportError extends Error {
  constructor(
    readonly code: 'CONNECT_TIMEOUT' | 'READ_TIMEOUT',
    message: string,
  ) {
    super(message)
    this.name = 'TransportError'
  }
}

/**
 * Node's own http/https client with keep-alive agents. It costs less CPU per request and
 * less memory than undici here, which matters most when S3 (or a test server) closes the
 * connection after every answer. Every response body is read to the end so its socket is reused.
 */
export function createTransport(options: TransportOptions): HttpTransport {
  const agentOptions = { keepAlive: true, timeout: options.keepAliveTimeoutMs ?? 4_000 }
  const plain: Client = { request: http.request, agent: new http.Agent(agentOptions) }
  const tls: Client = {
    request: https.request,
    agent: new https.Agent({
      ...agentOptions,
      rejectUnauthorized: !(options.insecure ?? false),
      ...(options.caBundle === undefined ? {} : { ca: readFileSync(options.caBundle, 'utf8') }),
    }),
  }
  return {
    send(spec) {
      const url = new URL(spec.url)
      return sendOne(url, url.protocol === 'https:' ? tls : plain, spec, options)
    },
    async close() {
      plain.agent.destroy()
      tls.agent.destroy()
    },
  }
}

/** The request function of `http` or `https`, with its keep-alive pool. */
interface Client {
  request: typeof http.request
  agent: http.Agent
}

function sendOne(url: URL, client: Client, spec: HttpRequestSpec, options: TransportOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const body = typeof spec.body === 'function' ? spec.body() : spec.body
    let bodyError: unknown
    const request = client.request(url, {
      agent: client.agent,
      method: spec.method,
      headers: withContentLength(spec.headers, body),
      timeout: options.readTimeoutMs,
    })
    const release = (): void => {
      // A stream the server did not read to the end (an early error answer) holds a file open,
      // and a connection with half a body written cannot carry another request.
      if (isStream(body)) body.destroy()
      if (!request.writableFinished) request.destroy()
    }
    const fail = (error: unknown): void => {
      release()
      reject(bodyError ?? error)
    }
    request.on('error', fail)
    request.on('timeout', () => request.destroy(new TransportError('READ_TIMEOUT', `no data for ${options.readTimeoutMs} ms`)))
    request.on('socket', (socket) => limitConnect(request, socket, options.connectTimeoutMs))
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', fail)
      response.on('end', () => {
        if (!response.complete) return fail(new Error('the connection closed before the whole answer arrived'))
        release()
        resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), body: Buffer.concat(chunks) })
      })
    })
    if (isBufferList(body)) {
      // Queued before the request has its socket (a tick later), the head and the buffers are written together.
      for (const buffer of body) request.write(buffer)
      request.end()
      return
    }
    if (!isStream(body)) {
      request.end(body)
      return
    }
    body.on('error', (error) => {
      bodyError = error
      request.destroy(error)
    })
    body.pipe(request)
  })
}

/** A socket still connecting must connect (and finish TLS) within the connect timeout. */
function limitConnect(request: http.ClientRequest, socket: Socket, connectTimeoutMs: number): void {
  if (!socket.connecting) return
  const timer = setTimeout(
    () => request.destroy(new TransportError('CONNECT_TIMEOUT', `no connection within ${connectTimeoutMs} ms`)),
    connectTimeoutMs,
  )
  const done = (): void => clearTimeout(timer)
  socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', done)
  socket.once('close', done)
}

type OpenedBody = Buffer | string | Readable | readonly Buffer[] | undefined

function isBufferList(body: OpenedBody): body is readonly Buffer[] {
  return Array.isArray(body)
}

function isStream(body: OpenedBody): body is Readable {
  return body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body) && !isBufferList(body)
}

/** S3 refuses chunked uploads without a declared length, so every body carries one. */
function withContentLength(headers: Record<string, string>, body: OpenedBody): Record<string, string> {
  if (body === undefined || isStream(body) || 'content-length' in headers) return headers
  const length = isBufferList(body) ? body.reduce((sum, buffer) => sum + buffer.length, 0) : Buffer.byteLength(body)
  return { 'content-length': String(length), ...headers }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
