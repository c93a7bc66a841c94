/**
 * Hostile buckets, through the built CLI against moto_server with signature checking on:
 * a bucket that does not exist, credentials whose IAM policy denies s3:GetObject or
 * s3:PutObject (real IAM users in moto), a bucket in another region (a proxy answering
 * as S3 does), and a bucket not owned by `expectedBucketOwner`. Each run gets a message
 * naming the bucket, key, permission or region, exit 1 where it cannot go on, and the
 * server's contents are compared before and after with an independent client.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshot, type Snapshot } from '../support/bucket-snapshot.js'
import { errorXml, signedRegion, startHostileProxy, type HostileProxy, type Reply, type SeenRequest } from '../support/hostile-proxy.js'
import { awsEnv, createBucket, s3Client, startMoto, type Credentials, type MotoServer } from '../support/moto.js'
import { createUser, denyingPolicy } from '../support/moto-iam.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

let server: MotoServer
let ws: Workspace
const proxies: HostileProxy[] = []
const BUCKET = 'hostile-present'

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  const s3 = s3Client(server)
  try {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'old.txt', Body: 'old\n' }))
  } finally {
    s3.destroy()
  }
  ws = await makeWorkspace('putplan-hostile-')
  await ws.write('a.txt', 'a\n')
  await ws.write('old.txt', 'new\n')
  await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'a.txt' }, { source: 'old.txt' }] })
}, 60_000)

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()))
  await ws?.remove()
  await server?.stop()
})

function env(credentials: Credentials = server.credentials, endpoint = server.endpoint): Record<string, string> {
  return awsEnv({ endpoint, region: server.region, credentials })
}

/** The JSON error document `--format json` prints on failure, parsed whole. */
function errorOf(result: RunResult): { code: string; message: string } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error
}

/** `plan` (human) and `apply --auto-approve --format json`, in `-f file`: both modes, both commands, two runs. */
async function runAll(extraEnv: Record<string, string>, file = 'uploads.yaml'): Promise<Record<'plan' | 'applyJson', RunResult>> {
  const run = (args: string[]) => runPutplan([...args, '-f', file], { cwd: ws.dir, env: extraEnv })
  const [plan, applyJson] = await Promise.all([run(['plan']), run(['apply', '--auto-approve', '--format', 'json'])])
  return { plan: plan!, applyJson: applyJson! }
}

function expectNoInternalError(results: Record<string, RunResult>): void {
  for (const [name, result] of Object.entries(results)) expect(result.stderr, name).not.toContain('internal error')
}

describe('a bucket that does not exist', () => {
  it('plan and apply exit 1 naming the bucket; no bucket is created, nothing is written', async () => {
    await ws.manifest({ version: 1, bucket: 'hostile-missing', uploads: [{ source: 'a.txt' }] }, 'missing.yaml')
    const before = await snapshot(server)
    const runs = await runAll(env(), 'missing.yaml')
    for (const [name, result] of Object.entries(runs)) expect(result.code, `${name}: ${result.stderr}`).toBe(1)
    expect(runs.plan!.stderr).toMatch(/^Error: bucket "hostile-missing" does not exist/m)
    expect(errorOf(runs.applyJson!)).toMatchObject({ code: 's3', message: expect.stringContaining('bucket "hostile-missing" does not exist') })
    expectNoInternalError(runs)
    expect(await snapshot(server)).toEqual(before)
  })
})

describe('access denied by an IAM policy (moto users whose inline policy denies one action)', () => {
  let denyGet: Credentials
  let denyPut: Credentials
  let denyAll: Credentials
  beforeAll(async () => {
    denyGet = await createUser(server, 'deny-get', denyingPolicy(['s3:GetObject']))
    denyPut = await createUser(server, 'deny-put', denyingPolicy(['s3:PutObject']))
    denyAll = await createUser(server, 'deny-all', denyingPolicy(['s3:*']))
  })

  it('without s3:GetObject: plan and apply exit 1, naming the key and the permission; nothing is written', async () => {
    const before = await snapshot(server)
    const runs = await runAll(env(denyGet))
    for (const [name, result] of Object.entries(runs)) expect(result.code, `${name}: ${result.stderr}`).toBe(1)
    const message = /access denied reading "(a|old)\.txt" \(Forbidden\): the credentials likely lack s3:GetObject on this bucket/
    expect(runs.plan!.stderr).toMatch(message)
    expect(errorOf(runs.applyJson!)).toMatchObject({ code: 's3', message: expect.stringMatching(message) })
    expectNoInternalError(runs)
    expect(await snapshot(server)).toEqual(before)
  })

  it('without s3:PutObject: plan works; apply exits 1, each object failed with AccessDenied; nothing is written', async () => {
    const before = await snapshot(server)
    const runs = await runAll(env(denyPut))
    expect(runs.plan!.code, runs.plan!.stderr).toBe(0)
    expect(runs.applyJson!.code).toBe(1)
    const human = await runPutplan(['apply', '--auto-approve'], { cwd: ws.dir, env: env(denyPut) })
    expect(human.code).toBe(1)
    expect(human.stderr).toMatch(/x a\.txt: failed \(PutObject for "a\.txt" failed: 403 AccessDenied/)
    expect(human.stderr).toContain('Apply incomplete: 0 created, 0 updated, 0 unchanged, 0 conflicts, 2 failed')
    const report = JSON.parse(runs.applyJson!.stdout) as { summary: Record<string, number>; items: { key: string; outcome: string; reason: string; attempts: number }[] }
    expect(report.summary).toMatchObject({ created: 0, updated: 0, failed: 2 })
    for (const item of report.items) {
      expect(item).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(`PutObject for "${item.key}" failed: 403 AccessDenied`) })
      expect(item.attempts, 'a 403 is never retried').toBe(1)
    }
    expectNoInternalError(runs)
    expect(await snapshot(server)).toEqual(before)
  })

  it('without any S3 permission: exit 1 at the bucket check, naming the bucket', async () => {
    const before = await snapshot(server)
    const runs = await runAll(env(denyAll))
    for (const [name, result] of Object.entries(runs)) expect(result.code, `${name}: ${result.stderr}`).toBe(1)
    const message = 'access denied to bucket "hostile-present": the credentials are invalid, or lack s3:ListBucket on it'
    expect(runs.plan!.stderr).toContain(`Error: ${message}`)
    expect(errorOf(runs.applyJson!).message).toBe(message)
    expectNoInternalError(runs)
    expect(await snapshot(server)).toEqual(before)
  })
})

