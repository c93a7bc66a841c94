/**
 * Repairs in place against the in-memory store: the requests each repair makes (and the
 * ones it must not), the condition on the planned ETag, and what the report says.
 */
import { describe, expect, it } from 'vitest'
import { executePlan, type ApplyEvent, type ExecuteOptions } from '../../../src/apply/index.js'
import type { Plan } from '../../../src/plan/plan.js'
import { REDACTED } from '../../../src/plan/put-options.js'
import { checksumOf, MemoryStore, md5Hex } from './memory-store.js'
import { planOf, SMALL_PARTS, useManifestDir } from './plan-builder.js'

const files = useManifestDir()
const KiB = 1024

function run(plan: Plan, store: MemoryStore, extra: Partial<ExecuteOptions> = {}) {
  return executePlan(plan, { store, baseDir: files.dir(), concurrency: 4, multipart: SMALL_PARTS, ...extra })
}

/** An object another client wrote with `data` and `tags`, and the repair item planned against it. */
async function planned(store: MemoryStore, key: string, data: string | Buffer, spec: Omit<Parameters<typeof files.item>[1], 'action' | 'data'> = {}, tags: Record<string, string> = {}) {
  const object = store.putDirect(key, data)
  object.tags = tags
  return files.item(key.replaceAll('/', '_'), { key, action: 'repair', data, remoteEtag: object.etag, ...spec })
}

const ops = (store: MemoryStore) => store.calls.map((call) => call.op)

describe('repair by CopyObject onto itself', () => {
  it('stores the new options with one copy: REPLACE, the full header set, the checksum algorithm, the planned ETag; no bytes sent', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'site/a.css', 'body {}', { options: { contentType: 'text/css', cacheControl: 'no-cache', metadata: { Build: '42' } } }, { team: 'web' })
    const before = store.objects.get('site/a.css')!
    const report = await run(planOf([item]), store)

    expect(ops(store)).toEqual(['copyObject'])
    const [copy] = store.callsOf('copyObject')
    expect(copy?.headers).toEqual({
      'x-amz-copy-source': 'example-bucket/site/a.css',
      'x-amz-metadata-directive': 'REPLACE',
      'x-amz-tagging-directive': 'COPY',
      'x-amz-checksum-algorithm': 'CRC64NVME',
      'x-amz-copy-source-if-match': `"${before.etag}"`,
      'content-type': 'text/css',
      'cache-control': 'no-cache',
      'x-amz-meta-build': '42',
    })
    const after = store.objects.get('site/a.css')!
    expect(after.bytes.toString()).toBe('body {}')
    expect(after.tags).toEqual({ team: 'web' })
    expect(after.checksums).toEqual({ CRC64NVME: checksumOf('CRC64NVME', Buffer.from('body {}')) })
    expect(report.items).toEqual([
      {
        key: 'site/a.css',
        action: 'repair',
        outcome: 'repaired',
        repairs: ['copy'],
        etag: md5Hex(Buffer.from('body {}')),
        checksums: after.checksums,
        lastModified: expect.stringMatching(/^2030-/),
        versionId: after.versionId,
        bytes: 0,
      },
    ])
    expect(report.summary).toMatchObject({ repaired: 1, created: 0, updated: 0, failed: 0 })
    expect(report.bytesUploaded).toBe(0)
  })

  it('replaces the tags when they drifted too, in the same copy', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'a', { repairs: ['copy', 'tagging'], options: { cacheControl: 'no-cache', tagging: { team: 'web', 'a b': 'c&d' } } }, { team: 'ops' })
    await run(planOf([item]), store)
    expect(ops(store)).toEqual(['copyObject'])
    expect(store.callsOf('copyObject')[0]?.headers).toMatchObject({ 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'a%20b=c%26d&team=web' })
    expect(store.objects.get('a.txt')?.tags).toEqual({ team: 'web', 'a b': 'c&d' })
  })

  it('keeps the tags the manifest declares unchanged with COPY, sending no tags header', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'a', { options: { cacheControl: 'no-cache', tagging: { team: 'web' } } }, { team: 'web' })
    await run(planOf([item]), store)
    expect(store.callsOf('copyObject')[0]?.headers).not.toHaveProperty('x-amz-tagging')
    expect(store.objects.get('a.txt')?.tags).toEqual({ team: 'web' })
  })

  it('asks S3 for a checksum of the declared algorithm', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'abc', { options: { checksumAlgorithm: 'SHA256' } })
    const report = await run(planOf([item]), store)
    expect(store.callsOf('copyObject')[0]?.headers['x-amz-checksum-algorithm']).toBe('SHA256')
    expect(report.items[0]?.checksums).toEqual({ SHA256: checksumOf('SHA256', Buffer.from('abc')) })
  })

  it('is a conflict when the object changed since the plan, which keeps the other writer’s object', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'ours', { options: { cacheControl: 'no-cache' } })
    const theirs = store.putDirect('a.txt', 'theirs')
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'conflict', reason: 'changed in the bucket since the plan', bytes: 0 })
    expect(store.objects.get('a.txt')).toBe(theirs)
    expect(ops(store)).toEqual(['copyObject', 'headObject'])
  })

  it('is a conflict when the object was deleted since the plan', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'ours', { options: { cacheControl: 'no-cache' } })
    store.objects.delete('a.txt')
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'conflict', reason: 'deleted from the bucket since the plan' })
    expect(store.objects.has('a.txt')).toBe(false)
  })

  it('counts a copy whose answer was lost but which landed as repaired (its retry met a new ETag)', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'ours', { options: { cacheControl: 'no-cache' } })
    store.fail({ op: 'copyObject', when: 'after', times: 1 })
    // The landed copy gets a new ETag, as S3 gives an SSE-KMS object: the retry's condition fails.
    store.beforeAct = (call) => {
      if (call.op === 'copyObject' && call.attempt === 2) store.objects.get('a.txt')!.etag = 'rewritten-by-the-first-attempt'
    }
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'repaired', repairs: ['copy'], reason: 'the bucket already holds the planned bytes (an earlier attempt landed)' })
  })

  it('sends no source condition when conditional writes are off', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'a', { options: { cacheControl: 'no-cache' } })
    await run(planOf([item]), store, { conditionalWrites: false })
    expect(store.callsOf('copyObject')[0]?.headers).not.toHaveProperty('x-amz-copy-source-if-match')
  })

  it('gives an SSE-C object its key for the source and the copy; a saved plan’s redacted key comes again from the manifest', async () => {
    const key = Buffer.alloc(32, 5).toString('base64')
    const store = new MemoryStore()
    const item = await planned(store, 'secret.bin', 's', { options: { cacheControl: 'no-cache', sseCustomerKey: REDACTED } })
    await run(planOf([item]), store, { secrets: () => ({ sseCustomerKey: key }) })
    const headers = store.callsOf('copyObject')[0]!.headers
    const md5 = md5Base64(Buffer.from(key, 'base64'))
    expect(headers).toMatchObject({
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key,
      'x-amz-server-side-encryption-customer-key-md5': md5,
      'x-amz-copy-source-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-copy-source-server-side-encryption-customer-key': key,
      'x-amz-copy-source-server-side-encryption-customer-key-md5': md5,
    })
  })

  it('fails, sending nothing, when a saved plan’s SSE-C key is not supplied again', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'secret.bin', 's', { options: { cacheControl: 'no-cache', sseCustomerKey: REDACTED } })
    const report = await run(planOf([item]), store)
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: 'the SSE-C key was redacted from the saved plan and was not supplied again' })
    expect(store.callsOf('copyObject')).toEqual([])
  })

  it('reports each repaired object as an event, with no bytes', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'a', { options: { cacheControl: 'no-cache' } })
    const events: ApplyEvent[] = []
    await run(planOf([item]), store, { onEvent: (event) => events.push(event) })
    expect(events).toEqual([{ type: 'object-done', outcome: expect.objectContaining({ key: 'a.txt', outcome: 'repaired' }) }])
  })
})

