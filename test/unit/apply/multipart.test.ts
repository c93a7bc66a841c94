import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { executePlan, type ApplyEvent, type ExecuteOptions } from '../../../src/apply/index.js'
import type { Plan, PlanItem } from '../../../src/plan/plan.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import { patternBytes } from '../local/temp-dir.js'
import { MemoryStore, checksumOf, md5Hex } from './memory-store.js'
import { planOf, SMALL_PARTS, useManifestDir } from './plan-builder.js'

const files = useManifestDir()
const DATA = patternBytes(3000)

function run(plan: Plan, store: MemoryStore, extra: Partial<ExecuteOptions> = {}) {
  return executePlan(plan, { store, baseDir: files.dir(), concurrency: 4, multipart: SMALL_PARTS, ...extra })
}

function b64md5(bytes: Buffer): string {
  return Buffer.from(md5Hex(bytes), 'hex').toString('base64')
}

describe('multipart upload', () => {
  it('uploads parts of the planned size, each with its digests, and completes under the condition', async () => {
    const store = new MemoryStore()
    const item = await files.item('big.bin', { action: 'create', data: DATA, options: { contentType: 'application/octet-stream' } })
    const report = await run(planOf([item]), store)

    const [create] = store.callsOf('createMultipartUpload')
    expect(create?.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'x-amz-checksum-algorithm': 'CRC64NVME', 'x-amz-checksum-type': 'FULL_OBJECT' })
    expect(create?.headers['if-none-match']).toBeUndefined()

    const parts = store.callsOf('uploadPart').sort((a, b) => a.partNumber! - b.partNumber!)
    expect(parts.map((p) => [p.partNumber, p.bodyLength])).toEqual([[1, 1024], [2, 1024], [3, 952]])
    parts.forEach((p, i) => {
      const bytes = DATA.subarray(i * 1024, Math.min(3000, (i + 1) * 1024))
      expect(p.headers['content-md5']).toBe(b64md5(bytes))
      expect(p.headers['x-amz-checksum-crc64nvme']).toBe(checksumOf('CRC64NVME', bytes))
    })

    const [complete] = store.callsOf('completeMultipartUpload')
    expect(complete?.headers).toMatchObject({ 'if-none-match': '*', 'x-amz-checksum-crc64nvme': item.local.checksums.CRC64NVME, 'x-amz-checksum-type': 'FULL_OBJECT' })
    expect(store.objects.get('big.bin')?.bytes.equals(DATA)).toBe(true)
    expect(report.items[0]).toMatchObject({ outcome: 'created', etag: item.local.multipart?.etag, bytes: 3000, attempts: 3 })
    expect(store.uploads.size).toBe(0)
  })

  it('updates a SHA256 object: If-Match on Complete, SHA256 per part, a composite and no full-object value', async () => {
    const store = new MemoryStore()
    const old = store.putDirect('big.bin', 'old')
    const item = await files.item('big.bin', { action: 'update', data: DATA, remoteEtag: old.etag, options: { checksumAlgorithm: 'SHA256' } })
    const report = await run(planOf([item]), store)

    expect(store.callsOf('createMultipartUpload')[0]?.headers).toMatchObject({ 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-type': 'COMPOSITE' })
    for (const part of store.callsOf('uploadPart')) expect(part.headers['x-amz-checksum-sha256']).toEqual(expect.any(String))
    const complete = store.callsOf('completeMultipartUpload')[0]?.headers ?? {}
    expect(complete['if-match']).toBe(`"${old.etag}"`)
    expect(complete['x-amz-checksum-sha256']).toBeUndefined()
    expect(complete['x-amz-checksum-type']).toBeUndefined()
    expect(report.items[0]).toMatchObject({ outcome: 'updated', checksums: { SHA256: item.local.multipart?.compositeChecksums.SHA256 } })
  })

  it('aborts the upload when a part fails, and leaves no upload started', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'uploadPart', partNumber: 2, status: 403, code: 'AccessDenied' })
    const events: ApplyEvent[] = []
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const report = await run(planOf([item]), store, { onEvent: (e) => events.push(e) })

    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('403 AccessDenied') })
    expect(store.callsOf('abortMultipartUpload')).toHaveLength(1)
    expect(store.callsOf('completeMultipartUpload')).toEqual([])
    expect(store.uploads.size).toBe(0)
    expect(store.objects.has('big.bin')).toBe(false)
    expect(events).toContainEqual({ type: 'multipart-aborted', key: 'big.bin', uploadId: expect.any(String) })
  })

  it('retries a part that met a transient error, reopening its range', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'uploadPart', partNumber: 2, status: 503, code: 'SlowDown' })
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'created', attempts: 4 })
    expect(store.objects.get('big.bin')?.bytes.equals(DATA)).toBe(true)
  })

  it('on abort of the signal mid-upload, aborts the upload and starts nothing more', async () => {
    const store = new MemoryStore()
    const controller = new AbortController()
    store.beforeAct = (call) => {
      if (call.op === 'uploadPart' && call.partNumber === 2) controller.abort()
    }
    const big = await files.item('a-big.bin', { action: 'create', data: DATA })
    const later = await files.item('b.txt', { action: 'create', data: 'later' })
    const report = await run(planOf([big, later]), store, { concurrency: 1, partsPerObject: 1, signal: controller.signal })

    expect(report.items.map((i) => [i.key, i.outcome, i.reason])).toEqual([
      ['a-big.bin', 'failed', 'interrupted before the upload finished'],
      ['b.txt', 'skipped', 'not started: apply was interrupted'],
    ])
    expect(report.interrupted).toBe(true)
    expect(store.callsOf('uploadPart').map((c) => c.partNumber)).toEqual([1, 2])
    expect(store.callsOf('abortMultipartUpload')).toHaveLength(1)
    expect(store.uploads.size).toBe(0)
    expect(store.callsOf('putObject')).toEqual([])
  })

  it('turns a 412 on Complete into a conflict, aborts the upload and keeps the other bytes', async () => {
    const store = new MemoryStore()
    store.beforeAct = (call) => {
      if (call.op === 'completeMultipartUpload') store.putDirect('big.bin', 'theirs')
    }
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'conflict', reason: 'created by someone else since the plan' })
    expect(store.objects.get('big.bin')?.bytes.toString()).toBe('theirs')
    expect(store.uploads.size).toBe(0)
  })

  it('counts a Complete whose answer was lost (the retry meets NoSuchUpload) as created', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'completeMultipartUpload', when: 'after' })
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'created', etag: item.local.multipart?.etag, bytes: 3000 })
    expect(store.uploads.size).toBe(0)
  })

  it('fails the object when a part no longer makes the planned ETag, before completing', async () => {
    const store = new MemoryStore()
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const changed = Buffer.from(DATA)
    changed[1500] = changed[1500]! ^ 0xff
    writeFileSync(join(files.dir(), 'big.bin'), changed)
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: 'the file changed since the plan: its parts no longer make the planned multipart ETag' })
    expect(store.callsOf('completeMultipartUpload')).toEqual([])
    expect(store.uploads.size).toBe(0)
  })

  describe('from a plan without the multipart ETag (a create computes no part MD5s)', () => {
    /** The item as the plan makes it for a create: no whole-file MD5, no multipart ETag. */
    async function planned(options: PutOptions = {}): Promise<PlanItem> {
      const item = await files.item('big.bin', { action: 'create', data: DATA, options })
      const { etag: _etag, ...multipart } = item.local.multipart!
      const { md5: _md5, ...local } = item.local
      return { ...item, local: { ...local, multipart } }
    }
    function change(): void {
      const changed = Buffer.from(DATA)
      changed[1500] = changed[1500]! ^ 0xff
      writeFileSync(join(files.dir(), 'big.bin'), changed)
    }

    it('uploads, with the ETag S3 gives', async () => {
      const store = new MemoryStore()
      const report = await run(planOf([await planned()]), store)
      expect(report.items[0]).toMatchObject({ outcome: 'created', bytes: 3000 })
      expect(store.objects.get('big.bin')?.bytes.equals(DATA)).toBe(true)
    })

    it('a file changed since the plan fails the full-object checksum S3 checks on Complete', async () => {
      const store = new MemoryStore()
      const item = await planned()
      change()
      const report = await run(planOf([item]), store)
      expect(report.items[0]).toMatchObject({ outcome: 'failed' })
      expect(store.objects.size).toBe(0)
      expect(store.uploads.size).toBe(0)
    })

    it.each(['SHA1', 'SHA256'] as const)('%s: a file changed since the plan no longer makes the planned composite, before completing', async (checksumAlgorithm) => {
      const store = new MemoryStore()
      const item = await planned({ checksumAlgorithm })
      change()
      const report = await run(planOf([item]), store)
      expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: `the file changed since the plan: its parts no longer make the planned ${checksumAlgorithm} composite checksum` })
      expect(store.callsOf('completeMultipartUpload')).toEqual([])
      expect(store.uploads.size).toBe(0)
    })
  })

  it('reports an upload that cannot be aborted, after the final sweep tried again', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'uploadPart', partNumber: 1, status: 403, code: 'AccessDenied' })
    store.fail({ op: 'abortMultipartUpload', status: 403, code: 'AccessDenied', times: 2 })
    const events: ApplyEvent[] = []
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const report = await run(planOf([item]), store, { partsPerObject: 1, onEvent: (e) => events.push(e) })
    expect(store.callsOf('abortMultipartUpload')).toHaveLength(2)
    expect(report.orphanedUploads).toEqual([{ key: 'big.bin', uploadId: expect.any(String) }])
    expect(events.filter((e) => e.type === 'multipart-abort-failed')).toHaveLength(2)
  })

  it('the final sweep aborts an upload whose own abort failed once', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'uploadPart', partNumber: 1, status: 403, code: 'AccessDenied' })
    store.fail({ op: 'abortMultipartUpload', status: 403, code: 'AccessDenied' })
    const item = await files.item('big.bin', { action: 'create', data: DATA })
    const report = await run(planOf([item]), store, { partsPerObject: 1 })
    expect(report.orphanedUploads).toEqual([])
    expect(store.uploads.size).toBe(0)
  })

  it('repeats the SSE-C key and the bucket owner on every request of the upload', async () => {
    const store = new MemoryStore()
    const key = 'k'.repeat(32)
    const item = await files.item('big.bin', { action: 'create', data: DATA, options: { sseCustomerKey: key, expectedBucketOwner: '111122223333' } })
    await run(planOf([item]), store)
    for (const call of [...store.callsOf('createMultipartUpload'), ...store.callsOf('uploadPart'), ...store.callsOf('completeMultipartUpload')]) {
      expect(call.headers['x-amz-server-side-encryption-customer-key']).toBe(Buffer.from(key).toString('base64'))
      expect(call.headers['x-amz-expected-bucket-owner']).toBe('111122223333')
    }
  })
})
