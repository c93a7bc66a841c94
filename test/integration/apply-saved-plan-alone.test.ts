/**
 * A saved plan stands alone and is used once, through the built CLI against moto_server:
 * - `plan -f site/uploads.yaml --out plans/plan.json` in a git repository, with GIT_SHA
 *   from the environment; `apply plans/plan.json` with no -f, from another directory of
 *   the work tree, once GIT_SHA has moved on: the planned value is what lands;
 * - the same plan applied again: exit 1, "already applied", nothing written; told by the
 *   objects, or by the state record (even after an object changed since); an apply cut
 *   short is not "applied": the plan still finishes;
 * - each cause of a stale plan not covered in apply-saved-plan.test.ts named before any
 *   write: an object changed in the bucket (key, planned ETag, ETag now), a variable that
 *   differs (--var);
 * - -f naming another manifest, and apply outside the plan's repository: refused, saying
 *   what to do.
 * "Nothing written" is checked on versioned buckets: no new object version.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, outcomes } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { cleanEnv, runProcess } from '../support/process.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-alone-')

/** Every version of every object: a write of any kind adds one. */
async function versions(bucket: string): Promise<string[]> {
  const { Versions = [] } = await suite.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))
  return Versions.map((v) => `${v.Key} ${v.VersionId}`).sort()
}

async function metadataOf(bucket: string, key: string): Promise<Record<string, string> | undefined> {
  return (await suite.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Metadata
}

/** A write by another client, with the headers the manifest declares unless told otherwise. */
async function putTheirs(bucket: string, key: string, body: string, metadata: Record<string, string> = {}): Promise<void> {
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8', CacheControl: 'no-cache', Metadata: metadata }))
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/** The JSON error document `--format json` prints on failure. */
function errorOf(result: RunResult): { code: string; message: string } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error
}

interface SavedPlanJson {
  planId: string
  manifest: { path: string; relativeTo: string; textDigest: string; variables: Record<string, string>; secrets: Record<string, string> }
  planDigest: string
  actions: { key: string; action: string; remoteEtag?: string }[]
}

/**
 * A git repository (a work tree, as a CI checkout is) whose manifest sits in site/: its
 * files in site/public/, every object stamped with the commit it was planned at.
 */
async function repository(bucket: string, extra: object = {}): Promise<Workspace> {
  const ws = await suite.workspace()
  const init = await runProcess('git', ['init', '-q'], { cwd: ws.dir, env: cleanEnv() })
  expect(init.code, init.stderr).toBe(0)
  await createBucket(suite.server, bucket, { versioning: true })
  for (const name of ['a', 'b']) await ws.write(`site/public/${name}.txt`, `${name}: ours\n`)
  await ws.manifest(
    { version: 1, bucket, variables: { GIT_SHA: {} }, ...extra, uploads: [{ source: 'public/*.txt', root: 'public', cacheControl: 'no-cache', metadata: { commit: '${GIT_SHA}' } }] },
    'site/uploads.yaml',
  )
  return ws
}

/** `putplan plan -f site/uploads.yaml --out plans/plan.json` at the repository's root, planned at commit `sha`. */
async function planAt(ws: Workspace, sha: string): Promise<SavedPlanJson> {
  const planned = await runPutplan(['plan', '-f', 'site/uploads.yaml', '--out', 'plans/plan.json'], { cwd: ws.dir, env: { ...suite.env, GIT_SHA: sha } })
  expect(planned.code, planned.stderr).toBe(0)
  return JSON.parse(await readFile(ws.path('plans/plan.json'), 'utf8')) as SavedPlanJson
}

/** `putplan apply plans/plan.json` with no -f, from `cwd` (default: the repository's root), GIT_SHA at `sha`. */
function applyAt(ws: Workspace, sha: string, extra: string[] = [], cwd = ws.dir): Promise<RunResult> {
  return runPutplan(['apply', ws.path('plans/plan.json'), ...extra], { cwd, env: { ...suite.env, GIT_SHA: sha } })
}

describe('apply plans/plan.json with no -f, in a later job where GIT_SHA moved on', () => {
  const bucket = 'alone'
  let ws: Workspace
  let plan: SavedPlanJson

  beforeAll(async () => {
    ws = await repository(bucket)
    plan = await planAt(ws, 'aaaa111')
  })

  it('the plan records the manifest relative to the repository and the variable as planned', () => {
    expect(plan.manifest).toMatchObject({ path: 'site/uploads.yaml', relativeTo: 'repository', variables: { GIT_SHA: 'aaaa111' }, secrets: {} })
    expect(plan.planId).toMatch(/^[0-9a-f]{32}$/)
  })

  it('applies exactly the reviewed values: the objects carry the planned GIT_SHA, not the environment\'s', async () => {
    // From a directory deep in the work tree, with the plan named by its path from there.
    const result = await runPutplan(['apply', '../../plans/plan.json', '--format', 'json'], { cwd: ws.path('site/public'), env: { ...suite.env, GIT_SHA: 'bbbb222' } })
    expect(result.code, result.stderr).toBe(0)
    expect(outcomes(JSON.parse(result.stdout) as Parameters<typeof outcomes>[0])).toEqual({ 'a.txt': 'created', 'b.txt': 'created' })
    expect(await metadataOf(bucket, 'a.txt')).toEqual({ commit: 'aaaa111' })
    expect(await metadataOf(bucket, 'b.txt')).toEqual({ commit: 'aaaa111' })
    expect((await getBytes(suite.s3, { Bucket: bucket, Key: 'a.txt' })).toString()).toBe('a: ours\n')
  })

  it('the same plan a second time: exit 1, "already applied" (the objects tell: no state record), nothing written', async () => {
    const before = await versions(bucket)
    const [human, json] = await Promise.all([applyAt(ws, 'bbbb222'), applyAt(ws, 'bbbb222', ['--format', 'json'])])
    expect(human.code).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr).toBe(
      'Error: this plan was already applied (every object it writes already holds the planned bytes and headers). Nothing was written; run putplan plan to see what is left to do.\n',
    )
    expect(json.code).toBe(1)
    expect(errorOf(json).code).toBe('plan-applied')
    expect(await versions(bucket)).toEqual(before)
  })
})

