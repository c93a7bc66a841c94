/** Apply's delete phase against the in-memory bucket: after every write, conditional, held back when anything went wrong. */
import { describe, expect, it } from 'vitest'
import { executePlan, type ApplyEvent, type ExecuteOptions } from '../../../src/apply/index.js'
import type { DeleteItem, Plan, PlanItem } from '../../../src/plan/plan.js'
import { MemoryStore } from './memory-store.js'
import { planOf, SMALL_PARTS, useManifestDir } from './plan-builder.js'

const files = useManifestDir()

function run(plan: Plan, store: MemoryStore, extra: Partial<ExecuteOptions> = {}) {
  return executePlan(plan, { store, baseDir: files.dir(), concurrency: 4, multipart: SMALL_PARTS, ...extra })
}

/** A delete of what `store` holds under `key` now, as a plan made now says it. */
function deleteOf(store: MemoryStore, key: string): DeleteItem {
  const object = store.objects.get(key)!
  return { action: 'delete', key, reasons: [{ code: 'not-declared', option: 'object' }], size: object.bytes.length, remoteEtag: object.etag }
}

/** A page the manifest still declares, unchanged: a plan whose manifest declares nothing is refused. */
const KEPT: PlanItem = { action: 'unchanged', key: 'index.html', source: 'index.html', size: 1, reasons: [], local: { size: 1, checksums: {} }, options: {}, remoteEtag: 'e' }

function pruned(items: PlanItem[], maxDeletes = 1000): Plan {
  return { ...planOf([KEPT, ...items]), prune: { maxDeletes, protected: { count: 0, keys: [] }, unowned: { folders: [''], count: 0, keys: [], complete: true } } }
}

const outcomesOf = (report: Awaited<ReturnType<typeof run>>) => report.items.filter((i) => i.key !== KEPT.key)

const outcomes = (report: Awaited<ReturnType<typeof run>>) => outcomesOf(report).map((i) => [i.key, i.action, i.outcome, i.reason])

