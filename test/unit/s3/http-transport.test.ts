/** The HTTP transport on its own, against local servers: bodies, timeouts, connection reuse. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createTransport, TransportError, type HttpTransport } from '../../../src/s3/http-transport.js'

const open: Array<Server | TcpServer> = []
const transports: HttpTransport[] = []

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()))
  for (const server of open.splice(0)) {
    if ('closeAllConnections' in server) server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A TCP server that accepts every connection and never says a word. */
function silentServer(): TcpServer {
  const sockets: Socket[] = []
  const server = createTcpServer((socket) => void sockets.push(socket))
  const close = server.close.bind(server)
  server.close = (callback) => {
    for (const socket of sockets) socket.destroy()
    return close(callback)
  }
  return server
}

async function listen<T extends Server | TcpServer>(server: T): Promise<string> {
  open.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

function transport(overrides: { connectTimeoutMs?: number; readTimeoutMs?: number } = {}): HttpTransport {
  const t = createTransport({ connectTimeoutMs: overrides.connectTimeoutMs ?? 5_000, readTimeoutMs: overrides.readTimeoutMs ?? 5_000 })
  transports.push(t)
  return t
}

/** A server that records each request's body and the connection it came on. */
async function recordingServer(answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok')) {
  const seen: Array<{ headers: IncomingMessage['headers']; body: Buffer; socket: unknown }> = []
  const address = await listen(
    createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks), socket: req.socket })
        answer(req, res)
      })
    }),
  )
  return { url: `http://${address}/bucket/key`, seen }
}

describe('http transport', () => {
  it('sends a streamed body with its declared length (never chunked) and returns status, headers and body', async () => {
    const { url, seen } = await recordingServer((_req, res) => {
      res.setHeader('ETag', '"e"')
      res.end('answer')
    })
    const bytes = Buffer.alloc(100_000, 7)
    const response = await transport().send({ method: 'PUT', url, headers: { 'content-length': String(bytes.length) }, body: () => Readable.from([bytes.subarray(0, 40_000), bytes.subarray(40_000)]) })
    expect(response).toMatchObject({ status: 200, headers: { etag: '"e"' } })
    expect(response.body.toString()).toBe('answer')
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined()
    expect(seen[0]?.body.equals(bytes)).toBe(true)
  })

  it('gives in-memory bodies a content-length', async () => {
    const { url, seen } = await recordingServer()
    await transport().send({ method: 'POST', url, headers: {}, body: '<Delete>é</Delete>' })
    expect(seen[0]?.headers['content-length']).toBe(String(Buffer.byteLength('<Delete>é</Delete>')))
  })

  it('sends a body given as a list of buffers in order, with their summed length, on every attempt', async () => {
    const { url, seen } = await recordingServer()
    const blocks = [Buffer.alloc(70_000, 1), Buffer.alloc(3, 2), Buffer.alloc(50_000, 3)]
    const t = transport()
    for (let attempt = 0; attempt < 2; attempt++) await t.send({ method: 'PUT', url, headers: {}, body: () => blocks })
    for (const { headers, body } of seen) {
      expect(headers['content-length']).toBe('120003')
      expect(headers['transfer-encoding']).toBeUndefined()
      expect(body.equals(Buffer.concat(blocks))).toBe(true)
    }
    expect(seen).toHaveLength(2)
  })

  it('reuses one connection for requests one after another', async () => {
    const { url, seen } = await recordingServer()
    const t = transport()
    for (let i = 0; i < 3; i++) await t.send({ method: 'GET', url, headers: {} })
    expect(seen).toHaveLength(3)
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1)
  })

  it('rejects with the body stream’s own error, so a changed file is told apart from a network failure', async () => {
    const { url } = await recordingServer()
    const changed = Object.assign(new Error('the file changed while it was read'), { code: 'source-changed' })
    const body = () =>
      new Readable({
        read() {
          this.destroy(changed)
        },
      })
    await expect(transport().send({ method: 'PUT', url, headers: { 'content-length': '10' }, body })).rejects.toBe(changed)
  })

  it('an answer before the whole body was sent resolves, and the stream is closed', async () => {
    const address = await listen(
      createServer((_req, res) => {
        res.writeHead(403, { connection: 'close' })
        res.end('<Error><Code>AccessDenied</Code></Error>')
      }),
    )
    let destroyed = false
    const body = () => {
      const stream = new Readable({ read() {} }) // never ends: only the early answer can finish the request
      stream.push(Buffer.alloc(1024))
      stream.on('close', () => (destroyed = true))
      return stream
    }
    const response = await transport().send({ method: 'PUT', url: `http://${address}/b/k`, headers: { 'content-length': String(1 << 20) }, body })
    expect(response.status).toBe(403)
    await new Promise((resolve) => setImmediate(resolve))
    expect(destroyed).toBe(true)
  })

  it('a server that accepts and says nothing: READ_TIMEOUT', async () => {
    const address = await listen(silentServer())
    const error = await transport({ readTimeoutMs: 150 }).send({ method: 'GET', url: `http://${address}/b/k`, headers: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect(error).toMatchObject({ code: 'READ_TIMEOUT' })
  })

  it('a TLS handshake that never completes: CONNECT_TIMEOUT, before the read timeout', async () => {
    const address = await listen(silentServer())
    const started = Date.now()
    const error = await transport({ connectTimeoutMs: 150, readTimeoutMs: 10_000 }).send({ method: 'GET', url: `https://${address}/b/k`, headers: {} }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT' })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('a connection cut in the middle of the answer is an error, not a short body', async () => {
    const address = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-length': '100' })
        res.write('only part')
        setTimeout(() => res.socket?.destroy(), 20)
      }),
    )
    await expect(transport().send({ method: 'GET', url: `http://${address}/b/k`, headers: {} })).rejects.toThrow()
  })
})
