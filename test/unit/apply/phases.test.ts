/** Apply's phases against the in-memory bucket: assets, then pages, then deletes, each only after the one before succeeded. */
import { describe, expect, it } from 'vitest'
import { executePlan } from '../../../src/apply/index.js'
import type { Plan } from '../../../src/plan/plan.js'
import { MemoryStore } from './memory-store.js'
import { planOf, SMALL_PARTS, useManifestDir } from './plan-builder.js'

const files = useManifestDir()

function run(plan: Plan, store: MemoryStore) {
  return executePlan(plan, { store, baseDir: files.dir(), concurrency: 4, multipart: SMALL_PARTS })
}

describe('phases', () => {
  it('writes every asset before any page, and a phase: last key with the pages', async () => {
    const store = new MemoryStore()
    const items = [
      await files.item('a-index.html', { action: 'create', data: 'page' }),
      await files.item('b.css', { action: 'create', data: 'css' }),
      { ...(await files.item('c-sitemap.xml', { action: 'create', data: 'xml' })), phase: 'last' as const },
      await files.item('d.js', { action: 'create', data: 'js' }),
      await files.item('e.htm', { action: 'create', data: 'old page' }),
    ]
    const report = await run(planOf(items), store)
    expect(report.summary.created).toBe(5)
    const order = store.callsOf('putObject').map((c) => c.key)
    expect(order.slice(0, 2).sort()).toEqual(['b.css', 'd.js'])
    expect(order.slice(2).sort()).toEqual(['a-index.html', 'c-sitemap.xml', 'e.htm'])
  })

  it('holds the pages back when an asset failed, saying why', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', key: 'b.css', status: 403, code: 'AccessDenied' })
    const report = await run(planOf([await files.item('a.html', { action: 'create', data: 'page' }), await files.item('b.css', { action: 'create', data: 'css' })]), store)
    expect(store.callsOf('putObject').map((c) => c.key)).toEqual(['b.css'])
    expect(report.items.map((i) => [i.key, i.outcome])).toEqual([
      ['a.html', 'skipped'],
      ['b.css', 'failed'],
    ])
    expect(report.items[0]!.reason).toMatch(/^not written: 1 object of the first phase did not end as planned/)
  })
})
