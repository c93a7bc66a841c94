/**
 * `putplan apply` through the built CLI with the fault proxy between it and moto (auth
 * on), where the faults are not transient: apply must fail cleanly. It stops within the
 * attempts bound, exits 1, names what failed, and leaves neither a partial object nor an
 * open multipart upload; a precondition failure is a conflict, never an overwrite; a file
 * that changes while it is being uploaded fails and leaves no torn copy. The bucket is
 * read straight from moto, never taken on putplan's word.
 */
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { applyJson, getBytes, listUploads, parseReportJson, sha256, type ApplyRun } from '../support/apply-workspace.js'
import type { FaultStats } from '../support/fault-proxy.js'
import { useFaultSuite } from '../support/fault-suite.js'
import { runPutplan } from '../support/run-cli.js'

const MiB = 1024 * 1024
const suite = useFaultSuite()
const { scenario } = suite

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await suite.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return true
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false
    throw error
  }
}

async function stored(bucket: string, key: string): Promise<string | undefined> {
  return (await exists(bucket, key)) ? sha256(await getBytes(suite.s3, { Bucket: bucket, Key: key })) : undefined
}

const retryLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('retry: '))

function record(fault: string, objects: number, run: ApplyRun, stats: FaultStats): void {
  const s = run.report.summary
  console.log(`[faults] ${fault} | objects ${objects} | exit ${run.result.code}: ${s.created} created, ${s.updated} updated, ${s.conflict} conflicts, ${s.failed} failed | injected ${JSON.stringify(stats.injectedByOperation)} | retry lines ${retryLines(run.result.stderr).length}`)
}