describe('with a state record, the record tells that a plan was applied', () => {
  const bucket = 'alone-state'
  let ws: Workspace
  let plan: SavedPlanJson

  beforeAll(async () => {
    ws = await repository(bucket, { state: { key: '.putplan/state.json' } })
    plan = await planAt(ws, 'cccc333')
    const applied = await applyAt(ws, 'dddd444')
    expect(applied.code, applied.stderr).toBe(0)
  })

  it('the record lists the plan\'s digest once it is applied', async () => {
    const state = JSON.parse((await getBytes(suite.s3, { Bucket: bucket, Key: '.putplan/state.json' })).toString('utf8')) as { appliedPlans?: string[] }
    expect(state.appliedPlans).toEqual([plan.planDigest])
  })

  it('applied again after another client changed one of its objects: "already applied", not stale; nothing written', async () => {
    await putTheirs(bucket, 'b.txt', 'b: theirs\n')
    const before = await versions(bucket)
    const again = await applyAt(ws, 'dddd444')
    expect(again.code).toBe(1)
    expect(again.stderr).toBe('Error: this plan was already applied (the state record lists it as applied). Nothing was written; run putplan plan to see what is left to do.\n')
    expect(await versions(bucket)).toEqual(before)
  })
})

describe('an apply cut short has not used the plan up', () => {
  const bucket = 'alone-partial'

  it('when some objects already hold the planned write, the plan still applies and writes the rest', async () => {
    const ws = await repository(bucket)
    await planAt(ws, 'eeee555')
    // As if an earlier apply of this plan wrote a.txt and was then killed.
    await putTheirs(bucket, 'a.txt', 'a: ours\n', { commit: 'eeee555' })
    const { result, report } = await applyJson(ws, { ...suite.env, GIT_SHA: 'ffff666' }, [ws.path('plans/plan.json')])
    expect(result.code, result.stderr).toBe(0)
    expect(outcomes(report)).toEqual({ 'a.txt': 'created', 'b.txt': 'created' })
    expect(report.items.find((i) => i.key === 'a.txt')?.reason).toBe('the bucket already holds the planned bytes (an earlier attempt landed)')
    expect(await metadataOf(bucket, 'b.txt')).toEqual({ commit: 'eeee555' })
  })
})