describe('repair of an object above the copy threshold: UploadPartCopy', () => {
  const COPY_IN_PARTS = { threshold: 2 * KiB, partSize: 1 * KiB, minPartSize: 1 }
  const data = Buffer.alloc(2.5 * KiB, 7)

  it('copies it in parts, each and Complete conditional on the planned ETag, keeping its tags and sending no bytes', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'big.bin', data, { options: { cacheControl: 'no-cache' } }, { team: 'web' })
    const etag = store.objects.get('big.bin')!.etag
    const report = await run(planOf([item]), store, { copy: COPY_IN_PARTS })

    expect(ops(store)).toEqual(['getObjectTagging', 'createMultipartUpload', 'uploadPartCopy', 'uploadPartCopy', 'uploadPartCopy', 'completeMultipartUpload'])
    expect(store.callsOf('createMultipartUpload')[0]?.headers).toMatchObject({ 'cache-control': 'no-cache', 'x-amz-tagging': 'team=web', 'x-amz-checksum-algorithm': 'CRC64NVME' })
    expect(store.callsOf('uploadPartCopy').map((call) => [call.headers['x-amz-copy-source-range'], call.headers['x-amz-copy-source-if-match']])).toEqual([
      ['bytes=0-1023', `"${etag}"`],
      ['bytes=1024-2047', `"${etag}"`],
      ['bytes=2048-2559', `"${etag}"`],
    ])
    expect(store.callsOf('completeMultipartUpload')[0]?.headers).toMatchObject({ 'if-match': `"${etag}"`, 'x-amz-checksum-crc64nvme': checksumOf('CRC64NVME', data) })
    expect(store.objects.get('big.bin')).toMatchObject({ bytes: data, tags: { team: 'web' }, checksums: { CRC64NVME: checksumOf('CRC64NVME', data) } })
    expect(report.items[0]).toMatchObject({ outcome: 'repaired', repairs: ['copy'], etag: expect.stringMatching(/-3$/), bytes: 0 })
    expect(store.callsOf('putObject')).toEqual([])
    expect(store.callsOf('uploadPart')).toEqual([])
  })

  it('sets the manifest’s tags on the upload when they drifted, without reading the old ones', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'big.bin', data, { repairs: ['copy', 'tagging'], options: { tagging: { team: 'web' } } }, { team: 'ops' })
    await run(planOf([item]), store, { copy: COPY_IN_PARTS })
    expect(store.callsOf('getObjectTagging')).toEqual([])
    expect(store.objects.get('big.bin')?.tags).toEqual({ team: 'web' })
  })

  it('aborts the upload and reports a conflict when the object changed during the copy', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'big.bin', data, { options: { cacheControl: 'no-cache' } })
    store.beforeAct = (call) => {
      if (call.op === 'uploadPartCopy' && call.partNumber === 2) store.putDirect('big.bin', 'theirs')
    }
    const report = await run(planOf([item]), store, { copy: COPY_IN_PARTS, partsPerObject: 1 })
    expect(report.items[0]).toMatchObject({ outcome: 'conflict', reason: 'changed in the bucket since the plan' })
    expect(store.objects.get('big.bin')?.bytes.toString()).toBe('theirs')
    expect(store.uploads.size).toBe(0)
    expect(store.callsOf('abortMultipartUpload')).toHaveLength(1)
  })
})

