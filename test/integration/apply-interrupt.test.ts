/**
 * Interrupting `putplan apply` (the built CLI, started with child_process.spawn):
 * - SIGINT while a multipart upload is in progress: exit 1, a report that says so, and
 *   no multipart upload left open in the bucket (ListMultipartUploads is empty).
 * - SIGKILL halfway through 300 small objects: nothing can clean up, but a second apply
 *   converges: it writes only what is missing, and a plan then shows zero changes.
 */
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { applyJson, listKeys, listUploads, parseReportJson, spawnPutplan, waitFor } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson } from '../support/plan-workspace.js'

const MiB = 1024 * 1024

const suite = useMotoSuite('putplan-apply-')

/** Writes `size` random bytes in 1 MiB chunks, never holding the file in memory. */
async function writeRandomFile(path: string, size: number): Promise<void> {
  const file = await open(path, 'w')
  try {
    for (let written = 0; written < size; written += MiB) await file.write(randomBytes(Math.min(MiB, size - written)))
  } finally {
    await file.close()
  }
}

describe('SIGINT during a multipart upload', () => {
  const bucket = 'interrupted'

  it('exits 1, reports the interruption, and leaves no multipart upload open', async () => {
    const ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    await writeRandomFile(ws.path('big.bin'), 100 * MiB)
    await ws.manifest({ version: 1, bucket, uploads: [{ source: 'big.bin', key: 'big.bin' }] })

    const cli = spawnPutplan(['apply', '--auto-approve', '--concurrency', '1', '--format', 'json'], { cwd: ws.dir, env: suite.env })
    let started = false
    try {
      await waitFor('a multipart upload to start', async () => {
        if (cli.child.exitCode !== null) throw new Error(`apply exited ${cli.child.exitCode} before an upload started:\n${cli.output().stderr}`)
        return (await listUploads(suite.s3, bucket)).length > 0
      })
      started = true
    } finally {
      if (!started) cli.child.kill('SIGKILL')
    }
    cli.child.kill('SIGINT')
    const { code, signal } = await cli.exited
    const { stdout, stderr } = cli.output()
    expect({ code, signal }, stderr).toEqual({ code: 1, signal: null })
    expect(stderr).toContain('Interrupted')
    const report = parseReportJson({ code: code ?? 0, stdout, stderr })
    expect(report.interrupted).toBe(true)
    expect(report.orphanedUploads).toEqual([])
    expect(report.items).toEqual([expect.objectContaining({ key: 'big.bin', action: 'create', outcome: 'failed' })])

    expect(await listUploads(suite.s3, bucket)).toEqual([])
    expect(await listKeys(suite.s3, bucket)).toEqual([]) // nor a partial object
  }, 120_000)
})

describe('SIGKILL halfway through 300 objects', () => {
  const bucket = 'killed'
  const COUNT = 300

  it('a second apply converges: it writes only what is missing, then a plan shows zero changes', async () => {
    const ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    for (let i = 0; i < COUNT; i++) await ws.write(`files/${String(i).padStart(3, '0')}.txt`, `file ${i}\n${'x'.repeat(i)}\n`)
    await ws.manifest({ version: 1, bucket, uploads: [{ source: 'files/*.txt', root: 'files', prefix: 'files/' }] })

    const cli = spawnPutplan(['apply', '--auto-approve', '--concurrency', '2'], { cwd: ws.dir, env: suite.env })
    const count = async () => (await suite.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0
    try {
      await waitFor('some objects to be written', async () => {
        if (cli.child.exitCode !== null) throw new Error(`apply exited ${cli.child.exitCode} too soon:\n${cli.output().stderr}`)
        return (await count()) >= 30
      })
    } finally {
      cli.child.kill('SIGKILL')
    }
    const { signal } = await cli.exited
    expect(signal).toBe('SIGKILL')
    const before = await count()
    expect(before).toBeGreaterThanOrEqual(30)
    expect(before).toBeLessThan(COUNT) // killed halfway, not after the end

    const { result, report } = await applyJson(ws, suite.env)
    expect(result.code, result.stderr).toBe(0)
    expect(report.summary.failed + report.summary.conflict + report.summary.skipped).toBe(0)
    expect(report.summary.unchanged).toBeGreaterThanOrEqual(before) // every object written before the kill is whole
    expect(report.summary.created + report.summary.updated + report.summary.unchanged).toBe(COUNT)
    expect(await count()).toBe(COUNT)

    const { result: planned, plan } = await planJson(ws, suite.env)
    expect(planned.code, planned.stderr).toBe(0)
    expect(plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: COUNT, undecided: 0, conflict: 0 })
  }, 120_000)
})
