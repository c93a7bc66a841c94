/**
 * A pass-through proxy in front of moto that makes applies collide on the state record: it
 * holds every PutObject of the record until `readers` applies have read it (each reads it
 * once, to plan, and updates the record it read), so all of them write believing they hold
 * the latest record. Each PutObject of the record is logged with its condition and status.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StateBarrier {
  endpoint: string
  /** Each PutObject of the state record: its condition header and moto's status. */
  puts: { condition: string; status: number }[]
  released?: 'all read' | 'timeout'
  stop(): Promise<void>
}

export async function startStateBarrier(upstream: string, statePath: string, readers = 2, timeoutMs = 15_000): Promise<StateBarrier> {
  const target = new URL(upstream)
  const agent = new http.Agent({ keepAlive: true })
  let reads = 0
  let release!: () => void
  const open = new Promise<void>((resolve) => (release = resolve))
  const barrier: StateBarrier = { endpoint: '', puts: [], stop: async () => {} }
  const timer = setTimeout(() => {
    barrier.released ??= 'timeout'
    release()
  }, timeoutMs)

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname
      const isState = path === statePath
      if (isState && req.method === 'GET' && ++reads === readers) {
        barrier.released ??= 'all read'
        release()
      }
      if (isState && req.method === 'PUT') await open
      const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
        if (isState && req.method === 'PUT') {
          const condition = req.headers['if-match'] !== undefined ? 'if-match' : req.headers['if-none-match'] !== undefined ? 'if-none-match' : 'none'
          barrier.puts.push({ condition, status: answer.statusCode ?? 0 })
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', () => res.destroy())
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  barrier.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  barrier.stop = async () => {
    clearTimeout(timer)
    release()
    agent.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return barrier
}
