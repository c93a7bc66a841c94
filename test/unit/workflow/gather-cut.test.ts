/**
 * gatherFacts against multipart objects another uploader cut: it learns the cut with
 * HeadObject `partNumber=N` only as far as the evidence needs (part 1 for a cut of equal
 * parts, every part when part 1 cannot be one of those, or when digests in the assumed cut
 * disagree), hashes the file in the object's cut, and never calls same bytes changed.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { ChecksumAlgorithm } from '../../../src/plan/local-digest.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { recordOfRemote } from '../../../src/state/state-record.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { MemoryStore } from '../apply/memory-store.js'
import { bytes, compositeChecksumOf, desiredObject, multipartEtagOf, opaqueEtag } from '../plan/builders.js'

const data = bytes(40, 3)
const policy = { threshold: 16, partSize: 16, minPartSize: 1 }
let dir: string
let file: string
let changedFile: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-gather-cut-'))
  file = join(dir, 'data.bin')
  changedFile = join(dir, 'changed.bin')
  await writeFile(file, data)
  await writeFile(changedFile, bytes(40, 4))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

interface Upload {
  sizes: number[]
  /** A composite checksum of this algorithm, and an SSE-KMS ETag that says nothing. */
  composite?: ChecksumAlgorithm
}

/** The bucket holds `data` as another tool uploaded it in parts of `sizes`. */
function storeWith({ sizes, composite }: Upload): MemoryStore {
  const store = new MemoryStore()
  store.objects.set('k', {
    bytes: data,
    tags: {},
    etag: composite ? `${opaqueEtag()}-${sizes.length}` : multipartEtagOf(data, sizes),
    headers: composite ? { 'x-amz-server-side-encryption': 'aws:kms' } : {},
    checksums: composite ? { [composite]: compositeChecksumOf(composite, data, sizes) } : {},
    ...(composite && { checksumType: 'COMPOSITE' as const }),
    partCount: sizes.length,
    partSizes: sizes,
    versionId: 'v1',
  })
  return store
}

async function gather(store: MemoryStore, options: { known?: RemoteObject; path?: string } = {}) {
  const serverSideEncryption = store.objects.get('k')!.headers['x-amz-server-side-encryption']
  const desired = desiredObject({ key: 'k', sourcePath: options.path ?? file, size: data.length, options: serverSideEncryption ? { serverSideEncryption } : {} })
  const known = options.known ? new Map([['k', options.known]]) : undefined
  const [facts] = await gatherFacts([desired], { store, concurrency: 1, multipart: policy, ...(known && { known }) })
  const item = computePlan({ bucket: 'b', manifestDigest: 'd', objects: [facts!] }).items[0]!
  return { facts: facts!, item, partsAsked: store.callsOf('headPart').map((c) => c.partNumber) }
}

describe('gatherFacts: the cut of another uploader’s multipart object', () => {
  it('equal parts: part 1 alone tells the cut, and the file is unchanged', async () => {
    const { item, partsAsked, facts } = await gather(storeWith({ sizes: [16, 16, 8] }))
    expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
    expect(partsAsked).toEqual([1])
    expect(facts.local.multipart).toMatchObject({ partSize: 16, partCount: 3, etag: multipartEtagOf(data, 16) })
  })

  it('uneven parts that part 1 cannot tell from equal ones: the other parts are asked when the digests disagree, then the file is hashed in their cut', async () => {
    // Part 1 of 18 suggests 18 + 18 + 4; the parts are 18 + 16 + 6.
    const { item, partsAsked, facts } = await gather(storeWith({ sizes: [18, 16, 6] }))
    expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
    expect(partsAsked).toEqual([1, 2])
    expect(facts.remote?.partSizes).toEqual([18, 16, 6])
    expect(facts.local.multipart).toMatchObject({ partSize: 18, partCount: 3, partSizes: [18, 16, 6], etag: multipartEtagOf(data, [18, 16, 6]) })
  })

  it('uneven parts that cannot be equal ones: every part is asked before the one read', async () => {
    // Part 1 of 10 in four parts cannot be a cut of equal parts of 40 bytes (that is 10 + 10 + 10 + 10, or three parts of 14).
    const { item, partsAsked } = await gather(storeWith({ sizes: [12, 10, 10, 8] }))
    expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
    expect(partsAsked).toEqual([1, 2, 3])
  })

  it('other bytes in an uneven cut: content changed, never undecided', async () => {
    const { item } = await gather(storeWith({ sizes: [18, 16, 6] }), { path: changedFile })
    expect(item).toMatchObject({ action: 'update', reasons: [{ code: 'content-changed', evidence: 'multipart ETag' }] })
  })

  it.each(['CRC32', 'CRC32C', 'SHA256'] as const)('SSE-KMS with a composite %s in an uneven cut: decided by the composite', async (composite) => {
    const same = await gather(storeWith({ sizes: [18, 16, 6], composite }))
    expect(same.item).toMatchObject({ action: 'unchanged', reasons: [] })
    expect(same.facts.local.multipart?.compositeChecksums[composite]).toBe(compositeChecksumOf(composite, data, [18, 16, 6]))
    const changed = await gather(storeWith({ sizes: [18, 16, 6], composite }), { path: changedFile })
    expect(changed.item).toMatchObject({ action: 'update', reasons: [{ code: 'content-changed', evidence: `composite checksum ${composite}` }] })
  })

  it('a state record that holds the learnt sizes: no HeadObject at all', async () => {
    const store = storeWith({ sizes: [18, 16, 6] })
    const first = await gather(store)
    const record = recordOfRemote({ ...first.facts.remote!, lastModified: '2025-03-04T05:06:07.000Z' }, '2025-03-04T05:06:07.000Z')
    const again = new MemoryStore()
    again.objects.set('k', store.objects.get('k')!)
    const { item, partsAsked } = await gather(again, { known: { ...record } })
    expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
    expect(partsAsked).toEqual([])
    expect(again.callsOf('headObject')).toEqual([])
  })

  it('an empty object uploaded as one empty part is the empty file, with nothing asked', async () => {
    const store = new MemoryStore()
    const md5s = createHash('md5').update(Buffer.alloc(0)).digest()
    store.objects.set('k', { bytes: Buffer.alloc(0), etag: `${createHash('md5').update(md5s).digest('hex')}-1`, headers: {}, checksums: {}, partCount: 1, partSizes: [0], versionId: 'v1', tags: {} })
    const empty = join(dir, 'empty')
    await writeFile(empty, '')
    const desired = desiredObject({ key: 'k', sourcePath: empty, size: 0, options: {} })
    const [facts] = await gatherFacts([desired], { store, concurrency: 1, multipart: policy })
    expect(computePlan({ bucket: 'b', manifestDigest: 'd', objects: [facts!] }).items[0]).toMatchObject({ action: 'unchanged', reasons: [] })
    expect(store.callsOf('headPart')).toEqual([])
  })
})

describe('gatherFacts: a store that does not serve parts', () => {
  it('answers part 1 with the whole object and no part count: the cut stays unknown, nothing more is asked, and the object is undecided', async () => {
    const store = storeWith({ sizes: [18, 16, 6] })
    store.headPart = async (key) => {
      store.calls.push({ op: 'headPart', key, headers: {}, attempt: 1 })
      return { size: data.length }
    }
    const { item } = await gather(store)
    expect(item).toMatchObject({ action: 'undecided', reasons: [{ code: 'content-unverified' }] })
    expect(store.callsOf('headPart')).toHaveLength(1)
  })
})
