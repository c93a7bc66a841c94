/**
 * A file compared with a copy in the bucket is hashed for the comparison alone, unless the
 * copy's headers already call for an upload; the plan adds the MD5 (Content-MD5) of the
 * other files it uploads whole, reading them again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PutplanError } from '../../../src/errors/index.js'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { DesiredObject, Plan, RemoteObject } from '../../../src/plan/index.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { withUploadMd5s } from '../../../src/workflow/upload-md5s.js'
import { MemoryStore } from '../apply/memory-store.js'
import { bytes, desiredObject, md5Hex, uploadedObject } from '../plan/builders.js'

const policy = { threshold: 16, partSize: 16, minPartSize: 1 }
const same = bytes(12, 4)
const edited = bytes(12, 5)
const large = bytes(40, 6)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-upload-md5-'))
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

describe('withUploadMd5s', () => {
  it('adds the MD5 of a content update, and leaves header updates, unchanged objects and creates as they were', async () => {
    const { plan, objects } = await planOf([
      { key: 'changed', data: edited, remote: uploadedObject(same) },
      { key: 'header', data: same, remote: uploadedObject(same), options: { cacheControl: 'no-cache' } },
      { key: 'kept', data: same, remote: uploadedObject(same) },
      { key: 'new', data: same, remote: null },
    ])
    expect(plan.items.map((i) => [i.key, i.action, i.local.md5])).toEqual([
      ['changed', 'update', undefined],
      // Its headers alone make it an upload: the first read computed the MD5.
      ['header', 'update', md5Hex(same)],
      ['kept', 'unchanged', undefined],
      ['new', 'create', md5Hex(same)],
    ])
    const completed = await withUploadMd5s(plan, objects, policy, 2)
    expect(completed.items.filter((item, i) => item !== plan.items[i]).map((i) => i.key)).toEqual(['changed'])
    expect(completed.items.map((i) => [i.key, i.local.md5])).toEqual([
      ['changed', md5Hex(edited)],
      ['header', md5Hex(same)],
      ['kept', undefined],
      ['new', md5Hex(same)],
    ])
    // Nothing else moves: the checksums are the first read's.
    expect(completed.items.map((i) => i.local.checksums)).toEqual(plan.items.map((i) => i.local.checksums))
    expect(completed.summary).toEqual(plan.summary)
  })

  it('adds none to a file uploaded in parts, whose parts carry their own', async () => {
    const { plan, objects } = await planOf([{ key: 'large', data: large, remote: uploadedObject(bytes(40, 7)) }])
    expect(plan.items[0]!.action).toBe('update')
    expect(await withUploadMd5s(plan, objects, policy, 1)).toBe(plan)
  })

  it('fails, naming the file, when the file changed between the two reads', async () => {
    const { plan, objects } = await planOf([{ key: 'moving', data: edited, remote: uploadedObject(same) }])
    await writeFile(join(dir, 'moving'), bytes(12, 8))
    const completing = withUploadMd5s(plan, objects, policy, 1)
    await expect(completing).rejects.toThrow(PutplanError)
    await expect(completing).rejects.toThrow(/moving changed while it was read; run the plan again/)
  })
})
