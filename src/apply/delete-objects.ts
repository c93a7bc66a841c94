import type { DeleteItem } from '../plan/plan.js'
import type { ObjectStore, RequestOptions } from '../s3/index.js'
import { S3ServiceError } from '../s3/s3-errors.js'
import { mapBounded } from '../util/map-bounded.js'
import type { ApplyEvent, ObjectOutcome } from './apply-types.js'
import { endedAsPlanned } from './outcomes.js'

export interface DeletePhase {
  store: ObjectStore
  concurrency: number
  request?: RequestOptions
  signal?: AbortSignal
  emit: (event: ApplyEvent) => void
}

/**
 * The last phase of apply: the plan's deletes, once every other object ended as planned (a
 * site never loses its old pages before the new ones are up), each with `If-Match` on the
 * ETag the plan saw, so an object rewritten since is kept and reported as a conflict. When
 * anything else failed, conflicted or was skipped, no delete is sent and each says why.
 */
export async function deleteObjects(deletes: readonly DeleteItem[], others: readonly ObjectOutcome[], phase: DeletePhase): Promise<ObjectOutcome[]> {
  if (deletes.length === 0) return []
  const unfinished = others.filter((outcome) => !endedAsPlanned(outcome)).length
  const heldBack = unfinished === 0 ? undefined : `not deleted: ${unfinished} other ${unfinished === 1 ? 'object' : 'objects'} did not end as planned, and deletes run only after every upload succeeded`
  return mapBounded(deletes, phase.concurrency, async (item) => {
    const outcome = heldBack !== undefined ? skipped(item, heldBack) : phase.signal?.aborted ? skipped(item, 'not started: apply was interrupted') : await deleteOne(item, phase)
    phase.emit({ type: 'object-done', outcome })
    return outcome
  })
}

async function deleteOne(item: DeleteItem, phase: DeletePhase): Promise<ObjectOutcome> {
  const base = { key: item.key, action: item.action, bytes: 0 }
  try {
    const result = await phase.store.deleteObject(item.key, { condition: { ifMatch: item.remoteEtag }, ...(phase.request ? { options: phase.request } : {}) })
    return { ...base, outcome: 'deleted', ...result }
  } catch (error) {
    if (error instanceof S3ServiceError) {
      // 409: another request on the key kept winning through the retries.
      if (error.status === 412 || (error.status === 409 && error.s3Code === 'ConditionalRequestConflict')) {
        return { ...base, outcome: 'conflict', reason: 'changed in the bucket since the plan: kept' }
      }
      // Gone is what the plan wanted; a retry of a delete that landed meets this too.
      if (error.status === 404 && error.s3Code === 'NoSuchKey') return { ...base, outcome: 'deleted', reason: 'already gone from the bucket' }
    }
    return { ...base, outcome: 'failed', reason: error instanceof Error ? error.message : String(error) }
  }
}

function skipped(item: DeleteItem, reason: string): ObjectOutcome {
  return { key: item.key, action: item.action, outcome: 'skipped', reason, bytes: 0 }
}
