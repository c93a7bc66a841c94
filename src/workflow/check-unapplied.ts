import { headOptionsOf, outcomeIfLanded, writeOptions } from '../apply/index.js'
import { PutplanError } from '../errors/index.js'
import { isUpload, type PutOptions, type RemoteObject, type UploadItem } from '../plan/index.js'
import { S3ServiceError, type ListedObject, type ObjectStore, type RequestOptions } from '../s3/index.js'
import { listWithin, type LoadedState } from '../state/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { count, shown, stale } from './stale-plan.js'
import type { SavedPlan } from './plan-file.js'

export interface UnappliedCheck {
  store: ObjectStore
  /** The state record as read now, when the manifest keeps one. */
  state?: LoadedState
  /** Bucket-level request options, for the LIST. */
  request: RequestOptions
  concurrency: number
  /** The secrets the plan lacks, to read SSE-C objects with. */
  secrets: (key: string) => PutOptions | undefined
}

type Seen = { kind: 'as-planned' } | { kind: 'landed' } | { kind: 'changed'; item: UploadItem; now?: string }

/**
 * A saved plan is used once. Before its first write, apply makes sure that it was not
 * applied already and that every object it writes is still what the plan saw:
 * - the state record lists the plan's digest (an apply of it completed): already applied;
 * - an object it writes is not as planned (another ETag, gone, or present where the plan
 *   creates) and does not hold the planned bytes and headers: the plan is stale, naming
 *   the key and both ETags;
 * - every object it writes already holds the planned bytes and headers (by the rule apply
 *   uses after a 412): already applied, though the record (if any) did not say so;
 * - otherwise it is applied; objects that already hold the planned write (an earlier apply
 *   of this plan cut short) are reported as done by the write's own 412.
 * One LIST tells most of it (a key absent where the plan creates, or with the planned ETag,
 * is as planned); only the keys it shows otherwise, or all when LIST cannot serve, are
 * asked with HeadObject. A change after this check is still caught by the conditional
 * write itself and reported as a conflict.
 */
export async function checkUnapplied({ plan, planDigest }: SavedPlan, check: UnappliedCheck): Promise<void> {
  if (check.state?.document.appliedPlans?.includes(planDigest)) throw applied('the state record lists it as applied')
  const writes = plan.items.filter(isUpload)
  if (writes.length === 0) return
  const listed = await listWithin(
    check.store,
    writes.map((item) => item.key),
    check.request,
    plan.shard?.count,
  )
  const seen = await mapBounded(writes, check.concurrency, (item) => see(item, listed, check))
  const changed = seen.filter((s): s is Extract<Seen, { kind: 'changed' }> => s.kind === 'changed')
  if (changed.length > 0) {
    const described = changed.map(({ item, now }) => `"${item.key}" (${item.action === 'create' ? 'planned absent' : `planned ETag ${item.remoteEtag}`}, now ${now === undefined ? 'absent' : `ETag ${now}`})`)
    throw stale(`${count(changed.length, 'object')} the plan writes changed in the bucket since the plan: ${shown(described)}`)
  }
  if (seen.every((s) => s.kind === 'landed')) throw applied('every object it writes already holds the planned bytes and headers')
}

async function see(item: UploadItem, listed: Map<string, ListedObject> | undefined, check: UnappliedCheck): Promise<Seen> {
  const planned = item.action === 'create' ? undefined : item.remoteEtag
  if (listed !== undefined && listed.get(item.key)?.etag === planned) return { kind: 'as-planned' }
  const options = writeOptions(item, check.secrets)
  let remote: RemoteObject | undefined
  try {
    remote = await check.store.headObject(item.key, headOptionsOf(options))
  } catch (error) {
    // S3 refuses to show an SSE-C object to a request with another key: not the planned object.
    if (options.sseCustomerKey !== undefined && error instanceof S3ServiceError && (error.status === 400 || error.status === 403)) return { kind: 'changed', item, now: '(encrypted with another SSE-C key)' }
    throw error
  }
  if (remote?.etag === planned) return { kind: 'as-planned' }
  if (outcomeIfLanded(item, options, remote) !== undefined) return { kind: 'landed' }
  return { kind: 'changed', item, ...(remote === undefined ? {} : { now: remote.etag }) }
}

function applied(how: string): PutplanError {
  return new PutplanError('plan-applied', `this plan was already applied (${how}). Nothing was written; run putplan plan to see what is left to do.`)
}
