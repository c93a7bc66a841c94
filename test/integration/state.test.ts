/**
 * The state record through the built CLI: apply writes putplan's record of each write into
 * the bucket (or another one); a later plan LISTs the keys' common prefix, trusts the record
 * for every object LIST still shows as recorded, and sends HeadObject only for the rest.
 *
 * moto runs WITHOUT auth here: in its auth mode moto rejects correctly signed
 * ListObjectsV2 requests whose prefix contains `/` (a moto defect, see test/support/moto.ts),
 * and a plan with a state record LISTs the keys' common prefix, `site/` here. Signing is
 * proved by the other integration suites.
 *
 * Not tested here: a lifecycle transition changes an object's storage class without a
 * rewrite, and the plan must take the class from LIST. moto has no lifecycle transitions,
 * and every way to change a storage class in moto (copy-object, put-object) is a rewrite,
 * which the record no longer vouches for anyway; the unit tests of trustRecord prove the
 * class is taken from LIST.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, listKeys, outcomes, parseReportJson } from '../support/apply-workspace.js'
import { runAws } from '../support/aws-cli.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, planJson, verdicts, type PlanRun, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startStateBarrier } from '../support/state-barrier.js'

const MiB = 1024 * 1024
const STATE_KEY = '.putplan/state.json'
const SMALL = ['site/a.txt', 'site/b.txt', 'site/c.txt', 'site/d.txt']
const BIG = 'site/big.bin'
const KEYS = [...SMALL, BIG].sort()
const TEXT = 'text/plain; charset=utf-8'

let server: MotoServer
let s3: S3Client
let ws: Workspace
let env: Record<string, string>

interface StateJson {
  formatVersion: number
  bucket: string
  objects: Record<string, { etag: string; size: number; lastModified: string; firstPartSize?: number; headers: Record<string, unknown> }>
}

async function readStateJson(bucket: string, key: string): Promise<StateJson> {
  return JSON.parse((await getBytes(s3, { Bucket: bucket, Key: key })).toString('utf8')) as StateJson
}

/** The keys HeadObject was sent for, in order, from `--debug` lines (`<bucket>/<key>` decoded). */
function headed(stderr: string, bucket: string): string[] {
  const keys: string[] = []
  for (const match of stderr.matchAll(/^debug: -> HeadObject #\d+ HEAD (\S+)/gm)) {
    const path = new URL(match[1]!).pathname
    keys.push(decodeURIComponent(path.slice(`/${bucket}/`.length)))
  }
  return keys
}

function countLines(stderr: string, pattern: RegExp): number {
  return stderr.split('\n').filter((line) => pattern.test(line)).length
}

async function aws(args: string[]): Promise<void> {
  const result = await runAws(server, args, { cwd: ws.dir })
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
}

/**
 * LIST and HeadObject report LastModified to the second, so a rewrite with the same bytes
 * (same ETag) in the very second of putplan's write cannot be told from it: wait until
 * the clock has left the recorded second, as any real change by another client would.
 */
async function leaveSecondOf(lastModified: string): Promise<void> {
  const next = Math.floor(Date.parse(lastModified) / 1000) * 1000 + 1000
  const wait = next - Date.now() + 50
  if (wait > 0) await sleep(wait)
}

beforeAll(async () => {
  server = await startMoto({ auth: false })
  s3 = s3Client(server)
  env = awsEnv(server)
  await createBucket(server, 'site')
  await createBucket(server, 'records')
  await createBucket(server, 'locked', { objectLock: true })
  ws = await makeWorkspace('putplan-state-')
  for (const key of SMALL) await ws.write(key, `${key}\n`)
  await ws.write(BIG, Buffer.alloc(17 * MiB, 7))
  await ws.manifest({
    version: 1,
    bucket: 'site',
    state: { key: STATE_KEY },
    defaults: { cacheControl: 'max-age=60', metadata: { Commit: 'abc' } },
    uploads: [
      { source: 'site/*.txt', root: 'site', prefix: 'site/' },
      // Multipart, with a composite checksum: judged with the part size the record holds (no
      // HeadObject partNumber=1), and with the checksum putplan sent, which moto's
      // CompleteMultipartUpload answer does not repeat.
      { source: BIG, key: BIG, checksumAlgorithm: 'SHA256' },
    ],
  })
}, 60_000)

afterAll(async () => {
  s3?.destroy()
  await ws?.remove()
  await server?.stop()
})

describe('a state record in the bucket', () => {
  let applied: Awaited<ReturnType<typeof applyJson>>
  let quiet: PlanRun

  beforeAll(async () => {
    applied = await applyJson(ws, env)
    quiet = await planJson(ws, env, ['--debug'])
  }, 60_000)

  it('apply writes the record of every object it wrote, as HeadObject reports them', async () => {
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(outcomes(applied.report)).toEqual(Object.fromEntries(KEYS.map((k) => [k, 'created'])))
    expect(await listKeys(s3, 'site')).toEqual([STATE_KEY, ...KEYS].sort())
    const state = await readStateJson('site', STATE_KEY)
    expect(state).toMatchObject({ formatVersion: 1, bucket: 'site' })
    expect(Object.keys(state.objects).sort()).toEqual(KEYS)
    for (const key of KEYS) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'site', Key: key }))
      const record = state.objects[key]!
      expect(`"${record.etag}"`).toBe(head.ETag)
      expect(record.size).toBe(head.ContentLength)
      expect(Date.parse(record.lastModified)).toBe(head.LastModified!.getTime())
      expect(record.headers).toMatchObject({ cacheControl: 'max-age=60', metadata: { commit: 'abc' }, storageClass: 'STANDARD' })
    }
    expect(state.objects[BIG]).toMatchObject({ firstPartSize: 16 * MiB })
  })

  it('a plan right after sends no HeadObject at all and shows zero changes', () => {
    expect(quiet.result.code, quiet.result.stderr).toBe(0)
    expect(quiet.plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: KEYS.length, undecided: 0, conflict: 0 })
    expect(countLines(quiet.result.stderr, /^debug: -> HeadObject /)).toBe(0)
    // What it asked instead: the record, and one LIST of the keys' common prefix.
    expect(countLines(quiet.result.stderr, /^debug: -> GetObject .*\/site\/\.putplan\/state\.json/)).toBe(1)
    expect(countLines(quiet.result.stderr, /^debug: -> ListObjectsV2 .*prefix=site%2F/)).toBe(1)
  })

  it('catches headers another client changed, HEADing only those objects, and a deleted object', async () => {
    const state = await readStateJson('site', STATE_KEY)
    await leaveSecondOf(state.objects['site/a.txt']!.lastModified)
    await leaveSecondOf(state.objects['site/b.txt']!.lastModified)
    // The same bytes (same ETag) with another Cache-Control: only LastModified tells.
    await aws(['s3api', 'put-object', '--bucket', 'site', '--key', 'site/a.txt', '--body', 'site/a.txt', '--content-type', TEXT, '--metadata', 'commit=abc', '--cache-control', 'no-store'])
    // A copy onto itself replacing the metadata: the ETag stays, LastModified moves.
    await aws(['s3api', 'copy-object', '--bucket', 'site', '--key', 'site/b.txt', '--copy-source', 'site/site/b.txt', '--metadata-directive', 'REPLACE', '--content-type', TEXT, '--cache-control', 'max-age=60', '--metadata', 'commit=theirs'])
    await s3.send(new DeleteObjectCommand({ Bucket: 'site', Key: 'site/c.txt' }))

    const { result, plan } = await planJson(ws, env, ['--debug'])
    expect(result.code, result.stderr).toBe(2)
    expect(verdicts(plan)).toEqual({
      'site/a.txt': { action: 'repair', reasons: ['cacheControl: "no-store" -> "max-age=60"'] },
      'site/b.txt': { action: 'repair', reasons: ['metadata: {"commit":"theirs"} -> {"commit":"abc"}'] },
      'site/c.txt': { action: 'create', reasons: ['new object'] },
      'site/d.txt': { action: 'unchanged', reasons: [] },
      [BIG]: { action: 'unchanged', reasons: [] },
    })
    expect(headed(result.stderr, 'site').sort()).toEqual(['site/a.txt', 'site/b.txt'])
  })

  it('--refresh sends HeadObject for every object', async () => {
    const { result, plan } = await planJson(ws, env, ['--debug', '--refresh'])
    expect(result.code, result.stderr).toBe(2)
    expect(plan.summary).toEqual({ create: 1, update: 0, repair: 2, delete: 0, unchanged: 2, undecided: 0, conflict: 0 })
    expect([...new Set(headed(result.stderr, 'site'))].sort()).toEqual(KEYS)
    // Neither the record nor a LIST is read.
    expect(countLines(result.stderr, /^debug: -> GetObject /)).toBe(0)
    expect(countLines(result.stderr, /^debug: -> ListObjectsV2 /)).toBe(0)
  })
})

