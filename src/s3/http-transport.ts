import { readFileSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { Agent, request } from 'undici'

/** A request body: bytes in memory, or a factory so that a retry can reopen the stream. */
export type RequestBody = Buffer | string | (() => Readable)

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
  /** Bound on the wait for the headers and on each silence while the body streams. */
  readTimeoutMs: number
  insecure?: boolean
  /** Path of a PEM bundle of trusted CAs; replaces the default set, as in the AWS CLI. */
  caBundle?: string
  keepAliveTimeoutMs?: number
}

/** One keep-alive connection pool per client; every response body is read to the end so its socket is reused. */
export function createTransport(options: TransportOptions): HttpTransport {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    headersTimeout: options.readTimeoutMs,
    bodyTimeout: options.readTimeoutMs,
    connect: {
      timeout: options.connectTimeoutMs,
      rejectUnauthorized: !(options.insecure ?? false),
      ...(options.caBundle === undefined ? {} : { ca: readFileSync(options.caBundle, 'utf8') }),
    },
  })
  return {
    async send(spec) {
      const body = typeof spec.body === 'function' ? spec.body() : spec.body
      try {
        const response = await request(spec.url, {
          dispatcher: agent,
          method: spec.method as 'GET',
          headers: spec.headers,
          ...(body === undefined ? {} : { body }),
        })
        const bytes = Buffer.from(await response.body.arrayBuffer())
        return { status: response.statusCode, headers: flattenHeaders(response.headers), body: bytes }
      } finally {
        // A stream the server did not read to the end (an early error answer) holds a file open.
        if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)) body.destroy()
      }
    },
    close: () => agent.close(),
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
