/**
 * A proxy that holds every answer back by a fixed delay, as a distant S3 would: run as a
 * child of the benchmark (`node bench/delay-proxy.mjs UPSTREAM DELAY_MS`), it prints the
 * endpoint it listens on, then relays requests and streams answers unchanged. Requests
 * are relayed as they come (no limit), so a client's own concurrency decides how many
 * round trips overlap. Host headers pass through untouched, so signatures still verify.
 */
import http from 'node:http'

const [upstream, delayArg] = process.argv.slice(2)
const delayMs = Number(delayArg)
const target = new URL(upstream)
const agent = new http.Agent({ keepAlive: true })

const server = http.createServer((request, response) => {
  const relayed = http.request(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent },
    (answer) => {
      setTimeout(() => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }, delayMs)
    },
  )
  relayed.on('error', (error) => {
    response.statusCode = 502
    response.end(String(error))
  })
  request.pipe(relayed)
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`)
})
