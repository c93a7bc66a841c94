import { describe, expect, it } from 'vitest'
import { executePlan } from '../../../src/apply/index.js'
import { patternBytes } from '../local/temp-dir.js'
import { MemoryStore } from './memory-store.js'
import { planOf, SMALL_PARTS, useManifestDir } from './plan-builder.js'

const files = useManifestDir()

describe('concurrency and order', () => {
  it('never has more body-carrying requests in flight than the concurrency', async () => {
    const store = new MemoryStore()
    store.latencyMs = 5
    const items = await Promise.all(Array.from({ length: 10 }, (_, i) => files.item(`f${i}.txt`, { action: 'create', data: `file ${i}` })))
    const big = await files.item('big.bin', { action: 'create', data: patternBytes(8 * 1024) })
    const report = await executePlan(planOf([...items, big]), { store, baseDir: files.dir(), concurrency: 3, multipart: SMALL_PARTS })

    expect(report.summary.created).toBe(11)
    expect(store.maxInFlight).toBe(3)
  })

  it('keeps at most partsPerObject parts of one object in flight', async () => {
    const store = new MemoryStore()
    store.latencyMs = 5
    const big = await files.item('big.bin', { action: 'create', data: patternBytes(10 * 1024) })
    await executePlan(planOf([big]), { store, baseDir: files.dir(), concurrency: 8, multipart: SMALL_PARTS })
    expect(store.maxPartsInFlight).toBe(4)
    expect(store.callsOf('uploadPart')).toHaveLength(10)
  })

  it('reports every item sorted by key, whatever order the writes finish in', async () => {
    const store = new MemoryStore()
    store.latencyMs = 2
    const c = await files.item('c.bin', { action: 'create', data: patternBytes(4096) })
    const a = await files.item('a.txt', { action: 'unchanged', data: 'a', remoteEtag: 'x' })
    const b = await files.item('b.txt', { action: 'create', data: 'b' })
    const d = await files.item('d.txt', { action: 'conflict', data: 'd' })
    const report = await executePlan(planOf([c, a, b, d]), { store, baseDir: files.dir(), concurrency: 2, multipart: SMALL_PARTS })
    expect(report.items.map((i) => i.key)).toEqual(['a.txt', 'b.txt', 'c.bin', 'd.txt'])
    expect(report.summary).toEqual({ created: 2, updated: 0, repaired: 0, deleted: 0, unchanged: 1, conflict: 1, failed: 0, skipped: 0 })
  })
})
