/**
 * gatherFacts with what LIST and the state record already tell (`known`): no HeadObject
 * for a trusted record, whatever the object's shape, except where the manifest declares
 * what can change without a rewrite (object lock: HeadObject; tagging, ACL: their own calls).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { storedHeaderOptions } from '../../../src/s3/object-headers.js'
import { recordOfWrite, trustRecord } from '../../../src/state/state-record.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { MemoryStore } from '../apply/memory-store.js'
import { bytes, desiredObject, localDigestOf, uploadedObject } from '../plan/builders.js'

const data = bytes(64, 3)
const policy = { threshold: 16, partSize: 16, minPartSize: 1 }
const listedAt = '2025-03-04T05:06:07.891Z'
let dir: string
let file: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-gather-'))
  file = join(dir, 'data.bin')
  await writeFile(file, data)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** The record putplan keeps of its own write of `data` with `options`, trusted against LIST of it. */
function trustedWrite(options: PutOptions, partSize?: number): RemoteObject {
  const head = uploadedObject(data, options, { partSize })
  const answer = { etag: head.etag, checksums: head.checksums, serverSideEncryption: head.headers.serverSideEncryption }
  const record = recordOfWrite(options, localDigestOf(data, { ...(partSize && { partSize }) }), answer, storedHeaderOptions(options, answer), listedAt)
  return trustRecord(record, { etag: head.etag, size: data.length, lastModified: listedAt, storageClass: 'STANDARD' })!
}

async function gather(options: PutOptions, known: RemoteObject | null, multipart = true) {
  const store = new MemoryStore()
  const desired = desiredObject({ key: 'k', sourcePath: file, size: data.length, options })
  const facts = await gatherFacts([desired], { store, concurrency: 1, multipart: multipart ? policy : { threshold: 1024, partSize: 1024 }, known: new Map([['k', known]]) })
  const plan = computePlan({ bucket: 'b', manifestDigest: 'd', objects: facts })
  return { store, item: plan.items[0]! }
}

describe('gatherFacts with a trusted record', () => {
  it.each<[string, PutOptions, boolean]>([
    ['single part', { contentType: 'text/html' }, false],
    ['multipart, CRC64NVME (full object)', { contentType: 'text/html' }, true],
    ['multipart, CRC32 (full object)', { contentType: 'text/html', checksumAlgorithm: 'CRC32' }, true],
    ['multipart, SHA256 (composite)', { contentType: 'text/html', checksumAlgorithm: 'SHA256' }, true],
    ['multipart, SHA1 (composite)', { contentType: 'text/html', checksumAlgorithm: 'SHA1' }, true],
  ])('%s: sends no HeadObject and plans no change', async (_, options, multipart) => {
    const { store, item } = await gather(options, trustedWrite(options, multipart ? 16 : undefined), multipart)
    expect(store.callsOf('headObject')).toEqual([])
    expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
  })

  it('a key LIST does not show is created without HeadObject', async () => {
    const { store, item } = await gather({ contentType: 'text/html' }, null)
    expect(store.callsOf('headObject')).toEqual([])
    expect(item).toMatchObject({ action: 'create' })
  })

  it('an object declaring object lock options is always asked', async () => {
    const options: PutOptions = { contentType: 'text/html', objectLockLegalHoldStatus: 'ON' }
    const { store } = await gather(options, trustedWrite(options), false)
    expect(store.callsOf('headObject').map((c) => c.key)).toEqual(['k'])
  })
})

describe('gatherFacts leaves the trusted record as it was read', () => {
  it.each<[string, PutOptions, boolean]>([
    ['tags learnt', { contentType: 'text/html', tagging: { team: 'web' } }, false],
    ['the cut into parts learnt', { contentType: 'text/html' }, true],
  ])('%s: on a copy of the record', async (_, options, multipart) => {
    const known = trustedWrite(options, multipart ? 16 : undefined)
    const asRead = structuredClone(known)
    const store = new MemoryStore()
    const desired = desiredObject({ key: 'k', sourcePath: file, size: data.length, options })
    const [facts] = await gatherFacts([desired], { store, concurrency: 1, multipart: multipart ? policy : { threshold: 1024, partSize: 1024 }, known: new Map([['k', known]]) })
    expect(known).toEqual(asRead)
    expect(facts!.remote).not.toBe(known)
  })

  it('the others: the record itself, not a copy held beside it', async () => {
    const options: PutOptions = { contentType: 'text/html' }
    const known = trustedWrite(options)
    const desired = desiredObject({ key: 'k', sourcePath: file, size: data.length, options })
    const [facts] = await gatherFacts([desired], { store: new MemoryStore(), concurrency: 1, multipart: { threshold: 1024, partSize: 1024 }, known: new Map([['k', known]]) })
    expect(facts!.remote).toBe(known)
  })
})