describe('deletes', () => {
  it('run after every write, each with If-Match on the planned ETag, and are reported as deleted', async () => {
    const store = new MemoryStore()
    const one = store.putDirect('old-1.html', 'one')
    const two = store.putDirect('old-2.html', 'two')
    const created = await files.item('new.html', { action: 'create', data: 'new' })
    const events: ApplyEvent[] = []
    const report = await run(pruned([created, deleteOf(store, 'old-1.html'), deleteOf(store, 'old-2.html')]), store, { onEvent: (e) => events.push(e), deleteOptions: { expectedBucketOwner: '111122223333' } })

    expect(store.calls.map((c) => `${c.op} ${c.key}`)).toEqual(['putObject new.html', 'deleteObject old-1.html', 'deleteObject old-2.html'])
    expect(store.callsOf('deleteObject').map((c) => [c.headers['if-match'], c.headers['x-amz-expected-bucket-owner']])).toEqual([
      [`"${one.etag}"`, '111122223333'],
      [`"${two.etag}"`, '111122223333'],
    ])
    expect([...store.objects.keys()]).toEqual(['new.html'])
    expect(outcomes(report)).toEqual([
      ['new.html', 'create', 'created', undefined],
      ['old-1.html', 'delete', 'deleted', undefined],
      ['old-2.html', 'delete', 'deleted', undefined],
    ])
    expect(report.summary).toMatchObject({ created: 1, deleted: 2, unchanged: 1 })
    expect(report.bytesUploaded).toBe(3)
    const done = events.flatMap((e) => (e.type === 'object-done' ? [e.outcome.key] : []))
    expect(done).toEqual(['new.html', 'old-1.html', 'old-2.html'])
  })

  it('run after repairs too: a repaired object ended as planned', async () => {
    const store = new MemoryStore()
    const page = store.putDirect('page.html', 'page')
    store.putDirect('old.html', 'old')
    const same = await files.item('page.html', { action: 'unchanged', data: 'page', remoteEtag: page.etag })
    const retag = { ...same, action: 'repair' as const, remoteEtag: page.etag, repairs: ['tagging' as const], options: { tagging: { team: 'web' } } }
    const report = await run(pruned([retag, deleteOf(store, 'old.html')]), store)

    expect(store.calls.map((c) => `${c.op} ${c.key}`)).toEqual(['putObjectTagging page.html', 'deleteObject old.html'])
    expect(outcomes(report)).toEqual([
      ['old.html', 'delete', 'deleted', undefined],
      ['page.html', 'repair', 'repaired', undefined],
    ])
  })

  it('on a versioned bucket, report the delete marker and its version id', async () => {
    const store = new MemoryStore()
    store.versioned = true
    store.putDirect('old.html', 'x')
    const report = await run(pruned([deleteOf(store, 'old.html')]), store)
    expect(outcomesOf(report)[0]).toMatchObject({ outcome: 'deleted', deleteMarker: true, versionId: expect.stringMatching(/^v\d+$/) })
  })

  it('keep an object rewritten since the plan: a conflict, never deleted', async () => {
    const store = new MemoryStore()
    store.putDirect('old.html', 'x')
    const planned = deleteOf(store, 'old.html')
    store.putDirect('old.html', 'rewritten by another client')
    const report = await run(pruned([planned]), store)
    expect(outcomes(report)).toEqual([['old.html', 'delete', 'conflict', 'changed in the bucket since the plan: kept']])
    expect(store.objects.get('old.html')?.bytes.toString()).toBe('rewritten by another client')
  })

  it('count an object already gone as deleted, also when a retry meets the delete that landed', async () => {
    const store = new MemoryStore()
    store.putDirect('gone.html', 'x')
    store.putDirect('lost-answer.html', 'y')
    const gone = deleteOf(store, 'gone.html')
    store.objects.delete('gone.html')
    store.fail({ op: 'deleteObject', key: 'lost-answer.html', when: 'after' })
    const report = await run(pruned([gone, deleteOf(store, 'lost-answer.html')]), store)
    expect(outcomes(report)).toEqual([
      ['gone.html', 'delete', 'deleted', 'already gone from the bucket'],
      ['lost-answer.html', 'delete', 'deleted', 'already gone from the bucket'],
    ])
    expect(store.callsOf('deleteObject').map((c) => `${c.key} #${c.attempt}`)).toEqual(['gone.html #1', 'lost-answer.html #1', 'lost-answer.html #2'])
  })

  it('retry a transient failure, and report one that outlives the retries as failed', async () => {
    const store = new MemoryStore()
    store.putDirect('slow.html', 'x')
    store.putDirect('down.html', 'y')
    store.fail({ op: 'deleteObject', key: 'slow.html', status: 503, code: 'SlowDown' })
    store.fail({ op: 'deleteObject', key: 'down.html', status: 500, code: 'InternalError', times: 10 })
    const report = await run(pruned([deleteOf(store, 'slow.html'), deleteOf(store, 'down.html')]), store)
    expect(outcomesOf(report).map((i) => [i.key, i.outcome])).toEqual([
      ['down.html', 'failed'],
      ['slow.html', 'deleted'],
    ])
    expect(store.objects.has('down.html')).toBe(true)
  })

  it.each<[string, (store: MemoryStore) => Promise<PlanItem>]>([
    [
      'a write failed',
      async (store) => {
        store.fail({ op: 'putObject', status: 403, code: 'AccessDenied' })
        return files.item('new.html', { action: 'create', data: 'n' })
      },
    ],
    [
      'a write met a conflict',
      async (store) => {
        store.putDirect('new.html', 'someone else')
        return files.item('new.html', { action: 'create', data: 'n' })
      },
    ],
    ['the plan holds a conflict', () => files.item('pinned.html', { action: 'conflict', data: 'p', reasons: [{ code: 'create-only-exists', option: 'ifNoneMatch' }] })],
  ])('are held back, not one sent, when %s', async (_, other) => {
    const store = new MemoryStore()
    store.putDirect('old.html', 'x')
    const planned = deleteOf(store, 'old.html')
    const report = await run(pruned([await other(store), planned]), store)
    expect(store.callsOf('deleteObject')).toEqual([])
    expect(store.objects.has('old.html')).toBe(true)
    expect(report.items.find((i) => i.key === 'old.html')).toMatchObject({
      outcome: 'skipped',
      reason: 'not deleted: 1 other object did not end as planned, and deletes run only after every upload succeeded',
    })
    expect(report.interrupted).toBe(false)
  })

  it('are not started once apply is interrupted', async () => {
    const store = new MemoryStore()
    store.putDirect('old.html', 'x')
    const report = await run(pruned([deleteOf(store, 'old.html')]), store, { signal: AbortSignal.abort() })
    expect(store.callsOf('deleteObject')).toEqual([])
    expect(outcomesOf(report)[0]).toMatchObject({ outcome: 'skipped', reason: 'not started: apply was interrupted' })
    expect(report.interrupted).toBe(true)
  })

  it('are refused before any request over the cap, and without conditional writes', async () => {
    const store = new MemoryStore()
    store.putDirect('a.html', 'a')
    store.putDirect('b.html', 'b')
    const created = await files.item('new.html', { action: 'create', data: 'n' })
    const plan = pruned([created, deleteOf(store, 'a.html'), deleteOf(store, 'b.html')], 1)
    await expect(run(plan, store)).rejects.toMatchObject({ code: 'prune-refused', message: expect.stringContaining('would delete 2 objects, more than prune.maxDeletes (1)') })
    await expect(run(pruned(plan.items), store, { conditionalWrites: false })).rejects.toThrow(/deletes only with If-Match, which --no-conditional-writes turns off/)
    expect(store.calls).toEqual([])
  })
})
