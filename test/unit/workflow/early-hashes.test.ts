/**
 * Files hashed while the bucket is read are used only where they were hashed with what the
 * bucket's object calls for; anything else is hashed again, and a large file never early.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { DesiredObject, RemoteObject } from '../../../src/plan/index.js'
import type { StateRecord } from '../../../src/state/index.js'
import { EarlyHashes } from '../../../src/workflow/early-hashes.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { hashOptions } from '../../../src/workflow/hash-options.js'
import { MemoryStore } from '../apply/memory-store.js'
import { bytes, checksumOf, desiredObject, md5Hex, remoteObject, uploadedObject } from '../plan/builders.js'

const policy = { threshold: 16, partSize: 16, minPartSize: 1 }
const small = bytes(12, 4)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-early-'))
  await writeFile(join(dir, 'small.bin'), small)
  await writeFile(join(dir, 'large.bin'), bytes(64, 3))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function desired(name: string, size: number, options: DesiredObject['options'] = {}): DesiredObject {
  return desiredObject({ key: name, sourcePath: join(dir, name), size, options })
}

/** Gives the early hasher turns enough to finish these few files. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('EarlyHashes', () => {
  it('hands over a small file’s digest when the bucket calls for what a create needs', async () => {
    const object = desired('small.bin', small.length)
    const early = new EarlyHashes([object], policy)
    await settle()
    const digest = await early.take(object, hashOptions(object.options, undefined, policy))
    expect(digest).toMatchObject({ size: small.length, md5: md5Hex(small), checksums: { CRC64NVME: expect.any(String) } })
    await early.stop()
  })

  it('hands over a create’s digest for a copy its checksum judges: all the comparison needs, and an MD5 besides', async () => {
    const object = desired('small.bin', small.length)
    const early = new EarlyHashes([object], policy)
    await settle()
    const digest = await early.take(object, hashOptions(object.options, uploadedObject(small), policy))
    expect(digest).toMatchObject({ size: small.length, md5: md5Hex(small), checksums: { CRC64NVME: expect.any(String) } })
    await early.stop()
  })

  it('hashes a key the state record holds as the comparison with its record asks: no MD5', async () => {
    const object = desired('small.bin', small.length)
    const record = { ...uploadedObject(small), lastModified: '2025-01-01T00:00:00.000Z' } as StateRecord
    const early = new EarlyHashes([object], policy, Promise.resolve({ [object.key]: record }))
    await settle()
    const digest = await early.take(object, hashOptions(object.options, record, policy))
    expect(digest).toMatchObject({ size: small.length, checksums: { CRC64NVME: expect.any(String) } })
    expect(digest?.md5).toBeUndefined()
    await early.stop()
  })

  it('hashes a key whose recorded headers a repair fixes with the checksum its copy keeps, and no MD5: no bytes are sent', async () => {
    const object = desired('small.bin', small.length, { cacheControl: 'no-cache', checksumAlgorithm: 'SHA256' })
    const record = { ...uploadedObject(small), lastModified: '2025-01-01T00:00:00.000Z' } as StateRecord
    const early = new EarlyHashes([object], policy, Promise.resolve({ [object.key]: record }))
    await settle()
    const digest = await early.take(object, hashOptions(object.options, record, policy))
    expect(digest).toMatchObject({ size: small.length, checksums: { CRC64NVME: expect.any(String), SHA256: expect.any(String) } })
    expect(digest?.md5).toBeUndefined()
    await early.stop()
  })

  it('hashes a key whose recorded options only an upload fixes with its MD5: its upload needs one whatever the bytes', async () => {
    const object = desired('small.bin', small.length, { sseCustomerKey: sseKey(1) })
    const record = { ...uploadedObject(small, { sseCustomerKey: sseKey(2) }), lastModified: '2025-01-01T00:00:00.000Z' } as StateRecord
    const early = new EarlyHashes([object], policy, Promise.resolve({ [object.key]: record }))
    await settle()
    const digest = await early.take(object, hashOptions(object.options, record, policy))
    expect(digest).toMatchObject({ size: small.length, md5: md5Hex(small), checksums: { CRC64NVME: expect.any(String) } })
    await early.stop()
  })

  it('asks each record what the manifest’s options call for, though records of one kind share the rest', async () => {
    const options = { sseCustomerKey: sseKey(1) }
    const objects = ['a', 'b'].map((key) => desiredObject({ key, sourcePath: join(dir, 'small.bin'), size: small.length, options }))
    const before = { ...uploadedObject(small, { sseCustomerKey: sseKey(2) }), lastModified: '2025-01-01T00:00:00.000Z' } as StateRecord
    const current = { ...before, headers: { ...before.headers, sseCustomerKeyMD5: uploadedObject(small, options).headers.sseCustomerKeyMD5 } }
    const early = new EarlyHashes(objects, policy, Promise.resolve({ a: current, b: before }))
    await settle()
    const kept = await early.take(objects[0]!, hashOptions(options, current, policy))
    const rewritten = await early.take(objects[1]!, hashOptions(options, before, policy))
    expect(kept).toMatchObject({ size: small.length })
    expect(kept?.md5).toBeUndefined()
    expect(rewritten?.md5).toBe(md5Hex(small))
    await early.stop()
  })

  it('hashes a key the record does not hold as a create, and one whose record could not be read too', async () => {
    const object = desired('small.bin', small.length)
    for (const recorded of [() => Promise.resolve({}), () => Promise.reject(new Error('AccessDenied'))]) {
      const early = new EarlyHashes([object], policy, recorded())
      await settle()
      const digest = await early.take(object, hashOptions(object.options, undefined, policy))
      expect(digest?.md5).toBe(md5Hex(small))
      await early.stop()
    }
  })

  it('says no when the bucket’s copy carries another checksum, which must be computed too', async () => {
    const object = desired('small.bin', small.length)
    const early = new EarlyHashes([object], policy)
    await settle()
    const withSha256 = remoteObject({ etag: md5Hex(small), size: small.length, checksums: { SHA256: checksumOf('SHA256', small) } })
    expect(early.take(object, hashOptions(object.options, withSha256, policy))).toBeUndefined()
    await early.stop()
  })

  it('says no when the bucket revealed another uploader’s part size', async () => {
    const object = desired('small.bin', small.length)
    const early = new EarlyHashes([object], policy)
    await settle()
    const inParts = remoteObject({ etag: `${md5Hex(small)}-1`, size: small.length, firstPartSize: 12 })
    expect(early.take(object, hashOptions(object.options, inParts, policy))).toBeUndefined()
    await early.stop()
  })

  it('never hashes a file apply would upload in parts', async () => {
    const object = desired('large.bin', 64)
    const early = new EarlyHashes([object], policy)
    await settle()
    expect(early.take(object, hashOptions(object.options, undefined, policy))).toBeUndefined()
    await early.stop()
  })

  it('a file taken before its turn is not hashed early any more', async () => {
    const objects = [desired('small.bin', small.length), desiredObject({ key: 'second', sourcePath: join(dir, 'small.bin'), size: small.length, options: {} })]
    const early = new EarlyHashes(objects, policy)
    expect(early.take(objects[1]!, hashOptions(objects[1]!.options, undefined, policy))).toBeUndefined()
    await settle()
    expect(early.take(objects[1]!, hashOptions(objects[1]!.options, undefined, policy))).toBeUndefined()
    await early.stop()
  })
})

describe('gatherFacts with early hashes', () => {
  it('a file that cannot be read early is read again, and its error reported with the key', async () => {
    const object = desiredObject({ key: 'gone', sourcePath: join(dir, 'gone.bin'), size: 12, options: {} })
    const early = new EarlyHashes([object], policy)
    await settle()
    const gathered = gatherFacts([object], { store: new MemoryStore(), concurrency: 1, multipart: policy, known: new Map([['gone', null]]), early })
    await expect(gathered).rejects.toThrow(/for key "gone"\) cannot be read: ENOENT/)
    await early.stop()
  })

  it('plans the same with and without early hashes, whatever the bucket holds', async () => {
    const object = desired('small.bin', small.length)
    const remotes: Array<RemoteObject | null> = [null, uploadedObject(small), remoteObject({ etag: md5Hex(small), size: small.length, checksums: { SHA256: 'x' } }), uploadedObject(bytes(12, 9))]
    for (const remote of remotes) {
      const early = new EarlyHashes([object], policy)
      await settle()
      const options = { store: new MemoryStore(), concurrency: 1, multipart: policy, known: new Map([[object.key, remote]]) }
      const [withEarly] = await gatherFacts([object], { ...options, early })
      const [without] = await gatherFacts([object], options)
      await early.stop()
      // An early digest may hold more (the MD5 a create needs), never less or other.
      expect(withEarly!.local).toMatchObject(without!.local)
      const plan = (facts: typeof withEarly) => computePlan({ bucket: 'b', manifestDigest: 'd', objects: [facts!] }).items[0]!.action
      expect(plan(withEarly)).toBe(plan(without))
    }
  })
})

/** A valid SSE-C key (32 bytes, base64), one per seed. */
function sseKey(seed: number): string {
  return Buffer.alloc(32, seed).toString('base64')
}
