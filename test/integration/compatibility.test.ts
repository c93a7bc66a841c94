/**
 * `compatibility` through the built CLI against moto (auth on), behind a proxy that answers
 * as each store does where it differs from S3 (test/support/store-proxy.ts): plan and apply
 * work with what the store accepts, and every guarantee it cannot give is refused before any
 * write or warned in the plan. One describe per row of the README's compatibility table.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoreName } from '../../src/plan/index.js'
import { listKeys } from '../support/apply-workspace.js'
import type { HostileProxy } from '../support/hostile-proxy.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { parsePlanJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startStoreProxy } from '../support/store-proxy.js'

const suite = useMotoSuite('putplan-compat-')
const proxies = new Map<StoreName, HostileProxy>()
beforeAll(async () => {
  for (const store of ['r2', 'b2', 'gcs'] as const) proxies.set(store, await startStoreProxy(suite.server.endpoint, store))
})
afterAll(async () => {
  await Promise.all([...proxies.values()].map((proxy) => proxy.stop()))
})

let buckets = 0
async function site(store: StoreName, entry: object = {}, top: object = {}, files: Record<string, string | Buffer> = { 'site/index.html': '<h1>hi</h1>\n' }): Promise<{ ws: Workspace; bucket: string }> {
  const bucket = `compat-${store}-${++buckets}`
  await createBucket(suite.server, bucket, { objectLock: (entry as { objectLockMode?: string }).objectLockMode !== undefined })
  const ws = await suite.workspace()
  for (const [name, body] of Object.entries(files)) await ws.write(name, body)
  await ws.manifest({ version: 1, bucket, compatibility: store, ...top, uploads: [{ source: 'site/**', root: 'site', ...entry }] })
  return { ws, bucket }
}

function putplan(store: StoreName, ws: Workspace, args: string[]) {
  const proxy = proxies.get(store)
  return runPutplan([...args, ...(proxy ? ['--endpoint', proxy.endpoint] : [])], { cwd: ws.dir, env: suite.env })
}

async function warnings(store: StoreName, ws: Workspace): Promise<string[]> {
  const result = await putplan(store, ws, ['plan', '--format', 'json'])
  expect(result.code, result.stderr).toBe(0)
  return (parsePlanJson(result) as unknown as { warnings?: string[] }).warnings ?? []
}

/** The requests the store's proxy saw since `from`, that write. */
function writesSince(store: StoreName, from: number) {
  return proxies.get(store)!.requests.slice(from).filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'DELETE')
}

