import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { executePlan, type ExecuteOptions } from '../../../src/apply/index.js'
import { BodyMemory } from '../../../src/apply/body-memory.js'
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
})

async function pathOf(name: string, data: Buffer): Promise<string> {
  const path = join(files.dir(), name)
  writeFileSync(path, data)
  return path
}

describe('BodyMemory', () => {
  it('lends at most its budget, reuses what is given back, and lends one body larger than the budget alone', async () => {
    const MiB = 1024 * 1024
    const memory = new BodyMemory(4 * MiB)
    const a = await memory.take(3 * MiB)
    let second: Buffer | undefined
    const waiting = memory.take(2 * MiB).then((b) => (second = b))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(second).toBeUndefined()
    memory.give(a)
    await waiting
    // The kept 3 MiB buffer holds the 2 MiB body: the same memory again.
    expect(second!.buffer).toBe(a.buffer)
    memory.give(second!)
    const large = await memory.take(9 * MiB)
    expect(large.length).toBeGreaterThanOrEqual(9 * MiB)
  })
})
