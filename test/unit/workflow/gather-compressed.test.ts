/**
 * gatherFacts of an object with `compress` and a state record: the record's fingerprint of
 * the file, on a record that LIST or HeadObject shows standing for the object, lets the
 * plan judge the object without compressing the file; anything else compresses it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compressFile, compressionSettings } from '../../../src/local/index.js'
import { computePlan } from '../../../src/plan/compute-plan.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import type { ObjectStore } from '../../../src/s3/index.js'
import { storedHeaderOptions } from '../../../src/s3/object-headers.js'
import { recordOfWrite, trustRecord, type StateRecord } from '../../../src/state/state-record.js'
import { CompressedBodies } from '../../../src/workflow/compressed-bodies.js'
import { gatherFacts } from '../../../src/workflow/gather-facts.js'
import { desiredObject, localDigestOf, uploadedObject } from '../plan/builders.js'

const options: PutOptions = { contentType: 'text/html; charset=utf-8', contentEncoding: 'gzip' }
const policy = { threshold: 16 * 1024 * 1024, partSize: 8 * 1024 * 1024 }
const listedAt = '2025-03-04T05:06:07.000Z'
const text = '<p>a page</p>\n'.repeat(500)
let dir: string
let source: string
let record: StateRecord

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-gather-compressed-'))
  source = join(dir, 'index.html')
  await writeFile(source, text)
  const made = await compressFile(source, join(dir, 'index.html.gz'), 'gzip')
  const bytes = await readFile(join(dir, 'index.html.gz'))
  const head = uploadedObject(bytes, options)
  const answer = { etag: head.etag, checksums: head.checksums, serverSideEncryption: head.headers.serverSideEncryption }
  const written = recordOfWrite(options, localDigestOf(bytes, { algorithms: ['CRC64NVME'] }), answer, storedHeaderOptions(options, answer), listedAt)
  record = { ...written, compressedFrom: { ...made.source, coding: 'gzip', settings: compressionSettings('gzip') } }
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A store that answers HeadObject with `remote` alone. */
function headStore(remote: RemoteObject | undefined): ObjectStore & { heads: number } {
  const store = { heads: 0, headObject: async () => (store.heads++, remote) }
  return store as unknown as ObjectStore & { heads: number }
}

async function gather(records: Record<string, StateRecord>, known: RemoteObject | undefined, head?: RemoteObject) {
  const bodies = new CompressedBodies()
  const store = headStore(head)
  const desired = desiredObject({ key: 'index.html', source: 'index.html', sourcePath: source, size: text.length, options, compress: 'gzip' })
  try {
    const facts = await gatherFacts([desired], { store, concurrency: 1, multipart: policy, bodies, records, ...(known ? { known: new Map([['index.html', known]]) } : {}) })
    const item = computePlan({ bucket: 'b', manifestDigest: 'd', objects: facts }).items[0]!
    return { item, copies: [...bodies.bodyPaths.keys()], heads: store.heads, sources: bodies.sources }
  } finally {
    await bodies.dispose()
  }
}

const listed = () => ({ etag: record.etag, size: record.size, lastModified: '2025-03-04T05:06:07.891Z', storageClass: 'STANDARD' })

describe('gatherFacts of a compressed object with a state record', () => {
  it('a record LIST confirms, of the same file: unchanged, and not compressed', async () => {
    const { item, copies, heads } = await gather({ 'index.html': record }, trustRecord(record, listed()))
    expect(item).toMatchObject({ action: 'unchanged', size: record.size })
    expect([copies, heads]).toEqual([[], 0])
  })

  it('a record HeadObject confirms (no LIST): unchanged, and not compressed', async () => {
    const { lastModified: _l, ...rest } = record
    const { item, copies, heads } = await gather({ 'index.html': record }, undefined, { ...rest, lastModified: '2025-03-04T05:06:07.000Z' })
    expect(item).toMatchObject({ action: 'unchanged' })
    expect([copies, heads]).toEqual([[], 1])
  })

  it('an object HeadObject shows as another write: compressed, and judged by its copy', async () => {
    const other = { ...uploadedObject(Buffer.from('other bytes'), options), lastModified: '2025-03-05T00:00:00.000Z' }
    const { item, copies } = await gather({ 'index.html': record }, undefined, other)
    expect(item).toMatchObject({ action: 'update' })
    expect(copies).toEqual(['index.html'])
  })

  it('a fingerprint of another file (of the same size): compressed, then judged unchanged by the copy, with the file read now remembered', async () => {
    const stale = { ...record, compressedFrom: { ...record.compressedFrom!, sha256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }
    const { item, copies, sources } = await gather({ 'index.html': stale }, trustRecord(stale, listed()))
    expect(item).toMatchObject({ action: 'unchanged' })
    expect(copies).toEqual(['index.html'])
    expect(sources.get('index.html')).toEqual(record.compressedFrom)
  })

  it('a record without a fingerprint: compressed', async () => {
    const { compressedFrom: _c, ...old } = record
    const { item, copies } = await gather({ 'index.html': old }, trustRecord(old, listed()))
    expect(item).toMatchObject({ action: 'unchanged' })
    expect(copies).toEqual(['index.html'])
  })
})
