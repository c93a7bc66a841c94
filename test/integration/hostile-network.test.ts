/**
 * Endpoints that are not what they should be, through the built CLI: a closed port (fails
 * fast with --connect-timeout 1 --max-attempts 2, naming the endpoint), an HTTP server that
 * is not S3 (HTML pages, 200 and 404), and a proxy in front of moto_server that corrupts
 * the XML of S3's answers. Each run exits 1 with a message naming what went wrong, and
 * the server's contents are compared before and after with an independent client.
 */
import { PutObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshot } from '../support/bucket-snapshot.js'
import { closedPort, errorXml, startHostileProxy, type HostileProxy } from '../support/hostile-proxy.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

let server: MotoServer
let ws: Workspace
const proxies: HostileProxy[] = []
const BUCKET = 'hostile-net'

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  const s3 = s3Client(server)
  try {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tagged.txt', Body: 'tagged\n' }))
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged.txt', Tagging: { TagSet: [{ Key: 'team', Value: 'web' }] } }))
  } finally {
    s3.destroy()
  }
  ws = await makeWorkspace('putplan-hostile-net-')
  await ws.write('a.txt', 'a\n')
  await ws.write('tagged.txt', 'tagged\n')
  await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'a.txt' }, { source: 'tagged.txt', tagging: { team: 'web' } }] })
}, 60_000)

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()))
  await ws?.remove()
  await server?.stop()
})

async function proxy(upstream: string | undefined, opts: Parameters<typeof startHostileProxy>[1]): Promise<HostileProxy> {
  const p = await startHostileProxy(upstream, opts)
  proxies.push(p)
  return p
}

function run(args: string[], endpoint: string): Promise<RunResult> {
  return runPutplan([...args, '--max-attempts', '2'], { cwd: ws.dir, env: awsEnv({ endpoint, region: server.region, credentials: server.credentials }) })
}

function errorOf(result: RunResult): { code: string; message: string } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error
}

const HTML = (status: number) => `<!doctype html><html><head><title>Welcome</title></head><body><h1>It works (${status})</h1><p>Unclosed <br> tags & stray ampersands</body></html>`

describe('an endpoint that does not answer', () => {
  it('a closed port: plan and apply fail fast (--connect-timeout 1 --max-attempts 2), naming the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`
    const started = Date.now()
    const [plan, apply] = await Promise.all([run(['plan', '--connect-timeout', '1'], endpoint), run(['apply', '--auto-approve', '--connect-timeout', '1', '--format', 'json'], endpoint)])
    const elapsed = Date.now() - started
    expect(plan.code, plan.stderr).toBe(1)
    expect(plan.stderr).toMatch(new RegExp(`^Error: HeadBucket failed: ECONNREFUSED: .* \\(endpoint ${endpoint}\\)$`, 'm'))
    expect(apply.code).toBe(1)
    expect(errorOf(apply)).toMatchObject({ code: 'network', message: expect.stringContaining(`(endpoint ${endpoint})`) })
    // Two attempts with one backoff between them, plus two CLI start-ups, on a loaded machine.
    expect(elapsed).toBeLessThan(15_000)
  })

  it('a port that accepts and never answers: --read-timeout 1 --max-attempts 2 gives up, naming the endpoint', async () => {
    const silent = net.createServer(() => {}) // holds every connection open, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    try {
      const started = Date.now()
      const plan = await run(['plan', '--connect-timeout', '1', '--read-timeout', '1'], endpoint)
      expect(plan.code, plan.stderr).toBe(1)
      expect(plan.stderr).toMatch(new RegExp(`^Error: HeadBucket failed: READ_TIMEOUT: .* \\(endpoint ${endpoint}\\)$`, 'm'))
      expect(Date.now() - started).toBeLessThan(15_000)
    } finally {
      silent.close()
    }
  })
})

