/**
 * A proxy that holds every answer back by a fixed delay, as a distant S3 would: run as a
 * child of the benchmark (`node bench/delay-proxy.mjs UPSTREAM DELAY_MS [UPLINK_MIB_S]`),
 * it prints the endpoint it listens on, then relays requests and streams answers
 * unchanged. Requests are relayed as they come (no limit), so a client's own concurrency
 * decides how many round trips overlap. With UPLINK_MIB_S, request bodies share one link
 * of that many MiB/s, as a runner's uplink to S3: the bodies of all requests in flight
 * together go no faster. Host headers pass through untouched, so signatures still verify.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

const [upstream, delayArg, uplinkArg] = process.argv.slice(2)
const delayMs = Number(delayArg)
const bytesPerMs = uplinkArg === undefined ? Infinity : (Number(uplinkArg) * 1024 * 1024) / 1000
const target = new URL(upstream)
const agent = new http.Agent({ keepAlive: true })
/** When the shared link is free again (ms since the epoch). */
let linkFreeAt = 0

/** Sends `request`'s body on to `relayed`, each chunk once the shared link has carried the chunks before it. */
async function pace(request, relayed) {
  for await (const chunk of request) {
    if (bytesPerMs !== Infinity) {
      linkFreeAt = Math.max(linkFreeAt, Date.now()) + chunk.length / bytesPerMs
      const wait = linkFreeAt - Date.now()
      if (wait > 1) await sleep(wait)
    }
    if (!relayed.write(chunk)) await new Promise((resolve) => relayed.once('drain', resolve))
  }
  relayed.end()
}

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
  pace(request, relayed).catch((error) => relayed.destroy(error))
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`)
})
