import type { RepairOperation } from '../plan/option-table.js'
import type { RepairItem } from '../plan/plan.js'
import type { PutOptions } from '../plan/put-options.js'
import type { ObjectStore } from '../s3/index.js'
import type { ObjectOutcome } from './apply-types.js'
import { askTheBucket, type ObjectJob } from './apply-object.js'
import { copyInPlace } from './copy-in-place.js'
import { classifyFailure, outcomeOfRepair } from './outcomes.js'
import type { WriteContext } from './write-context.js'
import { requestOptionsOf, writeOptions } from './write-options.js'

/**
 * Fixes one object's options without sending its bytes, and says what happened. With
 * `copy`, one copy of the object onto itself stores every option at once; otherwise each
 * operation is its own call, in the plan's order. S3 offers no condition on tagging, ACL,
 * retention or legal-hold calls: they apply to whatever object holds the key. Never
 * throws: every failure becomes the object's outcome.
 */
export async function repairObject(item: RepairItem, ctx: WriteContext, job: ObjectJob): Promise<ObjectOutcome> {
  const failed = (reason: string): ObjectOutcome => ({ key: item.key, action: item.action, outcome: 'failed', reason, bytes: 0 })
  let options: PutOptions
  try {
    options = writeOptions(item, job.secrets)
  } catch (error) {
    return failed((error as Error).message)
  }
  try {
    if (item.repairs.includes('copy')) return outcomeOfRepair(item, await copyInPlace(item, options, ctx))
    for (const operation of item.repairs) await ctx.slots.run(() => runOperation(ctx.store, operation, item.key, options), ctx.signal)
    return outcomeOfRepair(item)
  } catch (error) {
    if (ctx.signal?.aborted) return failed('interrupted before the repair finished')
    const meaning = classifyFailure(error)
    if (meaning.kind === 'source-changed' || meaning.kind === 'failed') return failed(meaning.reason)
    return askTheBucket(item, options, meaning, ctx.store, failed)
  }
}

/** One repair that is not a copy: the call that sets the option where S3 keeps it apart from the object. */
function runOperation(store: ObjectStore, operation: RepairOperation, key: string, options: PutOptions): Promise<void> {
  const request = requestOptionsOf(options)
  switch (operation) {
    case 'tagging':
      return store.putObjectTagging(key, options.tagging ?? {}, request)
    case 'acl':
      return store.putObjectAcl(key, options)
    case 'retention':
      return store.putObjectRetention(key, { objectLockMode: options.objectLockMode, objectLockRetainUntilDate: options.objectLockRetainUntilDate }, request)
    case 'legal-hold':
      return store.putObjectLegalHold(key, options.objectLockLegalHoldStatus ?? 'OFF', request)
    case 'copy':
      throw new Error('a copy is never run as an operation of its own')
  }
}
