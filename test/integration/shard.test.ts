/**
 * `--shard K/N` through the built CLI against moto (auth on): four shards applied at the same
 * time, on one bucket and one state record, land every object and every record; each plans
 * only its own keys (the shard `shardOfKey` names) and none deletes, though the manifest
 * prunes. The unsharded plan afterwards has only the delete left, asks nothing but the
 * record and a few LISTs (no HeadObject), and its apply leaves a plan with no changes.
 * A saved shard plan applies only as its shard; bad `--shard` values are usage errors.
 *
 * Keys sit at the top of the bucket: moto in auth mode refuses a signed ListObjectsV2 whose
 * prefix holds a `/` (see test/support/moto.ts).
 */
import { rm } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { shardOfKey } from '../../src/plan/index.js'
import { applyJson, getBytes, listKeys, outcomes, parseReportJson } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { parsePlanJson, planJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startStateBarrier } from '../support/state-barrier.js'

const suite = useMotoSuite('putplan-shard-')
const STATE = 'putplan-state.json'
const SHARDS = 4
const KEYS = Array.from({ length: 40 }, (_, i) => `page-${String(i).padStart(2, '0')}.html`)

async function site(bucket: string, keys: readonly string[]): Promise<Workspace> {
  await createBucket(suite.server, bucket)
  const ws = await suite.workspace()
  for (const key of keys) await ws.write(`site/${key}`, `<p>${key}</p>\n`)
  await ws.manifest({ version: 1, bucket, state: { key: STATE }, prune: true, uploads: [{ source: 'site/**', root: 'site' }] })
  return ws
}

function debugLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('debug: -> '))
}

describe('four shards applied at once', () => {
  it('land every object and every record, delete nothing, and leave the unsharded plan only the delete, for a handful of requests', async () => {
    const bucket = 'sharded'
    const ws = await site(bucket, ['dropped.html'])
    const first = await applyJson(ws, suite.env)
    expect(first.result.code, first.result.stderr).toBe(0)
    await rm(ws.path('site/dropped.html'))
    for (const key of KEYS) await ws.write(`site/${key}`, `<p>${key}</p>\n`)

    const barrier = await startStateBarrier(suite.server.endpoint, `/${bucket}/${STATE}`, SHARDS)
    const env = { ...suite.env, AWS_ENDPOINT_URL: barrier.endpoint }
    let runs
    try {
      runs = await Promise.all(
        Array.from({ length: SHARDS }, (_, i) => runPutplan(['apply', '--shard', `${i + 1}/${SHARDS}`, '--auto-approve', '--format', 'json'], { cwd: ws.dir, env })),
      )
    } finally {
      await barrier.stop()
    }
    const claimed: string[] = []
    runs.forEach((run, i) => {
      expect(run.code, run.stderr).toBe(0)
      const report = parseReportJson(run)
      const keys = Object.keys(outcomes(report))
      // Exactly the keys the hash gives this shard, all created; nothing deleted.
      expect(keys.sort()).toEqual(KEYS.filter((key) => shardOfKey(key, SHARDS) === i + 1).sort())
      expect(Object.values(outcomes(report)).every((outcome) => outcome === 'created')).toBe(true)
      expect(run.stderr).not.toContain('state record')
      claimed.push(...keys)
    })
    expect(claimed.sort()).toEqual(KEYS)
    // Every shard read the record before any wrote it, and each write landed by its condition.
    expect(barrier.released).toBe('all read')
    expect(barrier.puts.every((put) => put.condition.startsWith('if-'))).toBe(true)
    expect(barrier.puts.filter((put) => put.status === 200)).toHaveLength(SHARDS)
    expect(barrier.puts.filter((put) => put.status === 412).length).toBeGreaterThanOrEqual(SHARDS - 1)
    expect(await listKeys(suite.s3, bucket)).toEqual(['dropped.html', ...KEYS, STATE].sort())
    const state = JSON.parse((await getBytes(suite.s3, { Bucket: bucket, Key: STATE })).toString('utf8')) as { objects: Record<string, unknown> }
    expect(Object.keys(state.objects).sort()).toEqual(['dropped.html', ...KEYS].sort())

    // The unsharded plan: the delete alone, from the record and LIST, without a HeadObject.
    const after = await planJson(ws, suite.env, ['--debug'])
    expect(after.result.code, after.result.stderr).toBe(2)
    expect(after.plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 1, unchanged: KEYS.length, undecided: 0, conflict: 0 })
    // HeadBucket, the record, a LIST of the keys, and prune's LISTs of the recorded keys and the
    // folders; besides them, the four reads of the bucket's settings every plan makes.
    const requests = objectRequests(debugLines(after.result.stderr).map((line) => line.split(' ')[2]))
    expect(requests.filter((op) => op === 'HeadObject')).toEqual([])
    expect(requests.filter((op) => op === 'GetObject')).toEqual(['GetObject'])
    expect(requests.length).toBeLessThanOrEqual(5)

    const finish = await applyJson(ws, suite.env)
    expect(finish.result.code, finish.result.stderr).toBe(0)
    expect(outcomes(finish.report)['dropped.html']).toBe('deleted')
    // Then the unsharded plan is empty, for the same handful of requests.
    const settled = await planJson(ws, suite.env, ['--debug'])
    expect(settled.result.code, settled.result.stderr).toBe(0)
    expect(settled.plan.summary).toMatchObject({ create: 0, update: 0, repair: 0, delete: 0, unchanged: KEYS.length, undecided: 0, conflict: 0 })
    const quiet = objectRequests(debugLines(settled.result.stderr).map((line) => line.split(' ')[2]))
    expect(quiet.filter((op) => op === 'HeadObject')).toEqual([])
    expect(quiet.length).toBeLessThanOrEqual(5)
  }, 120_000)
})