describe('an endpoint that is not S3 (a web server answering HTML pages)', () => {
  it('200 pages: refused at the bucket check, never read as objects; nothing is planned or written', async () => {
    const web = await proxy(undefined, { answer: () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML(200) }) })
    const [plan, apply] = await Promise.all([run(['plan'], web.endpoint), run(['apply', '--auto-approve', '--format', 'json'], web.endpoint)])
    const message = 'HeadBucket got an answer S3 never gives (an HTML page): is the endpoint an S3 service?'
    expect(plan.code, plan.stderr).toBe(1)
    expect(plan.stdout).toBe('')
    expect(plan.stderr).toBe(`Error: ${message}\n`)
    expect(apply.code).toBe(1)
    expect(errorOf(apply)).toEqual({ code: 's3', message, diagnostics: [] })
    expect(web.requests.map((r) => r.method)).toEqual(['HEAD', 'HEAD'])
  })

  it('404 pages: the bucket is reported missing at this endpoint', async () => {
    const web = await proxy(undefined, { answer: () => ({ status: 404, headers: { 'content-type': 'text/html' }, body: HTML(404) }) })
    const [plan, apply] = await Promise.all([run(['plan'], web.endpoint), run(['apply', '--auto-approve', '--format', 'json'], web.endpoint)])
    const message = `bucket "${BUCKET}" does not exist (or this endpoint does not serve it)`
    expect(plan.code, plan.stderr).toBe(1)
    expect(plan.stderr).toBe(`Error: ${message}\n`)
    expect(apply.code).toBe(1)
    expect(errorOf(apply).message).toBe(message)
    expect(web.requests.map((r) => r.method)).toEqual(['HEAD', 'HEAD'])
  })

  it('an object answer without an ETag is refused, not planned against', async () => {
    const strip = await proxy(server.endpoint, {
      rewrite: (request, reply) => {
        if (request.method !== 'HEAD' || request.path === `/${BUCKET}`) return reply
        const { etag: _dropped, ...headers } = reply.headers
        return { ...reply, headers }
      },
    })
    const before = await snapshot(server)
    const plan = await run(['plan'], strip.endpoint)
    expect(plan.code, plan.stderr).toBe(1)
    expect(plan.stderr).toMatch(/^Error: reading "(a|tagged)\.txt": HeadObject for "(a|tagged)\.txt" got an answer S3 never gives \(no ETag\)/m)
    expect(await snapshot(server)).toEqual(before)
  })
})

describe('malformed XML from the server (a proxy that corrupts moto\'s answers)', () => {
  it('a GetObjectTagging answer cut in half: plan and apply exit 1 naming the key and the operation; nothing is written', async () => {
    const cut = await proxy(server.endpoint, { rewrite: (request, reply) => (request.query.has('tagging') ? { ...reply, body: reply.body.subarray(0, Math.floor(reply.body.length / 2)) } : reply) })
    const before = await snapshot(server)
    const [plan, apply] = await Promise.all([run(['plan'], cut.endpoint), run(['apply', '--auto-approve', '--format', 'json'], cut.endpoint)])
    const message = /reading "tagged\.txt": GetObjectTagging for "tagged\.txt" got an answer S3 never gives \(malformed XML: .+ at line \d+, column \d+\): is the endpoint an S3 service\?/
    expect(plan.code, plan.stderr).toBe(1)
    expect(plan.stderr).toMatch(message)
    expect(plan.stderr).not.toContain('internal error')
    expect(apply.code).toBe(1)
    expect(errorOf(apply)).toMatchObject({ code: 's3', message: expect.stringMatching(message) })
    expect(await snapshot(server)).toEqual(before)
  })

  it('an HTML page in place of <Tagging> is not read as "no tags"', async () => {
    const soup = await proxy(server.endpoint, { rewrite: (request, reply) => (request.query.has('tagging') ? { ...reply, body: HTML(200) } : reply) })
    const plan = await run(['plan'], soup.endpoint)
    expect(plan.code, plan.stderr).toBe(1)
    expect(plan.stderr).toMatch(/GetObjectTagging for "tagged\.txt" got an answer S3 never gives \(malformed XML: /)
  })

  it('an error answer whose XML is cut: the write fails with the status, nothing is written', async () => {
    const broken = await proxy(server.endpoint, { answer: (request) => (request.method === 'PUT' ? { status: 400, headers: { 'content-type': 'application/xml' }, body: errorXml('InvalidArgument', 'bad').slice(0, 70) } : undefined) })
    const before = await snapshot(server)
    const { result, report } = await (async () => {
      const r = await run(['apply', '--auto-approve', '--format', 'json'], broken.endpoint)
      return { result: r, report: JSON.parse(r.stdout) as { summary: Record<string, number>; items: { key: string; outcome: string; reason: string }[] } }
    })()
    expect(result.code, result.stderr).toBe(1)
    expect(report.summary).toMatchObject({ created: 0, updated: 0, failed: 2 })
    expect(report.items.find((i) => i.key === 'a.txt')).toMatchObject({ outcome: 'failed', reason: 'PutObject for "a.txt" failed: 400 BadRequest: HTTP 400' })
    expect(await snapshot(server)).toEqual(before)
  })
})