describe('a stale saved plan names its cause, and nothing is written', () => {
  it('an object the plan writes changed in the bucket since the plan: its key, the planned ETag and the ETag now', async () => {
    const bucket = 'alone-remote'
    const ws = await repository(bucket)
    await putTheirs(bucket, 'b.txt', 'b: old\n', { commit: 'old' })
    const plan = await planAt(ws, 'abab121')
    expect(plan.actions.map((a) => [a.key, a.action])).toEqual([
      ['a.txt', 'create'],
      ['b.txt', 'update'],
    ])
    // Another client writes both: a.txt, which the plan creates, and b.txt, which it updates.
    await putTheirs(bucket, 'a.txt', 'a: theirs\n')
    await putTheirs(bucket, 'b.txt', 'b: theirs\n')
    const before = await versions(bucket)

    const [human, json] = await Promise.all([applyAt(ws, 'abab121'), applyAt(ws, 'abab121', ['--format', 'json'])])
    const planned = plan.actions.find((a) => a.key === 'b.txt')!.remoteEtag
    expect(planned).toBe(md5('b: old\n'))
    const why = `2 objects the plan writes changed in the bucket since the plan: "a.txt" (planned absent, now ETag ${md5('a: theirs\n')}), "b.txt" (planned ETag ${planned}, now ETag ${md5('b: theirs\n')})`
    expect(human.code).toBe(1)
    expect(human.stderr).toBe(`Error: the saved plan is stale: ${why}. Nothing was written; run putplan plan again.\n`)
    expect(errorOf(json)).toMatchObject({ code: 'plan-stale', message: expect.stringContaining(why) })
    expect(await versions(bucket)).toEqual(before)
  })

  it('a variable given with --var that differs from the plan\'s: named with both values; the planned value is accepted', async () => {
    const bucket = 'alone-var'
    const ws = await repository(bucket)
    await planAt(ws, 'cdcd343')
    const before = await versions(bucket)
    const refused = await applyAt(ws, 'cdcd343', ['--var', 'GIT_SHA=efef565'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      'Error: the saved plan is stale: 1 variable differs from the plan\'s: GIT_SHA (--var gives "efef565"; the plan was made with "cdcd343"). Nothing was written; run putplan plan again.\n',
    )
    expect(await versions(bucket)).toEqual(before)
    const same = await applyAt(ws, 'efef565', ['--var', 'GIT_SHA=cdcd343'])
    expect(same.code, same.stderr).toBe(0)
    expect(await metadataOf(bucket, 'a.txt')).toEqual({ commit: 'cdcd343' })
  })
})

describe('where apply looks for the manifest', () => {
  const bucket = 'alone-where'
  let ws: Workspace

  beforeAll(async () => {
    ws = await repository(bucket)
    await ws.manifest({ version: 1, bucket, uploads: [{ source: 'public/a.txt', key: 'other.txt' }] }, 'site/other.yaml')
    await planAt(ws, '1234567')
  })

  it('-f naming another manifest than the plan\'s: exit 1, says to leave -f out; -f naming its own is accepted', async () => {
    const before = await versions(bucket)
    const other = await applyAt(ws, '1234567', ['-f', 'site/other.yaml'])
    expect(other.code).toBe(1)
    expect(other.stderr).toBe(
      `Error: ${ws.path('plans/plan.json')} was made from the manifest ${ws.path('site/uploads.yaml')}, and -f names site/other.yaml: a saved plan applies its own manifest (leave out -f)\n`,
    )
    expect(await versions(bucket)).toEqual(before)
    const own = await applyAt(ws, '1234567', ['-f', 'uploads.yaml'], ws.path('site'))
    expect(own.code, own.stderr).toBe(0)
  })

  it('in another repository, which has no such manifest: exit 1, says where it looked', async () => {
    const other = await makeWorkspace('putplan-other-repo-')
    try {
      expect((await runProcess('git', ['init', '-q'], { cwd: other.dir, env: cleanEnv() })).code).toBe(0)
      const result = await applyAt(ws, '1234567', [], other.dir)
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(
        `Error: the saved plan is stale: its manifest site/uploads.yaml is not at ${other.path('site/uploads.yaml')} (run apply in the repository, or the directory, the plan was made in). Nothing was written; run putplan plan again.\n`,
      )
    } finally {
      await other.remove()
    }
  })

  it('outside any git work tree: exit 1, says to run apply in a clone of the repository', async () => {
    const elsewhere = await makeWorkspace('putplan-elsewhere-')
    try {
      const result = await applyAt(ws, '1234567', [], elsewhere.dir)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`the plan's manifest is site/uploads.yaml in its git repository, and ${elsewhere.dir} is in no git work tree: run putplan apply inside a clone of the repository`)
    } finally {
      await elsewhere.remove()
    }
  })
})
