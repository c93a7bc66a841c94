/**
 * `putplan apply` through the built CLI with the fault proxy between it and moto (auth
 * on): transient faults are retried into a correct bucket. Every object is read back
 * straight from moto and its SHA-256 compared with the file's, never taken on putplan's
 * word; a plan without faults afterwards shows zero changes. Fixed seeds: each run draws
 * the same faults every time.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { applyJson, getBytes, listUploads, sha256, type ApplyRun } from '../support/apply-workspace.js'
import type { FaultStats, Faults } from '../support/fault-proxy.js'
import { useFaultSuite } from '../support/fault-suite.js'
import { planJson, type Workspace } from '../support/plan-workspace.js'

const MiB = 1024 * 1024
const suite = useFaultSuite()
const { scenario } = suite

function smallFiles(count: number, seed: number): Record<string, Buffer> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`small/f${String(i).padStart(3, '0')}.bin`, randomBytes(1024 + ((i * 7919 + seed) % 20_000))]))
}

/** Every file's bytes, read straight from moto, have the file's SHA-256. */
async function expectBucketHolds(bucket: string, files: Record<string, Buffer>): Promise<void> {
  const wrong: string[] = []
  for (const [key, bytes] of Object.entries(files)) {
    const stored = await getBytes(suite.s3, { Bucket: bucket, Key: key }).catch(() => undefined)
    if (stored === undefined || sha256(stored) !== sha256(bytes)) wrong.push(key)
  }
  expect(wrong).toEqual([])
  expect(await listUploads(suite.s3, bucket)).toEqual([])
}

async function expectZeroChanges(ws: Workspace): Promise<void> {
  suite.proxy.setFaults({})
  const { result, plan } = await planJson(ws, suite.env)
  expect(result.code, result.stderr).toBe(0)
  expect(plan.summary).toMatchObject({ create: 0, update: 0, conflict: 0 })
}

const retryLines = (run: ApplyRun) => run.result.stderr.split('\n').filter((line) => line.startsWith('retry: '))
const injectedTotal = (stats: FaultStats) => Object.values(stats.injected).reduce((sum, n) => sum + n, 0)

/** One row of the suite's summary, printed for the record. */
function record(fault: string, objects: number, run: ApplyRun, stats: FaultStats): void {
  const outcome = run.result.code === 0 ? 'all objects correct' : `exit ${run.result.code}`
  console.log(`[faults] ${fault} | objects ${objects} | ${outcome} | injected ${JSON.stringify(stats.injectedByOperation)} | retry lines ${retryLines(run).length} | requests ${stats.requests}`)
}

