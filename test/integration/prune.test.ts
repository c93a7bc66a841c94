/**
 * `prune` through the built CLI against moto (auth on): a file dropped from the manifest is
 * deleted, only when putplan wrote it, never past the cap, never before every upload
 * succeeded, never when another client rewrote it since the plan; a versioned bucket gets a
 * delete marker. Another client is the AWS CLI.
 *
 * The sites here keep their keys at the top of the bucket: in its auth mode moto refuses a
 * correctly signed ListObjectsV2 whose prefix holds a `/` (see test/support/moto.ts), and
 * prune lists the manifest's folders. Folders are covered by the unit tests of
 * `manifestFolders` and by the state record's suite, which runs moto without auth.
 */
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, listKeys, outcomes } from '../support/apply-workspace.js'
import { runAws } from '../support/aws-cli.js'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-prune-')
const STATE = '.putplan/state.json'

/** A site whose files are `site/<key>`, each holding its own name; the manifest prunes with `prune`. */
async function site(bucket: string, keys: string[], prune: unknown = true, options: { versioning?: boolean } = {}): Promise<Workspace> {
  await createBucket(suite.server, bucket, options)
  const ws = await suite.workspace()
  for (const key of keys) await ws.write(`site/${key}`, `${key}\n`)
  await writeManifest(ws, bucket, prune)
  return ws
}

/** `state: null` leaves the state record out. */
function writeManifest(ws: Workspace, bucket: string, prune: unknown, state: object | null = { key: STATE }): Promise<string> {
  return ws.manifest({ version: 1, bucket, ...(state ? { state } : {}), prune, uploads: [{ source: 'site/**', root: 'site' }] })
}

async function aws(ws: Workspace, args: string[]): Promise<void> {
  const result = await runAws(suite.server, args, { cwd: ws.dir })
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
}

/** Another client writes `text` under `key`. */
async function putTheirs(ws: Workspace, bucket: string, key: string, text: string): Promise<void> {
  await ws.write(`theirs/${key}`, text)
  await aws(ws, ['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', `theirs/${key}`])
}

async function stateKeys(bucket: string): Promise<string[]> {
  const state = JSON.parse((await getBytes(suite.s3, { Bucket: bucket, Key: STATE })).toString('utf8')) as { objects: Record<string, unknown> }
  return Object.keys(state.objects).sort()
}

async function text(bucket: string, key: string): Promise<string> {
  return (await getBytes(suite.s3, { Bucket: bucket, Key: key })).toString('utf8')
}

async function applied(ws: Workspace, args?: string[]) {
  const run = await applyJson(ws, suite.env, args)
  expect(run.result.code, run.result.stderr).toBe(0)
  return run
}

describe('a file dropped from the manifest', () => {
  const bucket = 'prune-dropped'
  let ws: Workspace

  beforeAll(async () => {
    ws = await site(bucket, ['index.html', 'about.html', 'old.html'])
    await applied(ws)
    await rm(ws.path('site/old.html'))
  })

  it('is planned as a delete with the ETag apply will name, counted in the summary and drawn in its own group', async () => {
    const { result, plan } = await planJson(ws, suite.env)
    expect(result.code, result.stderr).toBe(2)
    expect(plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 1, unchanged: 2, undecided: 0, conflict: 0 })
    const drop = plan.actions.find((a) => a.key === 'old.html')!
    expect(drop).toEqual({ key: 'old.html', action: 'delete', reasons: [{ code: 'not-declared', option: 'object' }], size: 9, remoteEtag: expect.stringMatching(/^[0-9a-f]{32}$/), phase: 'deletes' })
    expect(plan.prune).toEqual({ maxDeletes: 1000, protected: { count: 0, keys: [] }, unowned: { folders: [''], count: 0, keys: [], complete: true } })

    const human = await runPutplan(['plan'], { cwd: ws.dir, env: suite.env })
    expect(human.stdout).toContain('- delete (1 object, 9 B)\n  - old.html  9 B\n      no longer in the manifest (putplan wrote it)\n')
    expect(human.stdout).toContain('Plan: 0 to create, 0 to update, 0 to repair, 1 to delete, 2 unchanged, 0 undecided, 0 in conflict.')
  })

  it('is deleted by apply, leaves the state record in the same write, and the next plan is empty', async () => {
    const { report } = await applied(ws)
    expect(outcomes(report)).toEqual({ 'about.html': 'unchanged', 'index.html': 'unchanged', 'old.html': 'deleted' })
    expect(report.summary).toMatchObject({ deleted: 1, unchanged: 2 })
    expect(await listKeys(suite.s3, bucket)).toEqual([STATE, 'about.html', 'index.html'])
    expect(await stateKeys(bucket)).toEqual(['about.html', 'index.html'])

    const human = await runPutplan(['apply', '--auto-approve'], { cwd: ws.dir, env: suite.env })
    expect(human.code, human.stderr).toBe(0)
    const again = await planJson(ws, suite.env)
    expect(again.result.code, again.result.stderr).toBe(0)
    expect(again.plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 2, undecided: 0, conflict: 0 })
  })
})

