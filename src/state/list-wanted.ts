import { commonPrefix, compareKeys } from '../plan/index.js'
import type { ListedObject, ObjectStore, RequestOptions } from '../s3/index.js'
import { mapBounded } from '../util/map-bounded.js'

/** Wanted keys per range: a range is one LIST page when the bucket holds little else. */
const KEYS_PER_RANGE = 1000

/**
 * Ranges listed at once. The pages of one range follow each other (each names the next),
 * and each waits on S3 for a round trip and its listing, 100 ms or more: ranges are what
 * can overlap. A server that lists on one thread (moto) gains nothing, and loses little.
 */
const RANGES_AT_ONCE = 4

/** A stretch of a listing: keys under `prefix` after `startAfter` up to `last`, which it includes. */
export interface KeyRange {
  prefix: string
  startAfter?: string
  last: string
}

/**
 * Cuts keys sorted in S3's order into ranges of `perRange` keys: each runs from after the
 * last key of the one before it to its own last key. Listing stops at that key, so a
 * range that fits in a page costs one request, not a second to learn that it ended.
 *
 * Each range lists the prefix its own first and last keys share, which every key between
 * them shares too: the bucket's other folders are not its business. S3 seeks to a prefix
 * and to `start-after` alike, but a server that filters and sorts the keys under the prefix
 * for every page (moto) pays for the whole bucket on every page of a wide one. The first
 * range lists the prefix of all the keys, so that its end, in a bucket that holds none of
 * them, tells that the ranges after it have nothing to find.
 */
export function keyRanges(sorted: readonly string[], perRange = KEYS_PER_RANGE): KeyRange[] {
  const ranges: KeyRange[] = []
  for (let first = 0; first < sorted.length; first += perRange) {
    const startAfter = sorted[first - 1]
    const last = sorted[Math.min(first + perRange, sorted.length) - 1]!
    const prefix = commonPrefix([sorted[first]!, first === 0 ? sorted.at(-1)! : last])
    ranges.push({ prefix, ...(startAfter !== undefined && { startAfter }), last })
  }
  return ranges
}

export interface ListWantedOptions {
  /** Stop, and answer undefined, past this many pages in all. */
  pageBudget?: number
  perRange?: number
  rangesAtOnce?: number
}

/**
 * LIST of the keys, in ranges of them listed several at once, each under its own keys' prefix:
 * every listed object among `keys`, by key. Undefined when the pages exceed the budget.
 * Rejects with the first failed request, once the ranges in flight have stopped.
 */
export async function listWanted(
  store: ObjectStore,
  keys: readonly string[],
  request: RequestOptions = {},
  options: ListWantedOptions = {},
): Promise<Map<string, ListedObject> | undefined> {
  const listed = new Map<string, ListedObject>()
  if (keys.length === 0) return listed
  const wanted = new Set(keys)
  const budget = options.pageBudget ?? Infinity
  let pages = 0
  // Set by a failure (which rejects) or by the budget: when listing returns, the budget.
  let stop = false
  // Ranges whose listing ran to the end of their prefix: no key under it follows their
  // start, so a later range within that prefix has nothing to find (in an empty bucket, the
  // first range, which lists the prefix of all the keys, tells it for every other).
  const ended: { index: number; prefix: string }[] = []
  const nothingLeft = (index: number, prefix: string) => ended.some((done) => index > done.index && prefix.startsWith(done.prefix))

  const listRange = async ({ prefix, startAfter, last }: KeyRange, index: number): Promise<void> => {
    if (nothingLeft(index, prefix)) return
    try {
      for await (const page of store.listObjectsV2({ prefix, ...(startAfter !== undefined && { startAfter }) }, request)) {
        if (stop || nothingLeft(index, prefix)) return
        if (++pages > budget) {
          stop = true
          return
        }
        for (const object of page) {
          const past = compareKeys(object.key, last)
          if (past > 0) return
          if (wanted.has(object.key)) listed.set(object.key, object)
          if (past === 0) return
        }
      }
      ended.push({ index, prefix })
    } catch (error) {
      stop = true
      throw error
    }
  }
  await mapBounded(keyRanges([...wanted].sort(compareKeys), options.perRange), options.rangesAtOnce ?? RANGES_AT_ONCE, listRange)
  return stop ? undefined : listed
}