describe('transient faults are retried into a correct bucket', () => {
  it('20% of requests fail (SlowDown, 500, resets before and after the server acted): 60 small files and 2 multipart', async () => {
    const files = { ...smallFiles(60, 1), 'big/one.bin': randomBytes(17 * MiB + 123), 'big/two.bin': randomBytes(16 * MiB + 4567) }
    const ws = await scenario('twenty-percent', files)
    const faults: Faults = {
      seed: 20,
      rules: [
        { kind: 'slowdown', rate: 0.05 },
        { kind: 'internal-error', rate: 0.05 },
        { kind: 'reset-before', rate: 0.05 },
        { kind: 'reset-after', rate: 0.05 },
      ],
      // Never more than the attempts the CLI makes (5 by default) minus one.
      maxPerRequest: 3,
    }
    suite.proxy.setFaults(faults)
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--verbose'], 90_000)
    const stats = suite.proxy.stats()
    record('20% mixed', 62, run, stats)

    expect(run.result.code, run.result.stderr).toBe(0)
    expect(run.report.summary).toMatchObject({ created: 62, conflict: 0, failed: 0 })
    for (const kind of ['slowdown', 'internal-error', 'reset-before', 'reset-after'] as const) expect(stats.injected[kind]).toBeGreaterThan(0)
    // Every injected fault was retried, and each retry was shown.
    expect(retryLines(run).length).toBe(injectedTotal(stats))
    expect(retryLines(run).join('\n')).toMatch(/retry: PutObject small\/f\d+\.bin failed \(attempt 1: .*503 SlowDown/)
    await expectBucketHolds('twenty-percent', files)
    await expectZeroChanges(ws)
  })

  it('resets after the server acted on creates: counted created (checked in the bucket), not conflicts', async () => {
    const files = { ...smallFiles(20, 2), 'big/one.bin': randomBytes(16 * MiB + 999) }
    const ws = await scenario('reset-after', files)
    suite.proxy.setFaults({
      seed: 3,
      rules: [{ kind: 'reset-after', rate: 0.5, operations: ['PutObject', 'CompleteMultipartUpload'] }],
      maxPerRequest: 1,
    })
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--verbose'])
    const stats = suite.proxy.stats()
    record('reset after the server acted (creates)', 21, run, stats)

    expect(run.result.code, run.result.stderr).toBe(0)
    expect(run.report.summary).toMatchObject({ created: 21, conflict: 0, failed: 0 })
    // Each create whose answer was lost met its own object (412) on the retry, and the bucket's content said it landed.
    const landed = run.report.items.filter((item) => /earlier attempt landed/.test(item.reason ?? ''))
    expect(landed.length).toBe(stats.injectedByOperation['reset-after PutObject'])
    expect(landed.length).toBeGreaterThan(0)
    // moto (unlike S3) completes an upload again instead of answering NoSuchUpload or 412: created either way.
    expect(stats.injectedByOperation['reset-after CompleteMultipartUpload']).toBe(1)
    await expectBucketHolds('reset-after', files)
    await expectZeroChanges(ws)
  })

  it('a lost answer to CreateMultipartUpload: retried, the object is right; the upload whose answer was lost stays open (known gap)', async () => {
    const files = { 'big/lost.bin': randomBytes(16 * MiB + 1) }
    const ws = await scenario('lost-create-upload', files)
    suite.proxy.setFaults({ rules: [{ kind: 'reset-after', rate: 1, operations: ['CreateMultipartUpload'] }], maxPerRequest: 1 })
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--verbose'])
    const stats = suite.proxy.stats()
    record('reset after CreateMultipartUpload acted', 1, run, stats)

    expect(run.result.code, run.result.stderr).toBe(0)
    expect(stats.injected['reset-after']).toBe(1)
    const stored = await getBytes(suite.s3, { Bucket: 'lost-create-upload', Key: 'big/lost.bin' })
    expect(sha256(stored)).toBe(sha256(files['big/lost.bin']))
    // putplan never learnt the first upload's id, so it cannot abort it. It holds no parts (costs
    // nothing); S3's AbortIncompleteMultipartUpload lifecycle rule removes it. Flip this when fixed.
    expect(await listUploads(suite.s3, 'lost-create-upload')).toHaveLength(1)
  })

  it('409 ConditionalRequestConflict and 503 with Retry-After, below persistence: retried, finishes', async () => {
    const files = smallFiles(20, 3)
    const ws = await scenario('conflict-409', files)
    suite.proxy.setFaults({
      seed: 410,
      rules: [
        { kind: 'conditional-conflict', rate: 0.3 },
        { kind: 'retry-after', rate: 0.1 },
      ],
      maxPerRequest: 2,
    })
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--verbose'])
    const stats = suite.proxy.stats()
    record('409 ConditionalRequestConflict 30% + Retry-After 10%', 20, run, stats)

    expect(run.result.code, run.result.stderr).toBe(0)
    expect(run.report.summary).toMatchObject({ created: 20, conflict: 0, failed: 0 })
    expect(stats.injected['conditional-conflict']).toBeGreaterThan(0)
    expect(stats.injected['retry-after']).toBeGreaterThan(0)
    expect(retryLines(run).length).toBe(injectedTotal(stats))
    // Retry-After: 1 is a floor on the delay.
    expect(retryLines(run).filter((line) => /(SlowDown|ServiceUnavailable).*retrying in \d{4,} ms/.test(line)).length).toBe(stats.injected['retry-after'])
    await expectBucketHolds('conflict-409', files)
  })

  it('latency and a throttled bandwidth: slower, still correct', async () => {
    const files = smallFiles(12, 4)
    const ws = await scenario('slow-link', files)
    suite.proxy.setFaults({ delayMs: 150, bytesPerSecond: 256 * 1024 })
    const started = Date.now()
    const run = await applyJson(ws, suite.env, ['--auto-approve', '--concurrency', '4'])
    const stats = suite.proxy.stats()
    record('latency 150 ms + 256 KiB/s per request', 12, run, stats)

    expect(run.result.code, run.result.stderr).toBe(0)
    expect(run.report.summary).toMatchObject({ created: 12, failed: 0 })
    expect(stats.delayed).toBe(stats.requests)
    expect(stats.throttledBytes).toBe(Object.values(files).reduce((sum, b) => sum + b.length, 0))
    expect(Date.now() - started).toBeGreaterThan(150 * 3)
    await expectBucketHolds('slow-link', files)
    await expectZeroChanges(ws)
  })
})
