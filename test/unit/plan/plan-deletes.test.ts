/** Prune's part of the diff: which recorded objects become deletes, which are kept and why, and when a plan is refused. */
import { describe, expect, it } from 'vitest'
import { computePlan, type ObjectFacts } from '../../../src/plan/compute-plan.js'
import { manifestFolders } from '../../../src/plan/key-prefix.js'
import { planDeletes, pruneRefusal, type BucketObject, type PruneFacts } from '../../../src/plan/plan-deletes.js'
import { fromPlanDocument, toPlanDocument } from '../../../src/plan/plan-document.js'
import { describeReason } from '../../../src/plan/reason.js'
import { bytes, desiredObject, factsFor, uploadedObject } from './builders.js'
import { ORIGIN } from '../render/plan-builder.js'

const data = bytes(16, 1)

function object(key: string, etag = `etag-of-${key}`, size = 10): BucketObject {
  return { key, etag, size }
}

function facts(overrides: Partial<PruneFacts> = {}): PruneFacts {
  return { maxDeletes: 1000, protect: [], owned: [], folders: ['site/'], found: [], complete: true, ...overrides }
}

/** A declared object, unchanged in the bucket. */
function declared(key: string): ObjectFacts {
  return factsFor(data, { key, options: {} }, uploadedObject(data, {}))
}

const plan = (objects: ObjectFacts[], prune?: PruneFacts) => computePlan({ bucket: 'example-site', manifestDigest: 'digest', objects, ...(prune ? { prune } : {}) })

describe('planDeletes', () => {
  it('deletes the owned objects the manifest no longer declares, with the ETag they have now and the reason', () => {
    const { items } = planDeletes(facts({ owned: [object('site/old.html', 'e1', 7), object('site/index.html')] }), new Set(['site/index.html']))
    expect(items).toEqual([{ action: 'delete', key: 'site/old.html', size: 7, remoteEtag: 'e1', reasons: [{ code: 'not-declared', option: 'object' }] }])
    expect(items[0]!.reasons.map(describeReason)).toEqual(['no longer in the manifest (putplan wrote it)'])
  })

  it('never deletes an object it does not own, whatever its key: it is listed as unowned', () => {
    const found = [object('site/stray.html'), object('site/old.html'), object('site/index.html'), object('site/a-stray.txt')]
    const { items, report } = planDeletes(facts({ owned: [object('site/old.html')], found }), new Set(['site/index.html']))
    expect(items.map((item) => item.key)).toEqual(['site/old.html'])
    expect(report.unowned).toEqual({ folders: ['site/'], count: 2, keys: ['site/a-stray.txt', 'site/stray.html'], complete: true })
  })

  it('keeps what a protect glob matches (* within a folder, ** across, dot files too) and says which', () => {
    const owned = ['site/downloads/a.zip', 'site/downloads/v1/b.zip', 'site/.well-known/x', 'site/old.html', 'site/top.pdf', 'site/deep/c.pdf'].map((k) => object(k))
    const { items, report } = planDeletes(facts({ owned, protect: ['site/downloads/**', 'site/.well-known/*', 'site/*.pdf'] }), new Set())
    expect(items.map((item) => item.key)).toEqual(['site/deep/c.pdf', 'site/old.html'])
    expect(report.protected).toEqual({ count: 4, keys: ['site/.well-known/x', 'site/downloads/a.zip', 'site/downloads/v1/b.zip', 'site/top.pdf'] })
  })

  it('shows at most ten keys of each kind, in S3 order, with the whole count', () => {
    const found = Array.from({ length: 25 }, (_, i) => object(`site/stray-${String(i).padStart(2, '0')}`)).reverse()
    const { report } = planDeletes(facts({ found, complete: false }), new Set())
    expect(report.unowned.count).toBe(25)
    expect(report.unowned.keys).toEqual(Array.from({ length: 10 }, (_, i) => `site/stray-${String(i).padStart(2, '0')}`))
    expect(report.unowned.complete).toBe(false)
  })

  it('counts an object found twice (under its folder, and as a rewritten record) once', () => {
    const { report } = planDeletes(facts({ found: [object('site/x'), object('site/x')] }), new Set())
    expect(report.unowned.count).toBe(1)
  })
})

