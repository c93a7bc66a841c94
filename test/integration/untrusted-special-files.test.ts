/**
 * FIFOs, sockets and devices, through the built CLI against moto_server: a manifest, a plan
 * file or a source that is one is an error at once (exit 1, naming it), never a wait for a
 * writer that does not come, and nothing is written to the bucket.
 */
import { execFileSync } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshot } from '../support/bucket-snapshot.js'
import { awsEnv, createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

let server: MotoServer
let ws: Workspace
const BUCKET = 'special-files'

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  ws = await makeWorkspace('putplan-special-files-')
}, 60_000)

afterAll(async () => {
  await ws?.remove()
  await server?.stop()
})

/** A hang would end at the timeout with code null: every run here must end on its own, fast. */
function run(args: string[]): Promise<RunResult> {
  return runPutplan(args, { cwd: ws.dir, env: awsEnv(server), timeoutMs: 20_000 })
}

function codes(result: RunResult): string[] {
  return (JSON.parse(result.stdout) as { error: { diagnostics: { code: string }[] } }).error.diagnostics.map((d) => d.code)
}

describe('a FIFO given as the manifest', () => {
  it('validate, plan and apply exit 1 at once, saying what it is', async () => {
    execFileSync('mkfifo', [ws.path('fifo.yaml')])
    const before = await snapshot(server)
    const [validate, json, plan, apply] = await Promise.all([
      run(['validate', '-f', 'fifo.yaml']),
      run(['validate', '-f', 'fifo.yaml', '--format', 'json']),
      run(['plan', '-f', 'fifo.yaml']),
      run(['apply', '-f', 'fifo.yaml', '--auto-approve']),
    ])
    for (const result of [validate, plan, apply]) {
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toContain('fifo.yaml is a FIFO (named pipe), not a regular file')
    }
    expect(codes(json)).toEqual(['special-file'])
    expect(await snapshot(server)).toEqual(before)
  }, 30_000)
})

describe('a FIFO given as a saved plan', () => {
  it('apply and show exit 1 at once', async () => {
    execFileSync('mkfifo', [ws.path('plan.json')])
    const [apply, show] = await Promise.all([run(['apply', 'plan.json']), run(['show', 'plan.json'])])
    for (const result of [apply, show]) {
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toContain('is a FIFO (named pipe), not a regular file')
    }
  }, 30_000)
})

describe('a FIFO as a source', () => {
  beforeAll(async () => {
    await ws.write('site/index.html', '<h1>hi</h1>\n')
    execFileSync('mkfifo', [ws.path('site/pipe')])
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/pipe', key: 'pipe' }] }, 'literal.yaml')
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/**', root: 'site' }] }, 'glob.yaml')
  })

  it('named by its path or matched by a glob, it is an error at its line (not skipped in silence); nothing is uploaded', async () => {
    const before = await snapshot(server)
    const [literal, glob, plan, apply] = await Promise.all([
      run(['validate', '-f', 'literal.yaml', '--format', 'json']),
      run(['validate', '-f', 'glob.yaml', '--format', 'json']),
      run(['plan', '-f', 'glob.yaml']),
      run(['apply', '-f', 'glob.yaml', '--auto-approve']),
    ])
    expect(codes(literal)).toEqual(['special-file'])
    expect(codes(glob)).toEqual(['special-file'])
    expect(plan.code).toBe(1)
    expect(plan.stderr).toMatch(/glob\.yaml:\d+:\d+/)
    expect(plan.stderr).toContain('"site/pipe" is a FIFO (named pipe), not a regular file')
    expect(apply.code).toBe(1)
    expect(await snapshot(server)).toEqual(before)
  }, 30_000)

  it('a file replaced by a FIFO between plan --out and apply: apply refuses, nothing uploaded', async () => {
    await ws.write('late/a.txt', 'a\n')
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'late/**', root: 'late' }] }, 'late.yaml')
    const plan = await run(['plan', '-f', 'late.yaml', '--out', 'late-plan.json'])
    expect(plan.code, plan.stderr).toBe(0)
    await rm(ws.path('late/a.txt'))
    execFileSync('mkfifo', [ws.path('late/a.txt')])
    const before = await snapshot(server)
    const apply = await run(['apply', 'late-plan.json'])
    expect(apply.code, apply.stderr).toBe(1)
    expect(apply.stderr).toContain('"late/a.txt" is a FIFO (named pipe), not a regular file')
    expect(await snapshot(server)).toEqual(before)
  }, 30_000)
})