describe('checksums: only what the store accepts is sent; identity rests on what it returns', () => {
  it.each(['gcs', 'b2'] as const)('%s refuses x-amz-checksum-*: apply sends none (multipart too), and the next plan has no changes', async (store) => {
    const { ws, bucket } = await site(store, {}, {}, { 'site/index.html': '<h1>hi</h1>\n', 'site/big.bin': Buffer.alloc(9 * 1024 * 1024, 7) })
    const from = proxies.get(store)!.requests.length
    const apply = await putplan(store, ws, ['apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    expect(await listKeys(suite.s3, bucket)).toEqual(['big.bin', 'index.html'])
    const sent = writesSince(store, from)
    expect(sent.map((r) => Object.keys(r.headers).filter((name) => /checksum/.test(name)))).toEqual(sent.map(() => []))
    const again = await putplan(store, ws, ['plan', '--detailed-exitcode'])
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(await warnings(store, ws)).toContain(
      `${store} does not accept putplan's default CRC64NVME checksum: none is sent, and identity rests on ETags (the MD5 of single-part objects); objects whose ETag cannot decide are uploaded again`,
    )
  }, 60_000)

  it('the proxy does refuse them: the same manifest as aws through it fails, so the profile is what made apply work', async () => {
    const { ws } = await site('gcs')
    const apply = await runPutplan(['apply', '--auto-approve', '--compatibility', 'aws', '--endpoint', proxies.get('gcs')!.endpoint], { cwd: ws.dir, env: suite.env })
    expect(apply.code).toBe(1)
    expect(apply.stdout + apply.stderr).toContain('InvalidArgument')
  })

  it('a saved plan is applied to the store it was made for, without the flag again', async () => {
    const { ws, bucket } = await site('gcs')
    await ws.manifest({ version: 1, bucket, uploads: [{ source: 'site/**', root: 'site' }] })
    const endpoint = proxies.get('gcs')!.endpoint
    const plan = await runPutplan(['plan', '--compatibility', 'gcs', '--endpoint', endpoint, '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(plan.code, plan.stderr).toBe(0)
    const apply = await runPutplan(['apply', 'plan.json', '--endpoint', endpoint], { cwd: ws.dir, env: suite.env })
    expect(apply.code, apply.stderr).toBe(0)
    expect(await listKeys(suite.s3, bucket)).toEqual(['index.html'])
  })

  it('r2 takes CRC64NVME (the default) and refuses a declared SHA256 before any write', async () => {
    const { ws, bucket } = await site('r2')
    const apply = await putplan('r2', ws, ['apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    expect((await putplan('r2', ws, ['plan', '--detailed-exitcode'])).code).toBe(0)
    const refused = await site('r2', { checksumAlgorithm: 'SHA256' })
    const second = await putplan('r2', refused.ws, ['apply', '--auto-approve'])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('checksumAlgorithm: r2 does not accept SHA256 checksums; it accepts CRC64NVME')
    expect(await listKeys(suite.s3, refused.bucket)).toEqual([])
    expect(await listKeys(suite.s3, bucket)).toEqual(['index.html'])
  })
})

describe('conditional PUT: create-only and race-safe apply', () => {
  it('gcs ignores If-None-Match: create-only is refused before any write', async () => {
    const { ws, bucket } = await site('gcs', { ifNoneMatch: '*' })
    const apply = await putplan('gcs', ws, ['apply', '--auto-approve'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('ifNoneMatch: gcs ignores If-None-Match on PUT, so create-only cannot be guaranteed')
    expect(await listKeys(suite.s3, bucket)).toEqual([])
  })

  it('gcs: apply sends no condition and the plan says a concurrent write can be overwritten', async () => {
    const { ws } = await site('gcs')
    expect(await warnings('gcs', ws)).toContain('gcs ignores conditional PUTs: apply sends no If-None-Match / If-Match, so a write by another client between plan and apply can be overwritten')
    const from = proxies.get('gcs')!.requests.length
    expect((await putplan('gcs', ws, ['apply', '--auto-approve'])).code).toBe(0)
    expect(writesSince('gcs', from).flatMap((r) => Object.keys(r.headers).filter((name) => name === 'if-none-match' || name === 'if-match'))).toEqual([])
  })

  it('r2 does not document them: create-only refused, apply still sends them, with a warning', async () => {
    const refused = await site('r2', { ifNoneMatch: '*' })
    const apply = await putplan('r2', refused.ws, ['apply', '--auto-approve'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('ifNoneMatch: r2 does not document If-None-Match on PUT')
    const { ws } = await site('r2')
    expect(await warnings('r2', ws)).toContain('r2 does not document conditional PUTs: apply sends If-None-Match / If-Match, which the store may ignore, so a write by another client between plan and apply can be overwritten')
    const from = proxies.get('r2')!.requests.length
    expect((await putplan('r2', ws, ['apply', '--auto-approve'])).code).toBe(0)
    expect(writesSince('r2', from).filter((r) => r.path.endsWith('/index.html')).map((r) => r.headers['if-none-match'])).toEqual(['*'])
  })
})

describe('conditional DELETE: prune', () => {
  it('prune is refused on a store that does not document If-Match on DeleteObject', async () => {
    const { ws, bucket } = await site('minio', {}, { state: { key: 'state.json' }, prune: true })
    const plan = await putplan('minio', ws, ['plan'])
    expect(plan.code).toBe(1)
    expect(plan.stderr).toContain('prune: minio does not document If-Match on DeleteObject')
    expect(await listKeys(suite.s3, bucket)).toEqual([])
  })
})

describe('object ACLs', () => {
  it('b2 has none: an acl is refused before any write', async () => {
    const { ws, bucket } = await site('b2', { acl: 'public-read' })
    const apply = await putplan('b2', ws, ['apply', '--auto-approve'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('acl: b2 does not support object ACLs')
    expect(await listKeys(suite.s3, bucket)).toEqual([])
  })

  it('gcs does not document them: a warning, not a refusal', async () => {
    const { ws } = await site('gcs', { acl: 'private' })
    expect((await warnings('gcs', ws)).some((w) => w.includes('acl: gcs does not document object ACLs; it may refuse or ignore them'))).toBe(true)
  })
})

describe('object tags', () => {
  it('r2 does not document them: a warning naming the entry', async () => {
    const { ws } = await site('r2', { tagging: { team: 'web' } })
    expect((await warnings('r2', ws)).some((w) => /^uploads\[0\] \(line \d+\): tagging: r2 does not document object tags; it may refuse or ignore them$/.test(w))).toBe(true)
  })
})

describe('Object Lock', () => {
  it('gcs does not document it: a warning; b2 supports it: none', async () => {
    const lock = { objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: '2030-01-01T00:00:00Z' }
    const gcs = await site('gcs', lock)
    expect((await warnings('gcs', gcs.ws)).some((w) => w.includes('objectLockMode, objectLockRetainUntilDate: gcs does not document Object Lock on objects'))).toBe(true)
    const b2 = await site('b2', lock)
    expect((await warnings('b2', b2.ws)).some((w) => w.includes('Object Lock'))).toBe(false)
  })
})

describe('CopyObject with metadata REPLACE: repairs in place', () => {
  it('r2 documents it: no warning, and a repair is a copy in place; gcs does not: a warning', async () => {
    const { ws, bucket } = await site('r2', { cacheControl: 'no-cache' })
    expect((await putplan('r2', ws, ['apply', '--auto-approve'])).code).toBe(0)
    expect((await warnings('r2', ws)).some((w) => w.includes('CopyObject'))).toBe(false)
    const body = '<h1>hi</h1>\n'
    await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: body, ContentType: 'text/html; charset=utf-8', CacheControl: 'max-age=60' }))
    const plan = parsePlanJson(await putplan('r2', ws, ['plan', '--format', 'json']))
    expect(plan.actions.map((a) => a.action)).toEqual(['repair'])
    const gcs = await site('gcs')
    expect(await warnings('gcs', gcs.ws)).toContain('gcs does not document CopyObject with metadata REPLACE: a repair of options in place may fail; it is not retried as an upload')
  })
})
