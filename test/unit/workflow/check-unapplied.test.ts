import { describe, expect, it } from 'vitest'
import { executePlan } from '../../../src/apply/index.js'
import { PutplanError } from '../../../src/errors/index.js'
import type { PlanItem } from '../../../src/plan/index.js'
import { STATE_FORMAT_VERSION, type LoadedState } from '../../../src/state/index.js'
import { checkUnapplied, type UnappliedCheck } from '../../../src/workflow/check-unapplied.js'
import { MemoryStore, s3Error } from '../apply/memory-store.js'
import { planOf, useManifestDir } from '../apply/plan-builder.js'
import { ORIGIN } from '../render/plan-builder.js'

const files = useManifestDir()
const DIGEST = 'd'.repeat(64)

/** b.txt in the bucket as planned against; the plan creates a.txt and updates b.txt. */
async function setUp(): Promise<{ store: MemoryStore; items: PlanItem[] }> {
  const store = new MemoryStore()
  const old = store.putDirect('b.txt', 'b: old\n')
  const items = [await files.item('a.txt', { action: 'create', data: 'a: new\n' }), await files.item('b.txt', { action: 'update', data: 'b: new\n', remoteEtag: old.etag })]
  return { store, items }
}

function check(store: MemoryStore, items: PlanItem[], extra: Partial<UnappliedCheck> = {}): Promise<void> {
  return checkUnapplied({ plan: { ...planOf(items), origin: ORIGIN }, planDigest: DIGEST }, { store, request: {}, concurrency: 4, secrets: () => undefined, ...extra })
}

async function refusal(promise: Promise<void>): Promise<PutplanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(PutplanError)
  return error as PutplanError
}

describe('checkUnapplied', () => {
  it('passes a plan whose objects are as planned, told by LIST alone (no HeadObject)', async () => {
    const { store, items } = await setUp()
    await check(store, items)
    expect(store.callsOf('headObject')).toEqual([])
  })

  it('refuses a plan the state record lists, before asking the bucket anything', async () => {
    const { store, items } = await setUp()
    const state: LoadedState = { document: { formatVersion: STATE_FORMAT_VERSION, bucket: 'b', objects: {}, appliedPlans: ['e'.repeat(64), DIGEST] } }
    const error = await refusal(check(store, items, { state }))
    expect(error.code).toBe('plan-applied')
    expect(error.message).toBe('this plan was already applied (the state record lists it as applied). Nothing was written; run putplan plan to see what is left to do.')
    expect(store.calls).toEqual([])
  })

  it('refuses a plan every write of which already landed: the objects tell', async () => {
    const { store, items } = await setUp()
    await executePlan(planOf(items), { store, baseDir: files.dir(), concurrency: 2 })
    const error = await refusal(check(store, items))
    expect(error.code).toBe('plan-applied')
    expect(error.message).toContain('every object it writes already holds the planned bytes and headers')
  })

  it('passes a plan only some writes of which landed (an apply cut short): it is not used up', async () => {
    const { store, items } = await setUp()
    await executePlan(planOf(items), { store, baseDir: files.dir(), concurrency: 2 })
    store.objects.delete('a.txt')
    await check(store, items)
  })

  it('refuses a plan whose objects changed since, naming each key with the planned and the current ETag', async () => {
    const { store, items } = await setUp()
    const planned = store.objects.get('b.txt')!.etag
    const theirs = store.putDirect('b.txt', 'b: theirs\n')
    const created = store.putDirect('a.txt', 'a: theirs\n')
    const error = await refusal(check(store, items))
    expect(error.code).toBe('plan-stale')
    expect(error.message).toBe(
      `the saved plan is stale: 2 objects the plan writes changed in the bucket since the plan: "a.txt" (planned absent, now ETag ${created.etag}), "b.txt" (planned ETag ${planned}, now ETag ${theirs.etag}). Nothing was written; run putplan plan again.`,
    )
  })

  it('names an object deleted since the plan', async () => {
    const { store, items } = await setUp()
    const planned = store.objects.get('b.txt')!.etag
    store.objects.delete('b.txt')
    expect((await refusal(check(store, items))).message).toContain(`"b.txt" (planned ETag ${planned}, now absent)`)
  })

  it('without LIST (no s3:ListBucket), asks HeadObject for every write', async () => {
    const { store, items } = await setUp()
    store.listObjectsV2 = async function* () {
      yield* []
      throw s3Error(403, 'AccessDenied', 'ListObjectsV2', '')
    }
    await check(store, items)
    expect(store.callsOf('headObject').map((c) => c.key).sort()).toEqual(['a.txt', 'b.txt'])
  })

  it('passes a plan that writes nothing, whatever the bucket holds', async () => {
    const { store } = await setUp()
    await check(store, [await files.item('b.txt', { action: 'unchanged', data: 'b: old\n', remoteEtag: 'x' })])
  })
})
