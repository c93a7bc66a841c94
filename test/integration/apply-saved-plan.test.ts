/**
 * `putplan apply plan.json` through the built CLI against moto_server: on an unchanged
 * world it applies exactly the saved plan (not a fresh one) and prints one JSON report
 * that validates against schema/report.schema.json; a planned file edited after the plan,
 * an edited manifest, or a damaged plan file is refused with exit 1 and a clear message,
 * and nothing is written. `apply` without --auto-approve and without a terminal to ask on
 * refuses too. "Nothing written" is checked on versioned buckets: no new object version.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, parseReportJson } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { parsePlanJson, planJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-apply-')

/** Every version of every object: a write of any kind adds one. */
async function versions(bucket: string): Promise<string[]> {
  const { Versions = [] } = await suite.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))
  return Versions.map((v) => `${v.Key} ${v.VersionId}`).sort()
}

async function text(bucket: string, key: string): Promise<string> {
  return (await getBytes(suite.s3, { Bucket: bucket, Key: key })).toString('utf8')
}

/** Another client's write (the AWS SDK), with the headers the manifest declares. */
async function putText(bucket: string, key: string, body: string): Promise<void> {
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8', CacheControl: 'no-cache' }))
}

/** The JSON error document `--format json` prints on failure: the whole of stdout, parsed. */
function errorDocument(result: RunResult): { error: { code: string; message: string } } {
  return JSON.parse(result.stdout) as { error: { code: string; message: string } }
}

/** A versioned bucket holding b.txt (other bytes), c.txt and d.txt (as the manifest wants); a.txt is new. */
async function setUp(bucket: string): Promise<Workspace> {
  const ws = await suite.workspace()
  await createBucket(suite.server, bucket, { versioning: true })
  for (const name of ['a', 'b', 'c', 'd']) await ws.write(`site/${name}.txt`, `${name}: ours\n`)
  await ws.manifest({ version: 1, bucket, uploads: [{ source: 'site/*.txt', root: 'site', prefix: 'site/', cacheControl: 'no-cache' }] })
  await Promise.all([putText(bucket, 'site/b.txt', 'b: old\n'), putText(bucket, 'site/c.txt', 'c: ours\n'), putText(bucket, 'site/d.txt', 'd: ours\n')])
  return ws
}