describe('computePlan with prune', () => {
  it('puts the deletes among the items in key order, counts them, and carries the report', () => {
    const result = plan([declared('site/b.html')], facts({ owned: [object('site/c.html'), object('site/a.html'), object('site/b.html')], maxDeletes: 5 }))
    expect(result.items.map((item) => [item.key, item.action])).toEqual([
      ['site/a.html', 'delete'],
      ['site/b.html', 'unchanged'],
      ['site/c.html', 'delete'],
    ])
    expect(result.summary).toMatchObject({ delete: 2, unchanged: 1 })
    expect(result.prune).toEqual({ maxDeletes: 5, protected: { count: 0, keys: [] }, unowned: { folders: ['site/'], count: 0, keys: [], complete: true } })
  })

  it('without prune, makes no delete and no report', () => {
    const result = plan([declared('site/b.html')])
    expect(result.summary.delete).toBe(0)
    expect(result).not.toHaveProperty('prune')
  })

  it('survives the saved plan document: the delete with its ETag and no file, the report whole', () => {
    const result = plan([declared('site/b.html')], facts({ owned: [object('site/a.html', 'e-a', 3)], found: [object('site/stray')] }))
    const saved = { ...result, origin: ORIGIN }
    const document = toPlanDocument(saved)
    expect(document.actions[0]).toEqual({ key: 'site/a.html', action: 'delete', reasons: [{ code: 'not-declared', option: 'object' }], size: 3, remoteEtag: 'e-a', phase: 'deletes' })
    expect(document.prune?.unowned.keys).toEqual(['site/stray'])
    expect(fromPlanDocument(document)).toEqual(saved)
  })
})

describe('pruneRefusal', () => {
  const owned = (n: number) => Array.from({ length: n }, (_, i) => object(`site/old-${i}.html`))

  it('refuses more deletes than maxDeletes, naming the cap, the count and the first keys', () => {
    const refusal = pruneRefusal(plan([declared('site/index.html')], facts({ owned: owned(7), maxDeletes: 6 })))
    expect(refusal).toContain('would delete 7 objects, more than prune.maxDeletes (6)')
    expect(refusal).toContain('"site/old-0.html", "site/old-1.html", "site/old-2.html", "site/old-3.html", "site/old-4.html", ...')
    expect(refusal).toContain('Nothing was deleted')
  })

  it('accepts exactly maxDeletes', () => {
    expect(pruneRefusal(plan([declared('site/index.html')], facts({ owned: owned(6), maxDeletes: 6 })))).toBeUndefined()
  })

  it('refuses to delete everything when the manifest declares nothing, whatever the cap', () => {
    expect(pruneRefusal(plan([], facts({ owned: owned(2) })))).toContain('the manifest declares no object')
  })

  it('has nothing to say of a plan without deletes', () => {
    expect(pruneRefusal(plan([], facts()))).toBeUndefined()
    expect(pruneRefusal(plan([declared('a')]))).toBeUndefined()
  })
})

describe('manifestFolders', () => {
  const at = (key: string, index: number) => desiredObject({ key, entry: { index, line: index + 1, col: 1 } })

  it('is the folder of each entry: the common prefix of its keys, up to its last /', () => {
    expect(manifestFolders([at('site/a/x.html', 0), at('site/a/y/z.html', 0), at('releases/v1/app.tgz', 1)])).toEqual(['releases/v1/', 'site/a/'])
  })

  it('cuts a common prefix back to a whole folder, and leaves out a folder inside another', () => {
    expect(manifestFolders([at('site/index.html', 0), at('site/img-1.png', 0), at('site/img/2.png', 1), at('site/img/3.png', 1)])).toEqual(['site/'])
  })

  it('is the whole bucket for an entry with keys at the top level', () => {
    expect(manifestFolders([at('index.html', 0), at('about.html', 0), at('site/x', 1)])).toEqual([''])
  })

  it('is nothing for a manifest that declares nothing', () => {
    expect(manifestFolders([])).toEqual([])
  })
})