describe('repairs without a copy', () => {
  it('tag drift alone: one PutObjectTagging, nothing else', async () => {
    const store = new MemoryStore()
    const item = await planned(store, 'a.txt', 'a', { repairs: ['tagging'], options: { tagging: { team: 'web' } } }, { team: 'ops' })
    const before = store.objects.get('a.txt')!
    const report = await run(planOf([item]), store)
    expect(ops(store)).toEqual(['putObjectTagging'])
    expect(store.objects.get('a.txt')).toBe(before)
    expect(before.tags).toEqual({ team: 'web' })
    expect(report.items).toEqual([{ key: 'a.txt', action: 'repair', outcome: 'repaired', repairs: ['tagging'], bytes: 0 }])
  })

  it('ACL drift alone: one PutObjectAcl with the canned ACL or the grants', async () => {
    const store = new MemoryStore()
    const canned = await planned(store, 'a.txt', 'a', { repairs: ['acl'], options: { acl: 'public-read', expectedBucketOwner: '111122223333' } })
    const granted = await planned(store, 'b.txt', 'b', { repairs: ['acl'], options: { grantRead: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' } })
    await run(planOf([canned, granted]), store)
    expect(ops(store)).toEqual(['putObjectAcl', 'putObjectAcl'])
    expect(store.objects.get('a.txt')?.acl).toEqual({ 'x-amz-acl': 'public-read', 'x-amz-expected-bucket-owner': '111122223333' })
    expect(store.objects.get('b.txt')?.acl).toEqual({ 'x-amz-grant-read': 'uri=http://acs.amazonaws.com/groups/global/AllUsers' })
  })

  it('retention and legal hold: their own calls, in the plan’s order, after the tags', async () => {
    const store = new MemoryStore()
    const options = { tagging: { a: 'b' }, objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: '2031-01-01T00:00:00Z', objectLockLegalHoldStatus: 'ON' }
    const item = await planned(store, 'a.txt', 'a', { repairs: ['tagging', 'retention', 'legal-hold'], options })
    await run(planOf([item]), store)
    expect(ops(store)).toEqual(['putObjectTagging', 'putObjectRetention', 'putObjectLegalHold'])
    expect(store.objects.get('a.txt')).toMatchObject({ retention: { objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: '2031-01-01T00:00:00Z' }, legalHold: 'ON' })
  })

  it('is a conflict when the object is gone, and a failure with S3’s reason otherwise', async () => {
    const store = new MemoryStore()
    const gone = await planned(store, 'gone.txt', 'g', { repairs: ['tagging'], options: { tagging: { a: 'b' } } })
    store.objects.delete('gone.txt')
    const denied = await planned(store, 'denied.txt', 'd', { repairs: ['acl'], options: { acl: 'private' } })
    store.fail({ op: 'putObjectAcl', status: 403, code: 'AccessDenied' })
    const report = await run(planOf([gone, denied]), store)
    expect(report.items.map((i) => [i.key, i.outcome, i.reason])).toEqual([
      ['denied.txt', 'failed', 'PutObjectAcl for "denied.txt" failed: 403 AccessDenied: AccessDenied (fake)'],
      ['gone.txt', 'conflict', 'deleted from the bucket since the plan'],
    ])
  })
})

describe('repairs among uploads', () => {
  it('run in the same write phase as the uploads, each reported with its own outcome', async () => {
    const store = new MemoryStore()
    const fix = await planned(store, 'fix.txt', 'f', { options: { cacheControl: 'no-cache' } })
    const created = await files.item('new.txt', { action: 'create', data: 'n' })
    const report = await run(planOf([fix, created]), store)
    expect(report.items.map((i) => [i.key, i.outcome, i.bytes])).toEqual([
      ['fix.txt', 'repaired', 0],
      ['new.txt', 'created', 1],
    ])
    expect(report.bytesUploaded).toBe(1)
  })
})

function md5Base64(bytes: Buffer): string {
  return Buffer.from(md5Hex(bytes), 'hex').toString('base64')
}