describe('apply plan.json on an unchanged world', () => {
  const bucket = 'saved'
  let ws: Workspace

  beforeAll(async () => {
    ws = await setUp(bucket)
  })

  it('applies exactly the saved plan, even where a fresh plan would now differ, and prints one valid report', async () => {
    const planned = await runPutplan(['plan', '--format', 'json', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    const plan = parsePlanJson(planned)
    expect(verdicts(plan), planned.stderr).toEqual({
      'site/a.txt': { action: 'create', reasons: ['new object'] },
      'site/b.txt': { action: 'update', reasons: ['content changed'] },
      'site/c.txt': { action: 'unchanged', reasons: [] },
      'site/d.txt': { action: 'unchanged', reasons: [] },
    })
    // After the plan, someone changes d.txt, which the plan leaves alone: the saved plan still does.
    await putText(bucket, 'site/d.txt', 'd: theirs\n')

    const { result, report } = await applyJson(ws, suite.env, ['plan.json']) // a saved plan needs no approval
    expect(result.code, result.stderr).toBe(0)
    expect(report.bucket).toBe(bucket)
    expect(report.items.map((i) => ({ key: i.key, action: i.action }))).toEqual(plan.actions.map((a) => ({ key: a.key, action: a.action })))
    expect(Object.fromEntries(report.items.map((i) => [i.key, i.outcome]))).toEqual({
      'site/a.txt': 'created',
      'site/b.txt': 'updated',
      'site/c.txt': 'unchanged',
      'site/d.txt': 'unchanged',
    })
    expect(report.summary).toEqual({ created: 1, updated: 1, repaired: 0, deleted: 0, unchanged: 2, conflict: 0, failed: 0, skipped: 0 })
    expect(report.bytesUploaded).toBe('a: ours\n'.length + 'b: ours\n'.length)
    expect(report.interrupted).toBe(false)

    expect(await text(bucket, 'site/a.txt')).toBe('a: ours\n')
    expect(await text(bucket, 'site/b.txt')).toBe('b: ours\n')
    expect(await text(bucket, 'site/d.txt')).toBe('d: theirs\n')
    const fresh = await planJson(ws, suite.env)
    expect(verdicts(fresh.plan)['site/d.txt']).toEqual({ action: 'update', reasons: ['content changed'] })
  })
})

describe('a saved plan that is no longer true is refused, and nothing is written', () => {
  const bucket = 'stale'
  let ws: Workspace
  let before: string[]
  let manifestText: string

  // One plan for all: each test changes one thing, and puts it back afterwards.
  beforeAll(async () => {
    ws = await setUp(bucket)
    manifestText = await readFile(ws.path('uploads.yaml'), 'utf8')
    const planned = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(planned.code, planned.stderr).toBe(0)
    before = await versions(bucket)
  })

  it('a planned file edited after the plan (same size, other bytes): exit 1, the message names the file', async () => {
    await ws.write('site/a.txt', 'A: OURS\n')
    try {
      const [human, json] = await Promise.all([
        runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: suite.env }),
        runPutplan(['apply', 'plan.json', '--format', 'json'], { cwd: ws.dir, env: suite.env }),
      ])
      expect(human.code).toBe(1)
      expect(human.stdout).toBe('')
      expect(human.stderr).toMatch(/^Error: the saved plan is stale: 1 planned file changed since the plan: site\/a\.txt\. Nothing was written/m)
      expect(human.stderr).not.toContain('internal error')
      expect(json.code).toBe(1)
      expect(errorDocument(json).error).toMatchObject({ code: 'plan-stale', message: expect.stringContaining('site/a.txt') })
      expect(await versions(bucket)).toEqual(before)
    } finally {
      await ws.write('site/a.txt', 'a: ours\n')
    }
  })

  it('the manifest edited after the plan: exit 1, says the manifest changed', async () => {
    await writeFile(ws.path('uploads.yaml'), manifestText.replace('no-cache', 'max-age=60'))
    try {
      const result = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: suite.env })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe('Error: the saved plan is stale: the manifest uploads.yaml changed since the plan. Nothing was written; run putplan plan again.\n')
      expect(await versions(bucket)).toEqual(before)
    } finally {
      await writeFile(ws.path('uploads.yaml'), manifestText)
    }
  })

  it('a file added to a glob after the plan: exit 1, names the file', async () => {
    await ws.write('site/e.txt', 'e: new\n')
    try {
      const result = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: suite.env })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe('Error: the saved plan is stale: 1 file the plan does not name is now in the manifest: site/e.txt. Nothing was written; run putplan plan again.\n')
      expect(await versions(bucket)).toEqual(before)
    } finally {
      await rm(ws.path('site/e.txt'))
    }
  })

  it('a truncated plan file: exit 1 with a clear message, in human and JSON form', async () => {
    const planText = await readFile(ws.path('plan.json'), 'utf8')
    await writeFile(ws.path('truncated.json'), planText.slice(0, Math.floor(planText.length / 2)))
    await writeFile(ws.path('not-a-plan.json'), '{"version": 1}\n')
    const [human, json, notPlan] = await Promise.all([
      runPutplan(['apply', 'truncated.json'], { cwd: ws.dir, env: suite.env }),
      runPutplan(['apply', 'truncated.json', '--format', 'json'], { cwd: ws.dir, env: suite.env }),
      runPutplan(['apply', 'not-a-plan.json'], { cwd: ws.dir, env: suite.env }),
    ])
    expect(human.code).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr).toMatch(/^Error: truncated\.json is not a plan file: .*\(truncated or edited\?\)$/m)
    expect(human.stderr).not.toContain('internal error')
    expect(json.code).toBe(1)
    expect(errorDocument(json).error.code).toBe('plan-file-invalid')
    expect(notPlan.code).toBe(1)
    expect(notPlan.stderr).toMatch(/^Error: not-a-plan\.json is not a valid plan file/m)
    expect(await versions(bucket)).toEqual(before)
  })

  it('the untouched plan still applies afterwards (every refusal above was about the change alone)', async () => {
    const { result, report } = await applyJson(ws, suite.env, ['plan.json'])
    expect(result.code, result.stderr).toBe(0)
    expect(report.summary).toMatchObject({ created: 1, updated: 1, unchanged: 2 })
  })
})

