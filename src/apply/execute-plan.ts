import { DEFAULT_MULTIPART_POLICY } from '../local/part-size.js'
import { PutplanError } from '../errors/index.js'
import { pruneRefusal } from '../plan/plan-deletes.js'
import { isUpload, type DeleteItem, type Plan, type PlanItem } from '../plan/plan.js'
import { uploadPhase } from '../plan/plan-phase.js'
import { describeReason } from '../plan/reason.js'
import { mapBounded } from '../util/map-bounded.js'
import { applyObject } from './apply-object.js'
import { BodyMemory } from './body-memory.js'
import type { ApplyEvent, ApplyReport, ExecuteOptions, ObjectOutcome } from './apply-types.js'
import { DEFAULT_COPY_POLICY } from './copy-in-place.js'
import { deleteObjects } from './delete-objects.js'
import { endedAsPlanned, summariseOutcomes, type AppliedItem } from './outcomes.js'
import { repairObject } from './repair-object.js'
import { RequestSlots } from './request-slots.js'
import { UploadRegistry } from './upload-registry.js'
import type { WriteContext } from './write-context.js'

export const DEFAULT_PARTS_PER_OBJECT = 4

/**
 * Bytes of bodies read whole ahead of their requests. 32 MiB keeps several files of up to
 * 8 MiB (the most apply reads so) in flight; in an apply of 200 files of 1-8 MiB against
 * a local server, 64 MiB sent no faster and peaked at about 25 MB more.
 */
const BODY_MEMORY_BUDGET = 32 * 1024 * 1024

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
    bodies: new BodyMemory(BODY_MEMORY_BUDGET),
    readDigests: new Map(),
    ...(options.signal ? { signal: options.signal } : {}),
  }
  const job = {
    baseDir: options.baseDir,
    emit,
    ...(options.bodyPaths ? { bodyPaths: options.bodyPaths } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
  }
  refuseDeletes(plan, ctx.conditionalWrites)
  const writes = plan.items.filter(isApplied)
  const deletes = plan.items.filter((item): item is DeleteItem => item.action === 'delete')
  const items: ObjectOutcome[] = plan.items.filter((item) => !isApplied(item) && item.action !== 'delete').map(untouched)

  let orphanedUploads: ApplyReport['orphanedUploads'] = []
  let interrupted = false
  const write = async (item: AppliedItem): Promise<ObjectOutcome> => {
    const aborted = options.signal?.aborted === true
    const outcome = aborted ? notStarted(item) : item.action === 'repair' ? await repairObject(item, ctx, job) : await applyObject(item, ctx, job)
    if (outcome.outcome === 'skipped' || (outcome.outcome === 'failed' && options.signal?.aborted)) interrupted = true
    emit({ type: 'object-done', outcome })
    return outcome
  }
  try {
    const [first, last] = byPhase(writes)
    const written = await mapBounded(first, options.concurrency, write)
    items.push(...written)
    const unfinished = written.filter((outcome) => !endedAsPlanned(outcome)).length
    items.push(...(await mapBounded(last, options.concurrency, (item) => (unfinished === 0 ? write(item) : heldBack(item, unfinished, emit)))))
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
    ...(ctx.readDigests.size > 0 ? { readDigests: ctx.readDigests } : {}),
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

/** The writes of the first phase, and those of the last: pages, and keys a rule marks `phase: last` (the plan says which). */
function byPhase(writes: readonly AppliedItem[]): [AppliedItem[], AppliedItem[]] {
  const last = (item: AppliedItem) => (item.phase ?? uploadPhase(item.key, item.options.contentType)) === 'last'
  return [writes.filter((item) => !last(item)), writes.filter(last)]
}

/** A page not written because an asset it may need did not land: the next apply writes it. */
async function heldBack(item: AppliedItem, unfinished: number, emit: (event: ApplyEvent) => void): Promise<ObjectOutcome> {
  const reason = `not written: ${unfinished} ${unfinished === 1 ? 'object' : 'objects'} of the first phase did not end as planned, and pages are written only after every other upload succeeded`
  const outcome: ObjectOutcome = { key: item.key, action: item.action, outcome: 'skipped', reason, bytes: 0 }
  emit({ type: 'object-done', outcome })
  return outcome
}

function notStarted(item: AppliedItem): ObjectOutcome {
  return { key: item.key, action: item.action, outcome: 'skipped', reason: 'not started: apply was interrupted', bytes: 0 }
}