describe('a shard plan', () => {
  it('says which shard it covers and that it deletes nothing, in JSON, human and markdown', async () => {
    const ws = await site('shard-views', KEYS.slice(0, 8))
    const json = await planJson(ws, suite.env, ['--shard', '2/3'])
    const document = json.plan as unknown as { shard: unknown }
    expect(document.shard).toEqual({ index: 2, count: 3, pruneDeferred: true })
    expect(json.plan.prune).toBeUndefined()
    expect(json.plan.actions.map((a) => a.key)).toEqual(KEYS.slice(0, 8).filter((key) => shardOfKey(key, 3) === 2))
    const human = await runPutplan(['plan', '--shard', '2/3'], { cwd: ws.dir, env: suite.env })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('Shard 2/3: only the keys whose hash falls in this shard; the other 2 shards plan the rest.')
    expect(human.stdout).toContain('Prune: this plan deletes nothing.')
    const markdown = await runPutplan(['plan', '--shard', '2/3', '--format', 'markdown'], { cwd: ws.dir, env: suite.env })
    expect(markdown.stdout).toContain('Shard 2/3: only the keys')
  })

  it('saved, applies only as its own shard', async () => {
    const ws = await site('shard-saved', KEYS.slice(0, 8))
    const saved = await runPutplan(['plan', '--shard', '1/2', '--out', 'plan-1.json', '--format', 'json'], { cwd: ws.dir, env: suite.env })
    expect(saved.code, saved.stderr).toBe(0)
    const mine = KEYS.slice(0, 8).filter((key) => shardOfKey(key, 2) === 1)
    expect(parsePlanJson(saved).actions.map((a) => a.key)).toEqual(mine)

    const other = await runPutplan(['apply', 'plan-1.json', '--shard', '2/2'], { cwd: ws.dir, env: suite.env })
    expect(other.code).toBe(1)
    expect(other.stderr).toContain('plan-1.json was made for shard 1/2, and --shard names 2/2')
    expect(await listKeys(suite.s3, 'shard-saved')).toEqual([])

    const applied = await applyJson(ws, suite.env, ['plan-1.json', '--shard', '1/2'])
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(Object.keys(outcomes(applied.report)).sort()).toEqual(mine)
    expect(await listKeys(suite.s3, 'shard-saved')).toEqual([...mine, STATE].sort())
  })

  it('an unsharded saved plan is refused as a shard', async () => {
    const ws = await site('shard-unsharded', KEYS.slice(0, 2))
    const saved = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(saved.code, saved.stderr).toBe(0)
    const refused = await runPutplan(['apply', 'plan.json', '--shard', '1/2'], { cwd: ws.dir, env: suite.env })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('plan.json was made without --shard, and --shard names 1/2')
    expect(await listKeys(suite.s3, 'shard-unsharded')).toEqual([])
  })

  it.each(['0/4', '5/4', '2', 'a/b', '2/4/8'])('--shard %s is a usage error, exit 1, nothing written', async (value) => {
    const ws = await site(`shard-bad-${value.replace(/[^0-9a-z]/g, 'x')}`, KEYS.slice(0, 2))
    for (const command of ['plan', 'apply']) {
      const result = await runPutplan([command, `--shard=${value}`, '--auto-approve'].slice(0, command === 'plan' ? 2 : 3), { cwd: ws.dir, env: suite.env })
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toContain(`--shard "${value}": expected K/N with 1 <= K <= N`)
    }
    expect(await listKeys(suite.s3, `shard-bad-${value.replace(/[^0-9a-z]/g, 'x')}`)).toEqual([])
  })

  it('with --no-conditional-writes and a state record is refused: shards would overwrite each other’s record', async () => {
    const ws = await site('shard-unconditional', KEYS.slice(0, 2))
    const result = await runPutplan(['apply', '--shard', '1/2', '--auto-approve', '--no-conditional-writes'], { cwd: ws.dir, env: suite.env })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('--shard with --no-conditional-writes')
    expect(await listKeys(suite.s3, 'shard-unconditional')).toEqual([])
  })
})

const BUCKET_SETTINGS = new Set(['GetBucketOwnershipControls', 'GetObjectLockConfiguration', 'GetBucketEncryption', 'GetBucketVersioning'])

/** The requests other than the bucket's settings, which every plan reads once, each of the four exactly once. */
function objectRequests(operations: (string | undefined)[]): (string | undefined)[] {
  expect(operations.filter((op) => op !== undefined && BUCKET_SETTINGS.has(op)).sort()).toEqual([...BUCKET_SETTINGS].sort())
  return operations.filter((op) => op === undefined || !BUCKET_SETTINGS.has(op))
}
