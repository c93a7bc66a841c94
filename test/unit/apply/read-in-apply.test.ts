import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { executePlan, type ExecuteOptions } from '../../../src/apply/index.js'
import { BODY_BLOCK, BodyMemory } from '../../../src/apply/body-memory.js'
import { readWhole, viewsOf } from '../../../src/apply/read-whole.js'
import { hashFile } from '../../../src/local/hash-file.js'
import type { FilePlanItem, Plan } from '../../../src/plan/plan.js'
import { MemoryStore, md5Hex } from './memory-store.js'
import { planOf, useManifestDir } from './plan-builder.js'

const files = useManifestDir()

function run(plan: Plan, store: MemoryStore, extra: Partial<ExecuteOptions> = {}) {
  return executePlan(plan, { store, baseDir: files.dir(), concurrency: 4, ...extra })
}

/** A create as a fresh apply plans it for apply's own read: the size alone, or some digests. */
async function unread(name: string, data: Buffer, local: Partial<FilePlanItem['local']> = {}): Promise<FilePlanItem> {
  const item = await files.item(name, { action: 'create', data })
  return Object.assign({}, item, { local: { size: data.length, checksums: {}, ...local } })
}

describe('a create the plan left for apply to read', () => {
  it('is read once and sent with the Content-MD5 and checksum of the bytes read, which the report keeps for the record', async () => {
    const data = Buffer.alloc(200_000, 7)
    const item = await unread('a.bin', data)
    const store = new MemoryStore()
    const report = await run(planOf([item]), store)

    const expected = await hashFile(join(files.dir(), 'a.bin'), { md5: true, checksums: ['CRC64NVME'] })
    const [put] = store.callsOf('putObject')
    expect(put?.headers).toMatchObject({
      'if-none-match': '*',
      'content-md5': Buffer.from(expected.md5!, 'hex').toString('base64'),
      'x-amz-checksum-crc64nvme': expected.checksums.CRC64NVME,
    })
    expect(store.objects.get('a.bin')?.bytes.equals(data)).toBe(true)
    expect(report.items).toEqual([expect.objectContaining({ key: 'a.bin', outcome: 'created', etag: md5Hex(data), bytes: data.length, attempts: 1 })])
    expect(report.readDigests?.get('a.bin')).toEqual(expected)
  })

  it('fails, sending nothing, when the file is not the size the plan saw', async () => {
    const item = await unread('b.bin', Buffer.alloc(100_000, 1))
    writeFileSync(join(files.dir(), 'b.bin'), Buffer.alloc(100_001, 1))
    const store = new MemoryStore()
    const report = await run(planOf([item]), store)

    expect(store.callsOf('putObject')).toEqual([])
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: 'the file changed since the plan: 100001 bytes now, 100000 planned' })
  })

  it('fails, sending nothing, when the bytes read lack a digest the plan did compute', async () => {
    const planned = Buffer.alloc(100_000, 1)
    const digest = await hashFile(await pathOf('c.bin', planned), { md5: false, checksums: ['CRC32'] })
    const item = await unread('c.bin', Buffer.alloc(100_000, 2), { checksums: digest.checksums })
    const store = new MemoryStore()
    const report = await run(planOf([item]), store)

    expect(store.callsOf('putObject')).toEqual([])
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: 'the file changed since the plan: its bytes no longer have the planned CRC32 checksum' })
    expect(report.readDigests).toBeUndefined()
  })
  it('fails, sending nothing, when the file is no longer the one the plan checked (replaced since)', async () => {
    const item = await unread('d.bin', Buffer.alloc(100_000, 3))
    const { dev, ino } = statSync(join(files.dir(), 'd.bin'))
    const store = new MemoryStore()
    const report = await run(planOf([item]), store, { identity: () => ({ dev, ino: ino + 1 }) })

    expect(store.callsOf('putObject')).toEqual([])
    expect(report.items[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('is no longer the file that was checked') })
  })
})

async function pathOf(name: string, data: Buffer): Promise<string> {
  const path = join(files.dir(), name)
  writeFileSync(path, data)
  return path
}

describe('a create the plan left for apply to read, larger than one block', () => {
  it('is read into blocks and sent whole, in order, with the digests of all its bytes', async () => {
    const data = Buffer.from(Array.from({ length: 2 * BODY_BLOCK + 12_345 }, (_, i) => (i * 31 + (i >> 13)) & 0xff))
    const item = await unread('big.bin', data)
    const store = new MemoryStore()
    const report = await run(planOf([item]), store)

    const expected = await hashFile(join(files.dir(), 'big.bin'), { md5: true, checksums: ['CRC64NVME'] })
    expect(store.objects.get('big.bin')?.bytes.equals(data)).toBe(true)
    expect(store.callsOf('putObject')[0]?.headers).toMatchObject({ 'x-amz-checksum-crc64nvme': expected.checksums.CRC64NVME })
    expect(report.readDigests?.get('big.bin')).toEqual(expected)
  })

  it('readWhole refuses a file one byte longer than planned, and reads one of the planned size into a single block', async () => {
    const path = await pathOf('grown.bin', Buffer.alloc(BODY_BLOCK + 1, 5))
    const memory = new BodyMemory(4 * BODY_BLOCK)
    const blocks = await memory.take(BODY_BLOCK + 1)
    expect(() => readWhole(path, BODY_BLOCK, blocks)).toThrow('the file changed since the plan: 1048577 bytes now, 1048576 planned')
    const views = readWhole(await pathOf('exact.bin', Buffer.alloc(BODY_BLOCK, 5)), BODY_BLOCK, blocks)
    expect(views.map((view) => view.length)).toEqual([BODY_BLOCK])
  })
})

describe('viewsOf', () => {
  it('gives a byte range of blocks laid end to end as views, none empty', () => {
    const blocks = [Buffer.from('abcd'), Buffer.from('efgh'), Buffer.from('ij')]
    expect(viewsOf(blocks, 0, 10).map(String)).toEqual(['abcd', 'efgh', 'ij'])
    expect(viewsOf(blocks, 3, 9).map(String)).toEqual(['d', 'efgh', 'i'])
    expect(viewsOf(blocks, 4, 8).map(String)).toEqual(['efgh'])
    expect(viewsOf(blocks, 0, 0)).toEqual([])
    expect(viewsOf(blocks, 9, 10).map(String)).toEqual(['j'])
  })
})

describe('BodyMemory', () => {
  it('lends blocks up to its budget, reuses what is given back, and lends one body larger than the budget alone', async () => {
    const memory = new BodyMemory(4 * BODY_BLOCK)
    const a = await memory.take(3 * BODY_BLOCK)
    expect(a.length).toBe(3)
    expect(a.every((block) => block.length === BODY_BLOCK)).toBe(true)
    let second: Buffer[] | undefined
    const waiting = memory.take(2 * BODY_BLOCK - 1).then((b) => (second = b))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(second).toBeUndefined()
    memory.give(a)
    await waiting
    // Two of the three blocks given back hold the 2 MiB body: the same memory again.
    expect(second!.length).toBe(2)
    expect(second!.every((block) => a.includes(block))).toBe(true)
    memory.give(second!)
    const large = await memory.take(9 * BODY_BLOCK)
    expect(large.length).toBe(9)
    memory.give(large)
    // Only the budget's four blocks are kept: a body of four gets them all, without waiting.
    const four = await memory.take(4 * BODY_BLOCK)
    expect(four.filter((block) => large.includes(block) || a.includes(block)).length).toBe(4)
  })
})
