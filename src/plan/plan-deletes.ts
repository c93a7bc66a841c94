import picomatch from 'picomatch'
import { compareKeys } from './key-order.js'
import type { DeleteItem, Plan, PruneReport } from './plan.js'
import type { Reason } from './reason.js'

/** An object as LIST (or HeadObject) shows it. */
export interface BucketObject {
  key: string
  /** Without quotes. */
  etag: string
  size: number
}

/**
 * What prune decides from, gathered by the workflow: the diff never reads the bucket or the
 * state record itself.
 */
export interface PruneFacts {
  maxDeletes: number
  /** Globs on keys never deleted. */
  protect: readonly string[]
  /**
   * Keys the state record says putplan wrote whose object the bucket still holds as that
   * write (same ETag, size and LastModified), as the bucket shows them: the only objects
   * prune may delete.
   */
  owned: readonly BucketObject[]
  /** The folders listed for objects putplan does not own (`manifestFolders`). */
  folders: readonly string[]
  /** Every object the listing of `folders` found, and recorded keys another client rewrote since. */
  found: readonly BucketObject[]
  /** False when the listing stopped before its end (a bucket far larger than the manifest). */
  complete: boolean
}

/** Keys shown in the plan for the unowned and protected objects, after their count. */
const SAMPLE_KEYS = 10

const NOT_DECLARED: Reason = { code: 'not-declared', option: 'object' }

/**
 * The delete items: objects putplan owns that no key of the manifest declares and no
 * `protect` glob keeps, each to be deleted under `If-Match` on the ETag seen now. Beside them,
 * what prune leaves alone and says so: protected keys, and objects it does not own.
 */
export function planDeletes(facts: PruneFacts, declared: ReadonlySet<string>): { items: DeleteItem[]; report: PruneReport } {
  const isProtected = facts.protect.length === 0 ? () => false : picomatch([...facts.protect], { dot: true })
  const owned = new Set(facts.owned.map((object) => object.key))
  const items: DeleteItem[] = []
  const kept: string[] = []
  for (const object of facts.owned) {
    if (declared.has(object.key)) continue
    if (isProtected(object.key)) kept.push(object.key)
    else items.push({ action: 'delete', key: object.key, reasons: [NOT_DECLARED], size: object.size, remoteEtag: object.etag })
  }
  const unowned = [...new Set(facts.found.map((object) => object.key))].filter((key) => !declared.has(key) && !owned.has(key))
  items.sort((a, b) => compareKeys(a.key, b.key))
  return {
    items,
    report: {
      maxDeletes: facts.maxDeletes,
      protected: sample(kept),
      unowned: { folders: [...facts.folders], ...sample(unowned), complete: facts.complete },
    },
  }
}

function sample(keys: string[]): { count: number; keys: string[] } {
  return { count: keys.length, keys: keys.sort(compareKeys).slice(0, SAMPLE_KEYS) }
}

/**
 * Why a plan must not be applied as it is, or undefined: more deletes than the manifest's
 * cap, or deletes from a manifest that declares nothing (every entry `allowEmpty` and
 * empty), which would empty the bucket of everything putplan wrote.
 */
export function pruneRefusal(plan: Plan): string | undefined {
  const deletes = plan.items.filter((item) => item.action === 'delete')
  if (deletes.length === 0 || plan.prune === undefined) return undefined
  const shown = `${deletes.slice(0, 5).map((item) => `"${item.key}"`).join(', ')}${deletes.length > 5 ? ', ...' : ''}`
  if (deletes.length === plan.items.length) {
    return `the manifest declares no object, and prune would delete all ${deletes.length} objects putplan wrote (${shown}); prune never empties a bucket: nothing was deleted`
  }
  const cap = plan.prune.maxDeletes
  if (deletes.length <= cap) return undefined
  return `the plan would delete ${deletes.length} objects, more than prune.maxDeletes (${cap}): ${shown}. Nothing was deleted; check the manifest and its files, or raise prune.maxDeletes if that many is right`
}