describe('objects putplan did not write', () => {
  const bucket = 'prune-foreign'
  let ws: Workspace

  beforeAll(async () => {
    ws = await site(bucket, ['index.html', 'taken.html'])
    await applied(ws)
    // A stray in the site's folder, and a page putplan wrote that another client rewrote.
    await putTheirs(ws, bucket, 'stray.html', 'uploaded by hand\n')
    await putTheirs(ws, bucket, 'taken.html', 'rewritten by hand\n')
    await rm(ws.path('site/taken.html'))
  })

  it('are listed as unowned and never planned as deletes, whatever their key', async () => {
    const { result, plan } = await planJson(ws, suite.env)
    expect(result.code, result.stderr).toBe(0)
    expect(plan.summary.delete).toBe(0)
    expect(plan.prune!.unowned).toEqual({ folders: [''], count: 2, keys: ['stray.html', 'taken.html'], complete: true })
    const human = await runPutplan(['plan'], { cwd: ws.dir, env: suite.env })
    expect(human.stdout).toContain('Unowned: 2 objects in the bucket that putplan did not write; never deleted\n  stray.html\n  taken.html\n')
  })

  it('survive apply', async () => {
    const { report } = await applied(ws)
    expect(outcomes(report)).toEqual({ 'index.html': 'unchanged' })
    expect(await text(bucket, 'stray.html')).toBe('uploaded by hand\n')
    expect(await text(bucket, 'taken.html')).toBe('rewritten by hand\n')
  })
})

describe('the delete cap', () => {
  const bucket = 'prune-cap'
  let ws: Workspace

  beforeAll(async () => {
    ws = await site(bucket, ['index.html', 'a.html', 'b.html', 'c.html'], { maxDeletes: 2 })
    await applied(ws)
    for (const key of ['a.html', 'b.html', 'c.html']) await rm(ws.path(`site/${key}`))
    await ws.write('site/new.html', 'new\n')
  })

  it('refuses a plan with more deletes, naming the cap and the count', async () => {
    const plan = await runPutplan(['plan', '--format', 'json'], { cwd: ws.dir, env: suite.env })
    expect(plan.code).toBe(1)
    expect(JSON.parse(plan.stdout)).toMatchObject({ error: { code: 'prune-refused' } })
    expect(plan.stderr).toBe('')
    const human = await runPutplan(['plan'], { cwd: ws.dir, env: suite.env })
    expect(human.code).toBe(1)
    expect(human.stderr).toContain('the plan would delete 3 objects, more than prune.maxDeletes (2): "a.html", "b.html", "c.html". Nothing was deleted')
  })

  it('and apply deletes nothing, nor uploads anything', async () => {
    const before = await listKeys(suite.s3, bucket)
    const apply = await runPutplan(['apply', '--auto-approve'], { cwd: ws.dir, env: suite.env })
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('more than prune.maxDeletes (2)')
    expect(await listKeys(suite.s3, bucket)).toEqual(before)
  })
})

describe('a delete raced by another client', () => {
  const bucket = 'prune-race'
  let ws: Workspace

  beforeAll(async () => {
    ws = await site(bucket, ['index.html', 'old.html', 'other.html'])
    await applied(ws)
    await rm(ws.path('site/old.html'))
    await rm(ws.path('site/other.html'))
    const saved = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(saved.code, saved.stderr).toBe(0)
    await putTheirs(ws, bucket, 'old.html', 'rewritten after the plan\n')
  })

  it('is a conflict: the object survives with the other client\'s bytes, exit 1, and the untouched delete is made', async () => {
    const { result, report } = await applyJson(ws, suite.env, ['plan.json'])
    expect(result.code).toBe(1)
    expect(outcomes(report)).toEqual({ 'index.html': 'unchanged', 'old.html': 'conflict', 'other.html': 'deleted' })
    expect(report.items.find((i) => i.key === 'old.html')?.reason).toBe('changed in the bucket since the plan: kept')
    expect(await text(bucket, 'old.html')).toBe('rewritten after the plan\n')
    expect(await listKeys(suite.s3, bucket)).toEqual([STATE, 'index.html', 'old.html'])
  })

  it('and the object is no longer putplan\'s: the next plan lists it as unowned', async () => {
    expect(await stateKeys(bucket)).toEqual(['index.html'])
    const { result, plan } = await planJson(ws, suite.env)
    expect(result.code, result.stderr).toBe(0)
    expect(plan.prune!.unowned.keys).toEqual(['old.html'])
  })
})

