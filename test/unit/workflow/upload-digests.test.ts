/**
 * A file compared with a copy in the bucket is hashed for the comparison alone, unless the
 * copy's headers already call for an upload; the plan adds what apply sends (the checksum,
 * and the Content-MD5 of a file uploaded whole) to the other files it writes, reading them
 * again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PutplanError } from '../../../src/errors/index.js'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { DesiredObject, FilePlanItem, Plan, RemoteObject } from '../../../src/plan/index.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { withUploadDigests } from '../../../src/workflow/upload-digests.js'

const files = (plan: Plan) => plan.items as FilePlanItem[]
import { MemoryStore } from '../apply/memory-store.js'
import { bytes, checksumOf, desiredObject, md5Hex, remoteObject, uploadedObject } from '../plan/builders.js'

const policy = { threshold: 16, partSize: 16, minPartSize: 1 }
const same = bytes(12, 4)
const edited = bytes(12, 5)
const large = bytes(40, 6)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-upload-digests-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function planOf(files: Array<{ key: string; data: Buffer; remote: RemoteObject | null; options?: DesiredObject['options'] }>): Promise<{ plan: Plan; objects: DesiredObject[] }> {
  const objects: DesiredObject[] = []
  for (const file of files) {
    await writeFile(join(dir, file.key), file.data)
    objects.push(desiredObject({ key: file.key, sourcePath: join(dir, file.key), source: file.key, size: file.data.length, options: file.options ?? {} }))
  }
  const known = new Map(files.map((f) => [f.key, f.remote]))
  const facts = await gatherFacts(objects, { store: new MemoryStore(), concurrency: 2, multipart: policy, known })
  return { plan: computePlan({ bucket: 'b', manifestDigest: 'd', objects: facts }), objects }
}

describe('withUploadDigests', () => {
  it('adds the MD5 of a content update, and leaves repairs, unchanged objects and creates as they were', async () => {
    const { plan, objects } = await planOf([
      { key: 'changed', data: edited, remote: uploadedObject(same) },
      { key: 'header', data: same, remote: uploadedObject(same), options: { cacheControl: 'no-cache' } },
      { key: 'kept', data: same, remote: uploadedObject(same) },
      { key: 'new', data: same, remote: null },
    ])
    expect(files(plan).map((i) => [i.key, i.action, i.local.md5])).toEqual([
      ['changed', 'update', undefined],
      // Its headers alone make it a repair in place: no bytes are sent, so no MD5.
      ['header', 'repair', undefined],
      ['kept', 'unchanged', undefined],
      ['new', 'create', md5Hex(same)],
    ])
    const completed = await withUploadDigests(plan, objects, policy, 2)
    expect(completed.items.filter((item, i) => item !== plan.items[i]).map((i) => i.key)).toEqual(['changed'])
    expect(files(completed).map((i) => [i.key, i.local.md5])).toEqual([
      ['changed', md5Hex(edited)],
      ['header', undefined],
      ['kept', undefined],
      ['new', md5Hex(same)],
    ])
    // Nothing else moves: the checksums are the first read's.
    expect(files(completed).map((i) => i.local.checksums)).toEqual(files(plan).map((i) => i.local.checksums))
    expect(completed.summary).toEqual(plan.summary)
  })

  it('adds none to a file uploaded in parts, whose parts carry their own', async () => {
    const { plan, objects } = await planOf([{ key: 'large', data: large, remote: uploadedObject(bytes(40, 7)) }])
    expect(plan.items[0]!.action).toBe('update')
    expect(await withUploadDigests(plan, objects, policy, 1)).toBe(plan)
  })

  it('fails, naming the file, when the file changed between the two reads', async () => {
    const { plan, objects } = await planOf([{ key: 'moving', data: edited, remote: uploadedObject(same) }])
    await writeFile(join(dir, 'moving'), bytes(12, 8))
    const completing = withUploadDigests(plan, objects, policy, 1)
    await expect(completing).rejects.toThrow(PutplanError)
    await expect(completing).rejects.toThrow(/moving changed while it was read; run the plan again/)
  })
})

describe('withUploadDigests against copies that carry no checksum', () => {
  // Another tool's single PutObject: the ETag is the MD5, and there is no checksum.
  const copyOf = (data: Buffer) => remoteObject({ etag: md5Hex(data), size: data.length })

  it('judges by the MD5 alone, and adds the checksum only to what the plan updates', async () => {
    const { plan, objects } = await planOf([
      { key: 'changed', data: edited, remote: copyOf(same) },
      { key: 'kept', data: same, remote: copyOf(same) },
    ])
    expect(files(plan).map((i) => [i.key, i.action, i.local])).toEqual([
      ['changed', 'update', { size: 12, md5: md5Hex(edited), checksums: {} }],
      ['kept', 'unchanged', { size: 12, md5: md5Hex(same), checksums: {} }],
    ])
    const completed = await withUploadDigests(plan, objects, policy, 2)
    expect(files(completed).map((i) => [i.key, i.local])).toEqual([
      ['changed', { size: 12, md5: md5Hex(edited), checksums: { CRC64NVME: checksumOf('CRC64NVME', edited) } }],
      ['kept', { size: 12, md5: md5Hex(same), checksums: {} }],
    ])
  })

  it('reads once a file whose copy lacks the declared algorithm: a repair, whose copy gets that checksum', async () => {
    const { plan, objects } = await planOf([{ key: 'sha', data: same, remote: copyOf(same), options: { checksumAlgorithm: 'SHA256' } }])
    expect(plan.items[0]).toMatchObject({ action: 'repair', repairs: ['copy'], local: { md5: md5Hex(same), checksums: { SHA256: checksumOf('SHA256', same) } } })
    expect(await withUploadDigests(plan, objects, policy, 1)).toBe(plan)
  })

  it('gives a file uploaded in parts its checksum and no whole-file MD5, which its upload does not send', async () => {
    const { plan, objects } = await planOf([
      { key: 'large-changed', data: large, remote: copyOf(bytes(40, 7)) },
      { key: 'large-kept', data: large, remote: copyOf(large) },
    ])
    expect(files(plan).map((i) => [i.key, i.action, i.local.md5, i.local.checksums])).toEqual([
      ['large-changed', 'update', md5Hex(large), {}],
      ['large-kept', 'unchanged', md5Hex(large), {}],
    ])
    const completed = await withUploadDigests(plan, objects, policy, 2)
    expect(files(completed)[0]!.local).toEqual({
      size: 40,
      checksums: { CRC64NVME: checksumOf('CRC64NVME', large) },
      multipart: { partSize: 16, partCount: 3, compositeChecksums: {} },
    })
    expect(completed.items[1]).toBe(plan.items[1])
  })

  it('fails, naming the file, when the MD5 of the second read differs from the first', async () => {
    const { plan, objects } = await planOf([{ key: 'shifting', data: edited, remote: copyOf(same) }])
    await writeFile(join(dir, 'shifting'), bytes(12, 9))
    await expect(withUploadDigests(plan, objects, policy, 1)).rejects.toThrow(/shifting changed while it was read; run the plan again/)
  })
})