describe('two applies racing on one state key', () => {
  it('both manifests’ records end up in it: the loser of the If-None-Match race re-reads and writes with If-Match', async () => {
    const stateKey = 'race-state.json'
    await ws.write('race/one/1.txt', 'one 1\n')
    await ws.write('race/one/2.txt', 'one 2\n')
    await ws.write('race/two/1.txt', 'two 1\n')
    await ws.manifest({ version: 1, bucket: 'site', state: { key: stateKey }, uploads: [{ source: 'race/one/*', root: 'race/one', prefix: 'race/one/' }] }, 'one.yaml')
    await ws.manifest({ version: 1, bucket: 'site', state: { key: stateKey }, uploads: [{ source: 'race/two/*', root: 'race/two', prefix: 'race/two/' }] }, 'two.yaml')

    const barrier = await startStateBarrier(server.endpoint, `/site/${stateKey}`)
    try {
      const raceEnv = { ...env, AWS_ENDPOINT_URL: barrier.endpoint }
      const [one, two] = await Promise.all(
        ['one.yaml', 'two.yaml'].map((file) => runPutplan(['apply', '-f', file, '--auto-approve', '--format', 'json', '--debug'], { cwd: ws.dir, env: raceEnv })),
      )
      expect(one!.code, one!.stderr).toBe(0)
      expect(two!.code, two!.stderr).toBe(0)
      expect(outcomes(parseReportJson(one!))).toEqual({ 'race/one/1.txt': 'created', 'race/one/2.txt': 'created' })
      expect(outcomes(parseReportJson(two!))).toEqual({ 'race/two/1.txt': 'created' })
      expect(barrier.released).toBe('all read') // a real race, not a timeout
      // Every write of the record is conditional, and each apply landed one. Usually both
      // created it with If-None-Match: *, one lost (412) and merged with If-Match; under load a
      // client may retry a read, so the barrier can open before the second plan read, and
      // that apply then merges with If-Match at once. Either way nothing is clobbered.
      const puts = barrier.puts.map((p) => `${p.condition} ${p.status}`)
      expect(puts.every((p) => p.startsWith('if-'))).toBe(true)
      expect(puts.filter((p) => p.endsWith(' 200')).sort()).toEqual(['if-match 200', 'if-none-match 200'])
      expect(`${one!.stderr}${two!.stderr}`).not.toContain('state record')
    } finally {
      await barrier.stop()
    }
    const state = await readStateJson('site', stateKey)
    expect(Object.keys(state.objects).sort()).toEqual(['race/one/1.txt', 'race/one/2.txt', 'race/two/1.txt'])
  })
})

