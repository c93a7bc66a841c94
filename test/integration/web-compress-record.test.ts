/**
 * The state record's fingerprint of each compressed object's file, through the built CLI
 * against moto_server: after an apply, a plan of unchanged (or only touched) files
 * compresses none of them; a changed file, a changed coding, an object another client
 * rewrote, a record from before the fingerprint, each compress what they must and plan
 * as without it. Whether a run compressed is observed without timing: TMPDIR names a
 * regular file, so the first compression of the run fails (its copy needs a folder there).
 */
import { createHash } from 'node:crypto'
import { readFile, utimes, writeFile } from 'node:fs/promises'
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { inShard } from '../../src/plan/index.js'
import { applyJson, outcomes } from '../support/apply-workspace.js'
import { runAws } from '../support/aws-cli.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-compress-record-')
const BUCKET = 'fingerprints'
const STATE_KEY = '.putplan/state.json'

const manifest = (jsCoding: 'gzip' | 'br') => `version: 1
bucket: ${BUCKET}
state: { key: ${STATE_KEY} }
rules:
  - match: "**/*.html"
    compress: br
  - match: "**/*.js"
    compress: ${jsCoding}
uploads:
  - source: "site/**"
    root: site
`

interface Fingerprint {
  size: number
  sha256: string
  coding: string
  settings: string
}

