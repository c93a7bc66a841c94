// Helpers the bench scripts share.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A free loopback port, for moto_server. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** `fn` over `items`, at most `limit` at a time. */
export async function mapLimit(items, limit, fn) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** This process's environment without `AWS_*` (and `RCLONE_*`): no tool sees the caller's credentials. */
export function envWithoutAws() {
  const env = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_') && !name.startsWith('RCLONE_')) env[name] = value
  return env
}

/**
 * Starts moto_server (auth off) on a free port, in its own process group, stopped when
 * this process exits; resolves once it answers. `stdio` is where its request log goes.
 */
export async function spawnMoto({ stdio = 'ignore', timeoutMs = 30_000 } = {}) {
  const port = await freePort()
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: { ...envWithoutAws(), PYTHONUNBUFFERED: '1' }, detached: true, stdio })
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
  process.once('exit', stop)
  const endpoint = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await (await fetch(`${endpoint}/moto-api/`)).arrayBuffer()
      return { child, endpoint, stop }
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`moto_server did not start: ${error.message}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** The environment putplan runs in against moto: the bench's keys and region, no shared config files of the caller. */
export function putplanEnv(endpoint, credentials, region) {
  const noConfig = join(tmpdir(), 'putplan-bench-no-aws-config')
  return {
    ...envWithoutAws(),
    NO_COLOR: '1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: region,
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: noConfig,
    AWS_SHARED_CREDENTIALS_FILE: noConfig,
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}