describe('a state record in another bucket, for an Object Lock bucket', () => {
  it('lives only in the other bucket, and the object declaring object lock options is always HEADed', async () => {
    await ws.write('lock/held.txt', 'held\n')
    await ws.write('lock/free.txt', 'free\n')
    await ws.manifest(
      {
        version: 1,
        bucket: 'locked',
        state: { key: 'locked/state.json', bucket: 'records' },
        uploads: [
          { source: 'lock/free.txt', key: 'lock/free.txt' },
          // Retention and legal hold change without a rewrite: the record cannot vouch for them.
          { source: 'lock/held.txt', key: 'lock/held.txt', objectLockLegalHoldStatus: 'ON' },
        ],
      },
      'locked.yaml',
    )
    const applied = await runPutplan(['apply', '-f', 'locked.yaml', '--auto-approve', '--format', 'json'], { cwd: ws.dir, env })
    expect(applied.code, applied.stderr).toBe(0)
    expect(await listKeys(s3, 'locked')).toEqual(['lock/free.txt', 'lock/held.txt'])
    const state = await readStateJson('records', 'locked/state.json')
    expect(state.bucket).toBe('locked')
    expect(Object.keys(state.objects).sort()).toEqual(['lock/free.txt', 'lock/held.txt'])

    const planned = await runPutplan(['plan', '-f', 'locked.yaml', '--format', 'json', '--detailed-exitcode', '--debug'], { cwd: ws.dir, env })
    expect(planned.code, planned.stderr).toBe(0)
    expect(headed(planned.stderr, 'locked')).toEqual(['lock/held.txt'])
    expect(countLines(planned.stderr, /^debug: -> GetObject .*\/records\/locked\/state\.json/)).toBe(1)
    expect(countLines(planned.stderr, /^debug: -> ListObjectsV2 .*\/locked\/?\?/)).toBe(1)
    // The record is never looked for in the manifest's bucket.
    expect(await s3.send(new GetObjectCommand({ Bucket: 'locked', Key: 'locked/state.json' })).catch((e: { name: string }) => e.name)).toBe('NoSuchKey')
  })
})