describe('a bucket in another region (a proxy answering as S3 does for a request signed for the wrong region)', () => {
  const BUCKET_REGION = 'eu-west-1'
  /**
   * S3 answers HEAD with 301 and `x-amz-bucket-region` (no body), and other requests
   * with 400 AuthorizationHeaderMalformed naming the region in `<Region>`. Requests
   * signed for the bucket's region pass through to moto (which accepts any region).
   */
  const wrongRegion = (always: boolean) => (request: SeenRequest): Reply | undefined => {
    if (!always && signedRegion(request.headers) === BUCKET_REGION) return undefined
    if (request.method === 'HEAD') return { status: 301, headers: { 'x-amz-bucket-region': BUCKET_REGION } }
    const body = errorXml('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${signedRegion(request.headers)}' is wrong; expecting '${BUCKET_REGION}'`, { Region: BUCKET_REGION })
    return { status: 400, headers: { 'content-type': 'application/xml', 'x-amz-bucket-region': BUCKET_REGION }, body }
  }

  it('plan and apply follow the redirect, re-sign for the bucket\'s region and succeed', async () => {
    const proxy = await startHostileProxy(server.endpoint, { answer: wrongRegion(false) })
    proxies.push(proxy)
    await ws.manifest({ version: 1, bucket: BUCKET, region: 'us-east-1', uploads: [{ source: 'a.txt', key: 'region/a.txt' }] }, 'region.yaml')
    const plan = await runPutplan(['plan', '-f', 'region.yaml', '--format', 'json', '--detailed-exitcode', '--debug'], { cwd: ws.dir, env: env(server.credentials, proxy.endpoint) })
    expect(plan.code, plan.stderr).toBe(2)
    expect(plan.stderr).toContain(`region redirect for HeadBucket: us-east-1 -> ${BUCKET_REGION}`)
    const before = proxy.requests.length
    const apply = await runPutplan(['apply', '-f', 'region.yaml', '--auto-approve'], { cwd: ws.dir, env: env(server.credentials, proxy.endpoint) })
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toContain('1 created')
    // Once told, every later request is signed for the bucket's region: one redirect per run.
    const regions = proxy.requests.slice(before).map((r) => `${r.method} ${signedRegion(r.headers)}`)
    expect(regions[0]).toBe('HEAD us-east-1')
    expect(regions.slice(1).every((r) => r.endsWith(BUCKET_REGION)), regions.join(', ')).toBe(true)
    expect(regions).toContain(`PUT ${BUCKET_REGION}`)
    expect(Object.keys((await snapshot(server))[BUCKET]!.objects)).toContain('region/a.txt')
  })

  it('apply plan.json, whose first request is the LIST of its checks (a GET), follows 400 AuthorizationHeaderMalformed the same way', async () => {
    const proxy = await startHostileProxy(server.endpoint, { answer: wrongRegion(false) })
    proxies.push(proxy)
    await ws.manifest({ version: 1, bucket: BUCKET, region: 'us-east-1', uploads: [{ source: 'a.txt', key: 'region/saved.txt' }] }, 'region-saved.yaml')
    const target = env(server.credentials, proxy.endpoint)
    expect((await runPutplan(['plan', '-f', 'region-saved.yaml', '--out', 'region-plan.json'], { cwd: ws.dir, env: target })).code).toBe(0)
    const before = proxy.requests.length
    const apply = await runPutplan(['apply', '-f', 'region-saved.yaml', 'region-plan.json', '--debug'], { cwd: ws.dir, env: target })
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toContain(`region redirect for ListObjectsV2: us-east-1 -> ${BUCKET_REGION}`)
    const regions = proxy.requests.slice(before).map((r) => `${r.method} ${signedRegion(r.headers)}`)
    expect(regions[0]).toBe('GET us-east-1')
    expect(regions.slice(1).every((r) => r.endsWith(BUCKET_REGION)), regions.join(', ')).toBe(true)
    expect(regions).toContain(`PUT ${BUCKET_REGION}`)
    expect(Object.keys((await snapshot(server))[BUCKET]!.objects)).toContain('region/saved.txt')
  })

  it('fails clearly, naming the bucket and the region, when the redirect leads nowhere', async () => {
    const proxy = await startHostileProxy(server.endpoint, { answer: wrongRegion(true) })
    proxies.push(proxy)
    const before = await snapshot(server)
    const runs = await runAll(env(server.credentials, proxy.endpoint))
    for (const [name, result] of Object.entries(runs)) expect(result.code, `${name}: ${result.stderr}`).toBe(1)
    const message = `bucket "hostile-present" is in region ${BUCKET_REGION} and this endpoint does not serve it (301 PermanentRedirect): set region: ${BUCKET_REGION}, with an endpoint of that region or none`
    expect(runs.plan!.stderr).toBe(`Error: ${message}\n`)
    expect(errorOf(runs.applyJson!).message).toBe(message)
    // One request signed for the configured region, one re-signed for the bucket's; then it stops.
    expect(new Set(proxy.requests.map((r) => `${r.method} ${signedRegion(r.headers)}`))).toEqual(new Set(['HEAD us-east-1', `HEAD ${BUCKET_REGION}`]))
    expect(await snapshot(server)).toEqual(before)
  })
})

describe('expectedBucketOwner', () => {
  /**
   * moto 5.2 ignores x-amz-expected-bucket-owner, so a proxy answers as S3 does: 403
   * AccessDenied when the header names another account than the owner (moto's account).
   */
  const OWNER = '123456789012'
  const ownerCheck = (request: SeenRequest): Reply | undefined => {
    const expected = request.headers['x-amz-expected-bucket-owner']
    if (expected === undefined || expected === OWNER) return undefined
    return { status: 403, headers: { 'content-type': 'application/xml' }, body: request.method === 'HEAD' ? '' : errorXml('AccessDenied', 'Access Denied') }
  }

  it('a mismatch: plan and apply exit 1 naming the bucket and the account; nothing is written', async () => {
    const proxy = await startHostileProxy(server.endpoint, { answer: ownerCheck })
    proxies.push(proxy)
    await ws.manifest({ version: 1, bucket: BUCKET, expectedBucketOwner: '999999999999', uploads: [{ source: 'a.txt', key: 'owner/a.txt' }] }, 'owner.yaml')
    const before = await snapshot(server)
    const runs = await runAll(env(server.credentials, proxy.endpoint), 'owner.yaml')
    for (const [name, result] of Object.entries(runs)) expect(result.code, `${name}: ${result.stderr}`).toBe(1)
    const message = 'access denied to bucket "hostile-present": the credentials are invalid or lack s3:ListBucket on it, or it is not owned by account 999999999999'
    expect(runs.plan!.stderr).toBe(`Error: ${message}\n`)
    expect(errorOf(runs.applyJson!).message).toBe(message)
    expect(proxy.requests.map((r) => `${r.method} ${String(r.headers['x-amz-expected-bucket-owner'])}`)).toEqual(Array(2).fill('HEAD 999999999999'))
    expect(await snapshot(server)).toEqual(before)
  })

  it('the right owner: the header is sent on every request and apply succeeds', async () => {
    const proxy = await startHostileProxy(server.endpoint, { answer: ownerCheck })
    proxies.push(proxy)
    await ws.manifest({ version: 1, bucket: BUCKET, expectedBucketOwner: OWNER, uploads: [{ source: 'a.txt', key: 'owner/a.txt' }] }, 'owner-ok.yaml')
    const apply = await runPutplan(['apply', '-f', 'owner-ok.yaml', '--auto-approve'], { cwd: ws.dir, env: env(server.credentials, proxy.endpoint) })
    expect(apply.code, apply.stderr).toBe(0)
    // HeadBucket, the LIST of missing keys (which moto's auth mode refuses for a prefix with '/', so a HeadObject follows), the PUT: all carry the owner.
    const seen = proxy.requests.map((r) => `${r.method} ${String(r.headers['x-amz-expected-bucket-owner'])}`)
    expect(seen[0]).toBe(`HEAD ${OWNER}`)
    expect(seen).toContain(`GET ${OWNER}`)
    expect(seen.at(-1)).toBe(`PUT ${OWNER}`)
    expect(seen.every((line) => line.endsWith(` ${OWNER}`))).toBe(true)
  })
})
