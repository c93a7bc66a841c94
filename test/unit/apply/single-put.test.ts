import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { executePlan, type ApplyEvent, type ExecuteOptions } from '../../../src/apply/index.js'
import type { Plan } from '../../../src/plan/plan.js'
import { MemoryStore, md5Hex } from './memory-store.js'
import { planOf, SMALL_PARTS, useManifestDir } from './plan-builder.js'

const files = useManifestDir()

function run(plan: Plan, store: MemoryStore, extra: Partial<ExecuteOptions> = {}) {
  return executePlan(plan, { store, baseDir: files.dir(), concurrency: 4, multipart: SMALL_PARTS, ...extra })
}

describe('single PutObject', () => {
  it('creates with If-None-Match: * and the headers of every option', async () => {
    const store = new MemoryStore()
    const item = await files.item('a.txt', { action: 'create', data: 'hello', options: { cacheControl: 'no-cache', contentType: 'text/plain' } })
    const report = await run(planOf([item]), store)

    const [put] = store.callsOf('putObject')
    expect(put?.headers).toMatchObject({
      'if-none-match': '*',
      'cache-control': 'no-cache',
      'content-type': 'text/plain',
      'content-md5': Buffer.from(md5Hex(Buffer.from('hello')), 'hex').toString('base64'),
      'x-amz-checksum-crc64nvme': item.local.checksums.CRC64NVME,
    })
    expect(put?.headers['if-match']).toBeUndefined()
    expect(store.objects.get('a.txt')?.bytes.toString()).toBe('hello')
    expect(report.items).toEqual([expect.objectContaining({ key: 'a.txt', action: 'create', outcome: 'created', etag: md5Hex(Buffer.from('hello')), bytes: 5, attempts: 1 })])
    expect(report.summary).toEqual({ created: 1, updated: 0, repaired: 0, deleted: 0, unchanged: 0, conflict: 0, failed: 0, skipped: 0 })
    expect(report.bytesUploaded).toBe(5)
  })

  it('updates with If-Match on the planned ETag', async () => {
    const store = new MemoryStore()
    const old = store.putDirect('b.txt', 'old')
    const item = await files.item('b.txt', { action: 'update', data: 'new', remoteEtag: old.etag })
    const report = await run(planOf([item]), store)

    const [put] = store.callsOf('putObject')
    expect(put?.headers['if-match']).toBe(`"${old.etag}"`)
    expect(put?.headers['if-none-match']).toBeUndefined()
    expect(report.items[0]).toMatchObject({ outcome: 'updated', versionId: expect.any(String) })
    expect(store.objects.get('b.txt')?.bytes.toString()).toBe('new')
  })

  it('sends no condition when conditional writes are off, except a create-only If-None-Match', async () => {
    const store = new MemoryStore()
    const old = store.putDirect('b.txt', 'old')
    const update = await files.item('b.txt', { action: 'update', data: 'new', remoteEtag: old.etag })
    const createOnly = await files.item('c.txt', { action: 'create', data: 'c', options: { ifNoneMatch: '*' } })
    const plain = await files.item('d.txt', { action: 'create', data: 'd' })
    await run(planOf([update, createOnly, plain]), store, { conditionalWrites: false })

    const headers = Object.fromEntries(store.callsOf('putObject').map((c) => [c.key, c.headers]))
    expect(headers['b.txt']?.['if-match']).toBeUndefined()
    expect(headers['c.txt']?.['if-none-match']).toBe('*')
    expect(headers['d.txt']?.['if-none-match']).toBeUndefined()
  })

  it('sends nothing for unchanged and conflict items', async () => {
    const store = new MemoryStore()
    const same = await files.item('same.txt', { action: 'unchanged', data: 'x', remoteEtag: 'e' })
    const other = await files.item('other.txt', { action: 'conflict', data: 'y', reasons: [{ code: 'create-only-exists', option: 'ifNoneMatch' }] })
    const report = await run(planOf([same, other]), store)

    expect(store.calls).toEqual([])
    expect(report.items.map((i) => [i.key, i.outcome, i.reason])).toEqual([
      ['other.txt', 'conflict', 'create-only object already exists and its content differs'],
      ['same.txt', 'unchanged', undefined],
    ])
  })

  it('turns a 412 into a conflict and keeps the other client\'s bytes', async () => {
    const store = new MemoryStore()
    const planned = store.putDirect('u.txt', 'planned against')
    const update = await files.item('u.txt', { action: 'update', data: 'ours', remoteEtag: planned.etag })
    const create = await files.item('n.txt', { action: 'create', data: 'ours' })
    // Someone else writes both keys between plan and apply.
    store.putDirect('u.txt', 'theirs')
    store.putDirect('n.txt', 'theirs too')
    const report = await run(planOf([update, create]), store)

    expect(report.items.map((i) => [i.key, i.outcome, i.reason])).toEqual([
      ['n.txt', 'conflict', 'created by someone else since the plan'],
      ['u.txt', 'conflict', 'changed in the bucket since the plan'],
    ])
    expect(store.objects.get('u.txt')?.bytes.toString()).toBe('theirs')
    expect(store.objects.get('n.txt')?.bytes.toString()).toBe('theirs too')
    expect(report.bytesUploaded).toBe(0)
  })

  it('reports a key deleted since the plan as a conflict of the update', async () => {
    const store = new MemoryStore()
    const item = await files.item('gone.txt', { action: 'update', data: 'ours', remoteEtag: 'abc' })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'conflict', reason: 'deleted from the bucket since the plan' })
    expect(store.objects.has('gone.txt')).toBe(false)
  })

  it('counts a create whose answer was lost as created, after checking the bucket', async () => {
    const store = new MemoryStore()
    // The first attempt lands, the connection drops, the client retries into a 412.
    store.fail({ op: 'putObject', when: 'after' })
    const item = await files.item('a.txt', { action: 'create', data: 'hello' })
    const report = await run(planOf([item]), store)

    expect(store.callsOf('putObject')).toHaveLength(2)
    expect(store.callsOf('headObject')).toHaveLength(1)
    expect(report.items[0]).toMatchObject({ outcome: 'created', bytes: 5, attempts: 2, etag: md5Hex(Buffer.from('hello')) })
  })

  it('counts an update whose answer was lost as updated', async () => {
    const store = new MemoryStore()
    const old = store.putDirect('a.txt', 'old')
    store.fail({ op: 'putObject', when: 'after' })
    const item = await files.item('a.txt', { action: 'update', data: 'new', remoteEtag: old.etag })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'updated', bytes: 3 })
  })

  it('counts a create-only object already present with identical content as unchanged', async () => {
    const store = new MemoryStore()
    store.putDirect('r.tgz', 'release')
    const item = await files.item('r.tgz', { action: 'create', data: 'release', options: { ifNoneMatch: '*' } })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'unchanged' })
  })

  it('retries reopen the file: a dropped connection before S3 acted costs one more attempt', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', status: 503, code: 'SlowDown' })
    const item = await files.item('a.txt', { action: 'create', data: 'hello' })
    const report = await run(planOf([item]), store)
    expect(store.callsOf('putObject').map((c) => c.bodyLength)).toEqual([5, 5])
    expect(report.items[0]).toMatchObject({ outcome: 'created', attempts: 2 })
  })

  it('fails only the object whose size changed since the plan, sending nothing for it', async () => {
    const store = new MemoryStore()
    const changed = await files.item('a.txt', { action: 'create', data: 'hello' })
    const fine = await files.item('b.txt', { action: 'create', data: 'fine' })
    writeFileSync(join(files.dir(), 'a.txt'), 'hello, longer')
    const report = await run(planOf([changed, fine]), store)

    expect(report.items.map((i) => [i.key, i.outcome])).toEqual([['a.txt', 'failed'], ['b.txt', 'created']])
    expect(report.items[0]?.reason).toBe('the file changed since the plan: 13 bytes now, 5 planned')
    expect(store.callsOf('putObject').map((c) => c.key)).toEqual(['b.txt'])
  })

  it('refuses bytes that differ from the plan at the same size, before the body ends', async () => {
    const store = new MemoryStore()
    const item = await files.item('a.txt', { action: 'create', data: 'hello' })
    writeFileSync(join(files.dir(), 'a.txt'), 'HELLO')
    const report = await run(planOf([item]), store)

    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: 'the file changed since the plan: its bytes no longer have the planned CRC64NVME checksum' })
    // No attempt delivered a whole body, so nothing was written.
    expect(store.callsOf('putObject')).toEqual([])
    expect(store.objects.has('a.txt')).toBe(false)
  })

  it('reads a BadDigest from S3 as the file changing during the upload', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', status: 400, code: 'BadDigest' })
    const item = await files.item('a.txt', { action: 'create', data: 'hello' })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('changed during the upload') })
  })

  it('reports other errors with S3\'s message and carries on with the other objects', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', key: 'a.txt', status: 403, code: 'AccessDenied' })
    const a = await files.item('a.txt', { action: 'create', data: 'a' })
    const b = await files.item('b.txt', { action: 'create', data: 'b' })
    const report = await run(planOf([a, b]), store)
    expect(report.items.map((i) => i.outcome)).toEqual(['failed', 'created'])
    expect(report.items[0]?.reason).toBe('PutObject for "a.txt" failed: 403 AccessDenied: AccessDenied (fake)')
  })

  it('fails an object whose file is gone', async () => {
    const store = new MemoryStore()
    const item = await files.item('a.txt', { action: 'create', data: 'a' })
    const report = await run(planOf([{ ...item, source: 'missing.txt' }]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: 'missing.txt no longer exists' })
  })

  it('uses secrets supplied again for a saved plan, and refuses a redacted key', async () => {
    const key = 'k'.repeat(32)
    const store = new MemoryStore()
    const item = await files.item('s.bin', { action: 'create', data: 'secret', options: { sseCustomerKey: '(secret)' } })
    const refused = await run(planOf([item]), store)
    expect(refused.items[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('redacted') })
    expect(store.calls).toEqual([])

    const report = await run(planOf([item]), store, { secrets: () => ({ sseCustomerKey: key }) })
    expect(report.items[0]?.outcome).toBe('created')
    expect(store.callsOf('putObject')[0]?.headers['x-amz-server-side-encryption-customer-key']).toBe(Buffer.from(key).toString('base64'))
  })

  it('emits start, bytes and done events, counting no byte twice across retries', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', status: 500 })
    const events: ApplyEvent[] = []
    const item = await files.item('a.txt', { action: 'create', data: 'hello' })
    await run(planOf([item]), store, { onEvent: (e) => events.push(e) })
    expect(events.map((e) => e.type)).toEqual(['object-start', 'bytes', 'object-done'])
    expect(events[1]).toEqual({ type: 'bytes', key: 'a.txt', delta: 5, done: 5, size: 5 })
  })

  it('uploads an empty file', async () => {
    const store = new MemoryStore()
    const item = await files.item('empty', { action: 'create', data: '' })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'created', bytes: 0 })
    expect(store.objects.get('empty')?.bytes.length).toBe(0)
  })
})