describe('compress with a state record', () => {
  let ws: Workspace
  /** An environment in which any compression fails: TMPDIR is a regular file. */
  let noTemp: Record<string, string>
  const pages = Array.from({ length: 6 }, (_, i) => `page-${i}.html`)
  const files: Record<string, string> = {}

  const plan = (env: Record<string, string>, extra: string[] = []) => runPutplan(['plan', '--detailed-exitcode', ...extra], { cwd: ws.dir, env })
  const write = async (name: string, text: string) => {
    files[name] = text
    await ws.write(`site/${name}`, text)
  }
  const record = async (): Promise<Record<string, { etag: string; compressedFrom?: Fingerprint }>> => {
    const answer = await suite.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: STATE_KEY }))
    return (JSON.parse(await answer.Body!.transformToString()) as { objects: Record<string, { etag: string; compressedFrom?: Fingerprint }> }).objects
  }
  const stored = async (key: string): Promise<{ text: string; encoding?: string }> => {
    const answer = await suite.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    const body = Buffer.from(await answer.Body!.transformToByteArray())
    const text = answer.ContentEncoding === 'br' ? brotliDecompressSync(body) : answer.ContentEncoding === 'gzip' ? gunzipSync(body) : body
    return { text: text.toString(), encoding: answer.ContentEncoding }
  }
  const sha256 = (text: string) => createHash('sha256').update(text).digest('base64')

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, BUCKET)
    for (const [i, name] of pages.entries()) await write(name, `<p>page ${i}</p>\n`.repeat(300))
    await write('app.js', 'console.log("hello")\n'.repeat(400))
    await write('robots.txt', 'User-agent: *\n')
    await ws.write('uploads.yaml', manifest('gzip'))
    await writeFile(ws.path('not-a-folder'), '')
    noTemp = { ...suite.env, TMPDIR: ws.path('not-a-folder') }
  }, 60_000)

  it('apply records the fingerprint of each compressed file; a plan of the unchanged files then compresses none', async () => {
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(new Set(Object.values(outcomes(applied.report)))).toEqual(new Set(['created']))
    const objects = await record()
    expect(objects['app.js']!.compressedFrom).toEqual({ size: files['app.js']!.length, sha256: sha256(files['app.js']!), coding: 'gzip', settings: expect.stringMatching(/^gzip /) })
    expect(objects['page-0.html']!.compressedFrom).toMatchObject({ sha256: sha256(files['page-0.html']!), coding: 'br' })
    expect(objects['robots.txt']!.compressedFrom).toBeUndefined()

    const again = await plan(noTemp)
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(again.stdout).toContain('No changes')
  }, 120_000)

  it('a touched file is hashed, not compressed, and plans no change', async () => {
    const later = new Date(Date.now() + 60_000)
    for (const name of Object.keys(files)) await utimes(ws.path(`site/${name}`), later, later)
    const touched = await plan(noTemp)
    expect(touched.code, touched.stdout + touched.stderr).toBe(0)
  }, 60_000)

  it('a changed file is compressed (so the run without a temporary folder fails) and uploaded; its fingerprint follows', async () => {
    await write('page-1.html', '<p>page 1, again</p>\n'.repeat(300))
    const blocked = await plan(noTemp)
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toContain('cannot compress site/page-1.html')
    const { plan: planned } = await planJson(ws, suite.env)
    expect(Object.entries(verdicts(planned)).filter(([, v]) => v.action !== 'unchanged')).toEqual([['page-1.html', { action: 'update', reasons: ['content changed'] }]])
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(outcomes(applied.report)['page-1.html']).toBe('updated')
    expect(await stored('page-1.html')).toEqual({ text: files['page-1.html'], encoding: 'br' })
    expect((await record())['page-1.html']!.compressedFrom!.sha256).toBe(sha256(files['page-1.html']!))
    expect((await plan(noTemp)).code).toBe(0)
  }, 120_000)

  it('gzip -> br compresses again and uploads, though the file did not change', async () => {
    await ws.write('uploads.yaml', manifest('br'))
    expect((await plan(noTemp)).code).toBe(1)
    const { plan: planned } = await planJson(ws, suite.env)
    expect(verdicts(planned)['app.js']!.action).toBe('update')
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(outcomes(applied.report)['app.js']).toBe('updated')
    expect(await stored('app.js')).toEqual({ text: files['app.js'], encoding: 'br' })
    expect((await record())['app.js']!.compressedFrom).toMatchObject({ coding: 'br', sha256: sha256(files['app.js']!) })
    expect((await plan(noTemp)).code).toBe(0)
  }, 120_000)

  it('an object another client rewrote behind the record is compared by its compressed copy, and restored', async () => {
    const other = ws.path('other.gz')
    await writeFile(other, gzipSync('<p>not the file</p>\n'))
    const copied = await runAws(suite.server, ['s3', 'cp', other, `s3://${BUCKET}/page-2.html`, '--content-encoding', 'br', '--content-type', 'text/html; charset=utf-8'])
    expect(copied.code, copied.stderr).toBe(0)
    // LIST no longer shows the recorded write: the file must be compressed to judge the object.
    expect((await plan(noTemp)).code).toBe(1)
    const { plan: planned } = await planJson(ws, suite.env)
    expect(Object.entries(verdicts(planned)).filter(([, v]) => v.action !== 'unchanged').map(([key, v]) => [key, v.action])).toEqual([['page-2.html', 'update']])
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(await stored('page-2.html')).toEqual({ text: files['page-2.html'], encoding: 'br' })
    expect((await plan(noTemp)).code).toBe(0)
  }, 120_000)

  it('a record from before the fingerprint plans no change (compressing), and gains it at the next apply', async () => {
    const objects = await record()
    const document = JSON.parse(await (await suite.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: STATE_KEY }))).Body!.transformToString()) as { objects: typeof objects }
    for (const entry of Object.values(document.objects)) delete entry.compressedFrom
    await suite.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: STATE_KEY, Body: JSON.stringify(document), ContentType: 'application/json' }))

    const old = await plan(suite.env)
    expect(old.code, old.stdout + old.stderr).toBe(0)
    expect((await plan(noTemp)).code).toBe(1)
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(new Set(Object.values(outcomes(applied.report)))).toEqual(new Set(['unchanged']))
    const gained = await record()
    for (const name of Object.keys(files).filter((n) => n !== 'robots.txt')) expect(gained[name]!.compressedFrom?.sha256, name).toBe(sha256(files[name]!))
    expect((await plan(noTemp)).code).toBe(0)
  }, 120_000)

  it('a saved plan compresses what it uploads when applied, and records the fingerprint', async () => {
    await write('page-3.html', '<p>page 3, saved</p>\n'.repeat(300))
    const saved = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(saved.code, saved.stderr).toBe(0)
    const applied = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(applied.code, applied.stderr).toBe(0)
    expect(await stored('page-3.html')).toEqual({ text: files['page-3.html'], encoding: 'br' })
    expect((await record())['page-3.html']!.compressedFrom!.sha256).toBe(sha256(files['page-3.html']!))
    expect((await plan(noTemp)).code).toBe(0)
  }, 120_000)

  it('a shard compresses only its own objects, and only those it must', async () => {
    const shard = { index: 1, count: 2 }
    const other = pages.find((name) => !inShard(name, shard))!
    expect(pages.some((name) => inShard(name, shard))).toBe(true)
    await write(other, '<p>changed in the other shard</p>\n'.repeat(300))
    const mine = await plan(noTemp, ['--shard', '1/2'])
    expect(mine.code, mine.stdout + mine.stderr).toBe(0)
    const theirs = await plan(noTemp, ['--shard', '2/2'])
    expect(theirs.code).toBe(1)
    expect(theirs.stderr).toContain(`cannot compress site/${other}`)
    const planned = await runPutplan(['plan', '--detailed-exitcode', '--shard', '2/2'], { cwd: ws.dir, env: suite.env })
    expect(planned.code, planned.stderr).toBe(2)
    expect(await readFile(ws.path(`site/${other}`), 'utf8')).toBe(files[other])
  }, 120_000)
})