describe('an apply whose upload fails before the deletes', () => {
  const bucket = 'prune-interrupted'
  let ws: Workspace
  let proxy: FaultProxy

  beforeAll(async () => {
    ws = await site(bucket, ['index.html', 'old.html'])
    await applied(ws)
    await rm(ws.path('site/old.html'))
    await ws.write('site/new.html', 'the page that replaces old.html\n')
    proxy = await startFaultProxy(suite.server.endpoint)
  })
  afterAll(() => proxy?.stop())

  it('deletes nothing and says so, exit 1', async () => {
    proxy.setFaults({ rules: [{ kind: 'internal-error', rate: 1, operations: ['PutObject'] }] })
    const { result, report } = await applyJson(ws, { ...suite.env, AWS_ENDPOINT_URL: proxy.endpoint }, ['--auto-approve', '--max-attempts', '2'])
    expect(result.code).toBe(1)
    expect(outcomes(report)).toEqual({ 'index.html': 'unchanged', 'new.html': 'failed', 'old.html': 'skipped' })
    expect(report.items.find((i) => i.key === 'old.html')?.reason).toBe('not deleted: 1 other object did not end as planned, and deletes run only after every upload succeeded')
    expect(await listKeys(suite.s3, bucket)).toEqual([STATE, 'index.html', 'old.html'])
    expect(proxy.stats().byOperation.DeleteObject).toBeUndefined()
    const human = await runPutplan(['apply', '--auto-approve', '--max-attempts', '1'], { cwd: ws.dir, env: { ...suite.env, AWS_ENDPOINT_URL: proxy.endpoint } })
    expect(human.stderr).toContain('Deletes held back: 1 object was not deleted, because not every upload succeeded')
  })

  it('converges on the rerun: the new page up, the old one deleted, then nothing to do', async () => {
    proxy.setFaults({})
    const { report } = await applied(ws)
    expect(outcomes(report)).toEqual({ 'index.html': 'unchanged', 'new.html': 'created', 'old.html': 'deleted' })
    expect(await listKeys(suite.s3, bucket)).toEqual([STATE, 'index.html', 'new.html'])
    const { result, plan } = await planJson(ws, suite.env)
    expect(result.code, result.stderr).toBe(0)
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: 2 })
  })
})

describe('a versioned bucket', () => {
  const bucket = 'prune-versioned'

  it('gets a delete marker, whose version id the report names; the old version is kept', async () => {
    const ws = await site(bucket, ['index.html', 'old.html'], true, { versioning: true })
    const first = await applied(ws)
    const written = first.report.items.find((i) => i.key === 'old.html')!.versionId
    await rm(ws.path('site/old.html'))
    const { report } = await applied(ws)
    const drop = report.items.find((i) => i.key === 'old.html')!
    expect(drop).toMatchObject({ action: 'delete', outcome: 'deleted', deleteMarker: true, versionId: expect.any(String) })

    const versions = await suite.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'old' }))
    expect(versions.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['old.html', drop.versionId, true]])
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([written])
    const log = await runPutplan(['plan'], { cwd: ws.dir, env: suite.env })
    expect(log.stdout).toContain('No changes.')
  })
})

describe('protect', () => {
  const bucket = 'prune-protect'

  it('keeps the keys its globs match, and the plan says which', async () => {
    const ws = await site(bucket, ['index.html', 'old.html', 'downloads/v1.zip'], { protect: ['downloads/**'] })
    await applied(ws)
    await rm(ws.path('site/old.html'))
    await rm(ws.path('site/downloads/v1.zip'))
    const { plan } = await planJson(ws, suite.env)
    expect(plan.actions.filter((a) => a.action === 'delete').map((a) => a.key)).toEqual(['old.html'])
    expect(plan.prune!.protected).toEqual({ count: 1, keys: ['downloads/v1.zip'] })
    const { report } = await applied(ws)
    expect(outcomes(report)).toEqual({ 'index.html': 'unchanged', 'old.html': 'deleted' })
    expect(await listKeys(suite.s3, bucket)).toEqual([STATE, 'downloads/v1.zip', 'index.html'])
  })
})

describe('prune without state', () => {
  it('is a validation error at its line and column, and nothing reaches the bucket', async () => {
    const bucket = 'prune-stateless'
    await createBucket(suite.server, bucket)
    const ws = await suite.workspace()
    await ws.write('site/index.html', 'x\n')
    await writeManifest(ws, bucket, true, null)
    const plan = await runPutplan(['plan'], { cwd: ws.dir, env: suite.env })
    expect(plan.code).toBe(1)
    expect(plan.stderr).toMatch(/^uploads\.yaml:4:3: error\[required\]: "prune" needs "state"$/m)
    const apply = await runPutplan(['apply', '--auto-approve'], { cwd: ws.dir, env: suite.env })
    expect(apply.code).toBe(1)
    expect(await listKeys(suite.s3, bucket)).toEqual([])
  })
})