describe('faults that do not pass fail cleanly', () => {
  it('persistent 503 on every upload: stops within --max-attempts, exit 1, lists the failures, leaves nothing behind', async () => {
    const files: Record<string, Buffer> = { 'big/part.bin': randomBytes(16 * MiB + 77) }
    for (let i = 0; i < 5; i++) files[`small/s${i}.txt`] = randomBytes(2000 + i)
    const ws = await scenario('persistent', files)
    // Every PutObject and UploadPart: the multipart upload starts (so it must be aborted), no body ever lands.
    suite.proxy.setFaults({ seed: 503, rules: [{ kind: 'slowdown', rate: 1, methods: ['PUT'] }] })
    const started = Date.now()
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--verbose', '--max-attempts', '3'])
    const elapsed = Date.now() - started
    const stats = suite.proxy.stats()
    record(`persistent 503 SlowDown on PUT (--max-attempts 3), stopped after ${elapsed} ms`, 6, run, stats)

    expect(run.result.code).toBe(1)
    expect(elapsed).toBeLessThan(30_000) // generous: about 5 s on two busy cores
    expect(run.report.summary).toMatchObject({ created: 0, failed: 6 })
    for (const item of run.report.items) expect(item.reason).toMatch(/503 SlowDown/)
    // Three attempts per request, no more: 5 PutObjects, and at least one part (all parts in flight may have started).
    expect(stats.byOperation.PutObject).toBe(15)
    expect((stats.byOperation.UploadPart ?? 0) % 3).toBe(0)
    expect(stats.byOperation.AbortMultipartUpload).toBe(1)
    for (const key of Object.keys(files)) expect(await exists('persistent', key), key).toBe(false)
    expect(await listUploads(suite.s3, 'persistent')).toEqual([])

    // The human report names every failed object too.
    suite.proxy.setFaults({ seed: 503, rules: [{ kind: 'slowdown', rate: 1, methods: ['PUT'] }] })
    const human = await runPutplan(['apply', '--auto-approve', '--max-attempts', '2'], { cwd: ws.dir, env: suite.env })
    expect(human.code).toBe(1)
    for (const key of Object.keys(files)) expect(human.stderr).toContain(`x ${key}: failed`)
    expect(human.stderr).toMatch(/Apply incomplete: 0 created.*6 failed/)
    expect(await listUploads(suite.s3, 'persistent')).toEqual([])
  })

  it('412 on conditional writes: conflicts, exit 1, never an overwrite', async () => {
    const before: Record<string, Buffer> = {}
    for (let i = 0; i < 12; i++) before[`obj/o${String(i).padStart(2, '0')}.txt`] = randomBytes(500 + i)
    const ws = await scenario('precondition', before)
    suite.proxy.setFaults({})
    const first = await applyJson(ws, suite.env)
    expect(first.result.code, first.result.stderr).toBe(0)

    // Every file changes (updates, If-Match), and four new ones appear (creates, If-None-Match).
    const after: Record<string, Buffer> = {}
    for (const key of Object.keys(before)) after[key] = randomBytes(700)
    for (let i = 0; i < 4; i++) after[`new/n${i}.txt`] = randomBytes(300 + i)
    for (const [path, bytes] of Object.entries(after)) await ws.write(`files/${path}`, bytes)

    suite.proxy.setFaults({ seed: 412, rules: [{ kind: 'precondition', rate: 0.5 }] })
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--verbose'])
    const stats = suite.proxy.stats()
    record('412 on 50% of conditional writes', 16, run, stats)

    expect(run.result.code).toBe(1)
    expect(stats.injected.precondition).toBeGreaterThan(0)
    expect(run.report.summary.conflict).toBe(stats.injected.precondition)
    expect(run.report.summary.updated + run.report.summary.created + run.report.summary.conflict).toBe(16)
    expect(retryLines(run.result.stderr)).toEqual([]) // a 412 is final
    for (const item of run.report.items) {
      const now = await stored('precondition', item.key)
      if (item.outcome === 'conflict') {
        // The bucket still holds what was there before: the old bytes, or nothing.
        expect(now, item.key).toBe(before[item.key] === undefined ? undefined : sha256(before[item.key]!))
        expect(item.reason).toMatch(/since the plan/)
      } else {
        expect(now, item.key).toBe(sha256(after[item.key]!))
      }
    }
  })

  it('a file that changes while it is uploaded fails as changed, with no torn copy in the bucket', async () => {
    // The largest single PutObject: bigger than the socket buffers between putplan and the proxy, so the change comes while the file is still being read.
    const SIZE = 16 * MiB
    const oldUpdate = randomBytes(SIZE)
    const ws = await scenario('changing', { 'update.bin': oldUpdate })
    suite.proxy.setFaults({})
    expect((await applyJson(ws, suite.env)).result.code).toBe(0)

    // One create and one update, each slow enough on the wire to be changed halfway.
    const create = randomBytes(SIZE)
    const update = randomBytes(SIZE)
    await ws.write('files/create.bin', create)
    await ws.write('files/update.bin', update)
    suite.proxy.setFaults({ bytesPerSecond: 4 * MiB })
    const applying = runPutplan(['apply', '--auto-approve', '--format', 'json', '--verbose'], { cwd: ws.dir, env: suite.env })
    await waitFor(() => (suite.proxy.stats().byOperation.PutObject ?? 0) >= 2 && suite.proxy.stats().throttledBytes > 2 * MiB, 15_000)
    // Rewritten in place (same size, other bytes) and appended to.
    await overwrite(ws.path('files/create.bin'), 0, randomBytes(SIZE))
    await overwrite(ws.path('files/update.bin'), SIZE - 10, Buffer.from('appended, and the last ten bytes rewritten'))
    const result = await applying
    const report = parseReportJson(result)
    console.log(`[faults] file changed mid-upload (4 MiB/s) | objects 2 | exit ${result.code}: ${report.summary.failed} failed | retry lines ${retryLines(result.stderr).length}`)

    expect(result.code).toBe(1)
    expect(report.summary).toMatchObject({ failed: 2, created: 0, updated: 0 })
    for (const item of report.items) expect(item.reason, item.key).toMatch(/changed/)
    // A failed body check is final: not retried.
    expect(retryLines(result.stderr)).toEqual([])
    expect(await exists('changing', 'create.bin')).toBe(false)
    expect(await stored('changing', 'update.bin')).toBe(sha256(oldUpdate))
  })
})

async function overwrite(path: string, position: number, bytes: Buffer): Promise<void> {
  const file = await open(path, 'r+')
  try {
    await file.write(bytes, 0, bytes.length, position)
  } finally {
    await file.close()
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`)
    await sleep(20)
  }
}