describe('approval', () => {
  const bucket = 'approval'
  let ws: Workspace

  beforeAll(async () => {
    ws = await setUp(bucket)
  })

  it('apply without --auto-approve and no terminal on stdin: exit 1, nothing written, one JSON error document', async () => {
    const before = await versions(bucket)
    const [human, json, answered] = await Promise.all([
      runPutplan(['apply'], { cwd: ws.dir, env: suite.env }),
      runPutplan(['apply', '--format', 'json'], { cwd: ws.dir, env: suite.env }),
      runPutplan(['apply'], { cwd: ws.dir, env: suite.env, input: 'yes\n' }), // piped input is no terminal to ask on
    ])
    expect(human.code).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr).toMatch(/^Error: refusing to apply without --auto-approve: stdin is not a terminal/m)
    expect(json.code).toBe(1)
    expect(errorDocument(json).error.code).toBe('not-approved')
    expect(answered.code).toBe(1)
    expect(await versions(bucket)).toEqual(before)
  })
})

describe('--format json', () => {
  const bucket = 'json-output'
  let ws: Workspace

  beforeAll(async () => {
    ws = await setUp(bucket)
  })

  it('prints exactly one JSON document on stdout, the report, and its messages on stderr; human mode prints nothing on stdout', async () => {
    const result = await runPutplan(['apply', '--auto-approve', '--format', 'json'], { cwd: ws.dir, env: suite.env })
    expect(result.code, result.stderr).toBe(0)
    // The whole of stdout is one document (JSON.parse fails on anything before or after it).
    const report = parseReportJson(result)
    expect(report.summary).toMatchObject({ created: 1, updated: 1 })
    expect(result.stdout.trim().startsWith('{')).toBe(true)
    expect(result.stdout.trim().endsWith('}')).toBe(true)

    const again = await runPutplan(['apply', '--auto-approve', '--format', 'json'], { cwd: ws.dir, env: suite.env })
    expect(again.code, again.stderr).toBe(0)
    expect(parseReportJson(again).summary).toEqual({ created: 0, updated: 0, repaired: 0, deleted: 0, unchanged: 4, conflict: 0, failed: 0, skipped: 0 })

    const human = await runPutplan(['apply', '--auto-approve'], { cwd: ws.dir, env: suite.env })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toBe('')
    expect(human.stderr).not.toBe('')
  })
})

describe('apply plan.json whose repair no longer holds', () => {
  const bucket = 'saved-repair'

  it('a file whose object the plan repairs in place, edited after the plan: exit 1 naming it, nothing written', async () => {
    const ws = await suite.workspace()
    await createBucket(suite.server, bucket, { versioning: true })
    await ws.write('site/c.txt', 'c: ours\n')
    await ws.manifest({ version: 1, bucket, uploads: [{ source: 'site/*.txt', root: 'site', prefix: 'site/', cacheControl: 'no-cache' }] })
    // The same bytes with another Cache-Control: a repair, which keeps the object's bytes.
    await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'site/c.txt', Body: 'c: ours\n', ContentType: 'text/plain; charset=utf-8', CacheControl: 'max-age=1' }))
    const planned = await runPutplan(['plan', '--format', 'json', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(verdicts(parsePlanJson(planned))['site/c.txt']?.action).toBe('repair')
    const before = await versions(bucket)

    // Repairing the headers now would put them on bytes that are no longer the file's.
    await ws.write('site/c.txt', 'C: OURS\n')
    const result = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^Error: the saved plan is stale: 1 planned file changed since the plan: site\/c\.txt\. Nothing was written/m)
    expect(await versions(bucket)).toEqual(before)
  })
})
