/**
 * A small HTTP server on loopback for the hostile-input tests: it forwards requests to
 * an upstream (moto) byte for byte, the Host header included (so a SigV4 signature made
 * for the proxy's address still verifies at moto), unless `answer` answers a request
 * itself; `rewrite` may then change the upstream's answer (corrupt its XML, say). With
 * no upstream it is a server of its own that answers only what `answer` returns (else
 * 502). Every request is recorded, so a test can assert what putplan sent.
 */
import http, { type IncomingHttpHeaders } from 'node:http'
import net, { type AddressInfo } from 'node:net'

export interface SeenRequest {
  method: string
  /** The path, still percent-encoded as sent. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

export interface UpstreamReply {
  status: number
  headers: Record<string, string>
  body: Buffer
}

export interface HostileProxyOptions {
  /** Answer instead of the upstream; undefined passes the request on. */
  answer?: (request: SeenRequest) => Reply | undefined
  /** Change the upstream's answer before it goes back. */
  rewrite?: (request: SeenRequest, reply: UpstreamReply) => Reply
}

export interface HostileProxy {
  endpoint: string
  port: number
  requests: SeenRequest[]
  stop(): Promise<void>
}

export async function startHostileProxy(upstream: string | undefined, opts: HostileProxyOptions = {}): Promise<HostileProxy> {
  const target = upstream === undefined ? undefined : new URL(upstream)
  const agent = new http.Agent({ keepAlive: true })
  const requests: SeenRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://proxy')
      const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers }
      requests.push(seen)
      const canned = opts.answer?.(seen)
      if (canned !== undefined || target === undefined) {
        send(res, canned ?? { status: 502, body: 'no upstream' })
        return
      }
      const forward = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (upstreamRes) => {
          const body: Buffer[] = []
          upstreamRes.on('data', (chunk: Buffer) => body.push(chunk))
          upstreamRes.on('end', () => {
            const headers: Record<string, string> = {}
            for (const [name, value] of Object.entries(upstreamRes.headers)) {
              if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') headers[name] = Array.isArray(value) ? value.join(', ') : value
            }
            const reply: UpstreamReply = { status: upstreamRes.statusCode ?? 502, headers, body: Buffer.concat(body) }
            send(res, opts.rewrite ? opts.rewrite(seen, reply) : reply, req.method === 'HEAD')
          })
        },
      )
      forward.on('error', (error) => send(res, { status: 502, body: String(error) }))
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: async () => {
      agent.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function send(res: http.ServerResponse, reply: Reply, head = false): void {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body)
  const headers = { ...reply.headers }
  // A HEAD answer keeps the upstream's Content-Length (the object's size) and has no body.
  if (!head || headers['content-length'] === undefined) headers['content-length'] = String(body.length)
  res.writeHead(reply.status, headers)
  res.end(head ? undefined : body)
}

/** A loopback port nothing listens on: connections to it are refused at once. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** S3's error document. */
export function errorXml(code: string, message: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${fields}<RequestId>HOSTILE</RequestId></Error>`
}

/** The region in a SigV4 Authorization header's credential scope. */
export function signedRegion(headers: IncomingHttpHeaders): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headers.authorization ?? '')?.[1]
}
