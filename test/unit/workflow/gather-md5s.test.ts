/**
 * gatherFacts computes the MD5s of a file uploaded in parts only when the bucket's object
 * calls for them: they are the slowest digests of a large file and its upload needs none.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { MemoryStore } from '../apply/memory-store.js'
import { bytes, desiredObject, md5Hex, multipartEtagOf, remoteObject, uploadedObject } from '../plan/builders.js'

const large = bytes(64, 3)
const small = bytes(12, 4)
const policy = { threshold: 16, partSize: 16, minPartSize: 1 }
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-gather-md5-'))
  await writeFile(join(dir, 'large.bin'), large)
  await writeFile(join(dir, 'small.bin'), small)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Facts and plan for one file against `remote` (null: LIST shows no such key). */
async function gather(name: 'large.bin' | 'small.bin', remote: RemoteObject | null) {
  const data = name === 'large.bin' ? large : small
  const desired = desiredObject({ key: 'k', sourcePath: join(dir, name), size: data.length, options: {} })
  const [facts] = await gatherFacts([desired], { store: new MemoryStore(), concurrency: 1, multipart: policy, known: new Map([['k', remote]]) })
  const plan = computePlan({ bucket: 'b', manifestDigest: 'd', objects: [facts!] })
  return { local: facts!.local, item: plan.items[0]! }
}

describe('gatherFacts: MD5s of a file uploaded in parts', () => {
  it('computes none for a create: the upload sends its parts’ own MD5s and the CRC', async () => {
    const { local, item } = await gather('large.bin', null)
    expect(local.md5).toBeUndefined()
    expect(local.multipart).toEqual({ partSize: 16, partCount: 4, compositeChecksums: {} })
    expect(local.checksums.CRC64NVME).toEqual(expect.any(String))
    expect(item.action).toBe('create')
  })

  it('computes none against putplan’s own upload: its full-object checksum decides', async () => {
    const { local, item } = await gather('large.bin', uploadedObject(large, {}, { partSize: 16 }))
    expect(local.md5).toBeUndefined()
    expect(local.multipart?.etag).toBeUndefined()
    expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
  })

  it('computes the whole-file MD5 against a single-part copy without a checksum', async () => {
    const { local, item } = await gather('large.bin', remoteObject({ etag: md5Hex(large), size: large.length }))
    expect(local.md5).toBe(md5Hex(large))
    expect(local.multipart?.etag).toBeUndefined()
    expect(item.action).toBe('unchanged')
  })

  it('and finds a changed file through it', async () => {
    const { local, item } = await gather('large.bin', remoteObject({ etag: md5Hex(bytes(64, 9)), size: large.length }))
    expect(local.md5).toBe(md5Hex(large))
    expect(item).toMatchObject({ action: 'update', reasons: [{ code: 'content-changed' }] })
  })

  it('computes the multipart ETag against a multipart copy without a checksum', async () => {
    const remote = remoteObject({ etag: multipartEtagOf(large, 16), size: large.length, partCount: 4, firstPartSize: 16 })
    const { local, item } = await gather('large.bin', remote)
    expect(local.md5).toBeUndefined()
    expect(local.multipart?.etag).toBe(multipartEtagOf(large, 16))
    expect(item.action).toBe('unchanged')
  })

  it('computes the MD5 of a file uploaded in one piece for a create (its Content-MD5), and against a checksum only if the plan uploads it', async () => {
    expect((await gather('small.bin', null)).local.md5).toBe(md5Hex(small))
    expect((await gather('small.bin', uploadedObject(small, {}))).local.md5).toBeUndefined()
  })
})
