import { setTimeout as delay } from 'node:timers/promises'
import { PutplanError } from '../errors/index.js'
import type { RemoteObject } from '../plan/index.js'
import { STATE_FORMAT_VERSION, trustRecord, type StateDocument } from './state-record.js'
import { S3ServiceError, type ListedObject, type ObjectStore, type RequestOptions, type WriteCondition } from '../s3/index.js'
import { listWanted } from './list-wanted.js'
import { shareRecordValues } from './share-values.js'
import { stateBody } from './state-json.js'

/** Where the state record lives, and the store that reaches it. */
export interface StateAccess {
  store: ObjectStore
  key: string
  /** The bucket the record describes (the manifest's). */
  bucket: string
  conditionalWrites: boolean
  /** Bucket owner / requester-pays headers, when the record is in the manifest's bucket. */
  request?: RequestOptions
}

export interface LoadedState {
  document: StateDocument
  /** The record's ETag when read, for `If-Match` on write; undefined when there was none. */
  etag?: string
}

/** Reads the record; a missing or unreadable one is an empty record (the plan then asks HeadObject). */
export async function readState(access: StateAccess): Promise<LoadedState> {
  const stored = await access.store.getObject(access.key, access.request)
  const empty: StateDocument = { formatVersion: STATE_FORMAT_VERSION, bucket: access.bucket, objects: {} }
  if (!stored) return { document: empty }
  const document = parseState(stored.body.toString('utf8'), access.bucket)
  return { document: document ?? empty, etag: stored.etag }
}

function parseState(text: string, bucket: string): StateDocument | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<StateDocument>
    const valid = parsed.formatVersion === STATE_FORMAT_VERSION && parsed.bucket === bucket && typeof parsed.objects === 'object' && parsed.objects !== null
    if (!valid) return undefined
    shareRecordValues(parsed.objects!)
    return parsed as StateDocument
  } catch {
    return undefined
  }
}

export interface UpdateOptions {
  /** Writes tried before giving up (12 by default: the random waits spread N shards that finish together, so that each round lands some). */
  attempts?: number
  /** The wait before the next write after a lost race (injected by tests). */
  backoff?: (attempt: number) => Promise<void>
  /**
   * The record as the plan read it. With conditional writes it is changed and written
   * without reading it again (megabytes for ten thousand objects): if another writer
   * changed it since, `If-Match` fails and the record is read afresh.
   */
  current?: LoadedState
}

/**
 * Read, change, write back with `If-Match` (or `If-None-Match: *` for the first record):
 * two applies that finish together both land their records instead of one silently
 * replacing the other. A lost race re-reads and merges again.
 */
export async function updateState(access: StateAccess, change: (document: StateDocument) => StateDocument, options: UpdateOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 12
  const backoff = options.backoff ?? jitteredBackoff
  for (let attempt = 1; ; attempt++) {
    const reuse = attempt === 1 && access.conditionalWrites ? options.current : undefined
    const current = reuse ?? (await readState(access))
    const body = stateBody(change(current.document))
    const condition: WriteCondition = !access.conditionalWrites ? {} : current.etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: current.etag }
    const stored = { ...access.request, contentType: 'application/json' }
    try {
      await access.store.putObject(access.key, { options: stored, md5: body.md5, condition, body: body.open, contentLength: body.contentLength })
      return
    } catch (error) {
      const lostRace = error instanceof S3ServiceError && (error.status === 412 || error.status === 409)
      if (!lostRace || attempt >= attempts) {
        throw new PutplanError('s3', `could not write the state record ${access.key}: ${(error as Error).message}`)
      }
      await backoff(attempt)
    }
  }
}

/**
 * A random wait of up to 50 ms doubled per lost race, at most 3.2 s: N shards that finish
 * together spread their next tries out, so each round lets one or more of them land
 * instead of all reading and colliding again in step.
 */
function jitteredBackoff(attempt: number): Promise<void> {
  return delay(Math.random() * 50 * 2 ** Math.min(attempt - 1, 6))
}

/** LIST of the keys' longest common prefix: every listed object among them, by key. */
export async function listKeys(store: ObjectStore, keys: readonly string[], request: RequestOptions = {}): Promise<Map<string, ListedObject>> {
  // Without a page budget, listing always gives a map.
  return (await listWanted(store, keys, request)) ?? new Map()
}

/**
 * What LIST (and the record, when there is one) tell without HeadObject: keys LIST does
 * not show are missing (`null`); keys whose recorded write LIST still shows are as
 * recorded. Others stay unknown. LIST is only a shortcut: when it would cost more pages
 * than the keys warrant (a small manifest in a big shared bucket), or the store refuses
 * it, every key stays unknown and is asked with HeadObject. `reading` is the state
 * record being read (`readState`); it comes back too, for apply to update.
 */
export async function knownObjects(
  store: ObjectStore,
  reading: Promise<LoadedState> | undefined,
  keys: readonly string[],
  request: RequestOptions = {},
  spread = 1,
): Promise<{ known: Map<string, RemoteObject | null>; state?: LoadedState }> {
  const [state, listed] = await Promise.all([reading, listWithin(store, keys, request, spread)])
  const known = new Map<string, RemoteObject | null>()
  if (!listed) return { known, state }
  for (const key of keys) {
    const seen = listed.get(key)
    if (!seen) known.set(key, null)
    else {
      const trusted = state && trustRecord(state.document.objects[key], seen)
      if (trusted) known.set(key, trusted)
    }
  }
  return { known, state }
}

/** LIST pages allowed per 1,000 keys wanted (a page holds up to 1,000 objects), plus slack. */
const PAGES_PER_THOUSAND_KEYS = 2
const SLACK_PAGES = 2

/**
 * LIST of the keys, within a budget of pages that the number of keys warrants: every listed
 * object among them, by key; undefined when the listing would cost more, or the store
 * refuses it (then HeadObject answers instead). `spread`: the keys are one in so many of
 * those the manifest puts in the same stretch of the bucket (a shard of N: N), so the
 * listing passes that many more objects, and the budget grows with it.
 */
export async function listWithin(store: ObjectStore, keys: readonly string[], request: RequestOptions = {}, spread = 1): Promise<Map<string, ListedObject> | undefined> {
  const pageBudget = Math.ceil((keys.length * spread) / 1000) * PAGES_PER_THOUSAND_KEYS + SLACK_PAGES
  try {
    return await listWanted(store, keys, request, { pageBudget })
  } catch (error) {
    // Without s3:ListBucket (or on a store that cannot list), HeadObject still answers.
    if (error instanceof S3ServiceError) return undefined
    throw error
  }
}
