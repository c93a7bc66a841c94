import { DEFAULT_MULTIPART_POLICY } from '../local/part-size.js'
import { PutplanError } from '../errors/index.js'
import { pruneRefusal } from '../plan/plan-deletes.js'
import { isUpload, type DeleteItem, type Plan, type PlanItem } from '../plan/plan.js'
import { describeReason } from '../plan/reason.js'
import { mapBounded } from '../util/map-bounded.js'
import { applyObject } from './apply-object.js'
import type { ApplyEvent, ApplyReport, ExecuteOptions, ObjectOutcome } from './apply-types.js'
import { DEFAULT_COPY_POLICY } from './copy-in-place.js'
import { deleteObjects } from './delete-objects.js'
import { summariseOutcomes, type AppliedItem } from './outcomes.js'
import { repairObject } from './repair-object.js'
import { RequestSlots } from './request-slots.js'
import { UploadRegistry } from './upload-registry.js'
import type { WriteContext } from './write-context.js'

export const DEFAULT_PARTS_PER_OBJECT = 4

/**
 * Applies a plan: writes exactly its create, update and undecided items, and repairs its
 * repair items in place, each under the condition that the bucket still is what the plan
 * saw; then, once every one of them succeeded, its deletes (`If-Match` too); and reports
 * every item's outcome sorted by key. Unchanged and conflict items cost no request. One
 * object's failure does not stop the others; an abort of `signal` stops starting objects
 * and parts, cuts the bodies in flight and aborts their multipart uploads. Whether it
 * returns or throws, no multipart upload it started is left open, except those S3 refused
 * to abort (`orphanedUploads`).
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<ApplyReport> {
  const emit = (event: ApplyEvent): void => options.onEvent?.(event)
  const ctx: WriteContext = {
    store: options.store,
    slots: new RequestSlots(options.concurrency),
    registry: new UploadRegistry(options.store, emit),
    policy: options.multipart ?? DEFAULT_MULTIPART_POLICY,
    copyPolicy: options.copy ?? DEFAULT_COPY_POLICY,
    partsPerObject: Math.max(1, Math.floor(options.partsPerObject ?? DEFAULT_PARTS_PER_OBJECT)),
    conditionalWrites: options.conditionalWrites ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
  }
  const job = { baseDir: options.baseDir, emit, ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.identity ? { identity: options.identity } : {}) }
  refuseDeletes(plan, ctx.conditionalWrites)
  const writes = plan.items.filter(isApplied)
  const deletes = plan.items.filter((item): item is DeleteItem => item.action === 'delete')
  const items: ObjectOutcome[] = plan.items.filter((item) => !isApplied(item) && item.action !== 'delete').map(untouched)

  let orphanedUploads: ApplyReport['orphanedUploads'] = []
  let interrupted = false
  try {
    const written = await mapBounded(writes, options.concurrency, async (item) => {
      const aborted = options.signal?.aborted === true
      const outcome = aborted ? notStarted(item) : item.action === 'repair' ? await repairObject(item, ctx, job) : await applyObject(item, ctx, job)
      if (outcome.outcome === 'skipped' || (outcome.outcome === 'failed' && options.signal?.aborted)) interrupted = true
      emit({ type: 'object-done', outcome })
      return outcome
    })
    items.push(...written)
  } finally {
    orphanedUploads = await ctx.registry.abortAll()
  }
  const phase = { store: options.store, concurrency: options.concurrency, emit, ...(options.deleteOptions ? { request: options.deleteOptions } : {}), ...(options.signal ? { signal: options.signal } : {}) }
  const deleted = await deleteObjects(deletes, items, phase)
  if (options.signal?.aborted && deleted.some((outcome) => outcome.outcome === 'skipped')) interrupted = true
  items.push(...deleted)

  items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return {
    items,
    summary: summariseOutcomes(items),
    bytesUploaded: items.reduce((sum, item) => sum + item.bytes, 0),
    interrupted,
    orphanedUploads,
  }
}

/** Unchanged and conflict items: reported as the plan judged them, without a request. */
function untouched(item: PlanItem): ObjectOutcome {
  if (item.action === 'unchanged') return { key: item.key, action: item.action, outcome: 'unchanged', bytes: 0 }
  const reason = item.reasons.length > 0 ? item.reasons.map(describeReason).join('; ') : 'conflict in the plan'
  return { key: item.key, action: item.action, outcome: 'conflict', reason, bytes: 0 }
}

/**
 * Deletes are refused before anything is written when they break prune's limits (a saved
 * plan is checked again here), or when they could not be conditional: a delete without
 * `If-Match` could remove what another client wrote since the plan.
 */
function refuseDeletes(plan: Plan, conditionalWrites: boolean): void {
  const refusal = pruneRefusal(plan)
  if (refusal !== undefined) throw new PutplanError('prune-refused', refusal)
  if (!conditionalWrites && plan.summary.delete > 0) {
    throw new PutplanError(
      'usage',
      `the plan deletes ${plan.summary.delete} objects, and putplan deletes only with If-Match, which --no-conditional-writes turns off: apply without it, or without prune. Nothing was written`,
    )
  }
}

function isApplied(item: PlanItem): item is AppliedItem {
  return isUpload(item) || item.action === 'repair'
}

function notStarted(item: AppliedItem): ObjectOutcome {
  return { key: item.key, action: item.action, outcome: 'skipped', reason: 'not started: apply was interrupted', bytes: 0 }
}
