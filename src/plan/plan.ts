import type { BucketFacts } from './bucket-facts.js'
import type { StoreName } from './store-profile.js'
import type { Compression, OptionOrigins } from './desired-object.js'
import type { LocalDigest } from './local-digest.js'
import type { ApplyPhase } from './plan-phase.js'
import type { PlanOrigin } from './plan-origin.js'
import type { RepairOperation } from './option-table.js'
import type { PutOptions } from './put-options.js'
import type { Reason } from './reason.js'
import type { Shard } from './shard.js'

export const PLAN_ACTIONS = ['create', 'update', 'repair', 'delete', 'unchanged', 'undecided', 'conflict'] as const
export type PlanAction = (typeof PLAN_ACTIONS)[number]

interface ItemBase {
  key: string
  /** Why: shown to people, never read by apply, which acts on `action` (and its operations) alone. */
  reasons: Reason[]
  size: number
  /** When apply acts on it (see `plan-phase.ts`); set on the items that change the bucket. */
  phase?: ApplyPhase
}

/** An object the manifest declares: its file, digests and options. */
interface FileItem extends ItemBase {
  /** The file, relative to the manifest's folder. */
  source: string
  local: LocalDigest
  options: PutOptions
  /** Options declared in `defaults` or a rule rather than the entry, shown with `--verbose`. */
  origins?: OptionOrigins
  /** The object holds the file compressed with this coding; `size` and `local` are the compressed bytes'. */
  compress?: Compression
}

/** Apply uploads the file with `If-None-Match: *`: the key must still be free. */
export interface CreateItem extends FileItem {
  action: 'create'
}

/** New bytes: apply uploads the file with `If-Match: remoteEtag`, so the object must still be the one planned against. */
export interface UpdateItem extends FileItem {
  action: 'update'
  remoteEtag: string
}

/**
 * Nothing the bucket reports can tell whether its bytes are the file's: apply uploads the
 * file (with `If-Match`), the only way to be sure, and says so rather than guess.
 */
export interface UndecidedItem extends FileItem {
  action: 'undecided'
  remoteEtag: string
}

/** The same bytes with drifted options: apply fixes them with `repairs`, sending no bytes. */
export interface RepairItem extends FileItem {
  action: 'repair'
  remoteEtag: string
  repairs: RepairOperation[]
}

/** An object the manifest no longer declares: apply deletes it with `If-Match: remoteEtag`. */
export interface DeleteItem extends ItemBase {
  action: 'delete'
  remoteEtag: string
}

export interface UnchangedItem extends FileItem {
  action: 'unchanged'
  remoteEtag: string
}

/** Apply never touches it. */
export interface ConflictItem extends FileItem {
  action: 'conflict'
  remoteEtag?: string
}

export type PlanItem = CreateItem | UpdateItem | UndecidedItem | RepairItem | DeleteItem | UnchangedItem | ConflictItem

/** The items that name a file the manifest declares. */
export type FilePlanItem = Exclude<PlanItem, DeleteItem>

/** The items apply writes a file for. */
export type UploadItem = CreateItem | UpdateItem | UndecidedItem

export type PlanSummary = Record<PlanAction, number>

/** The plan is a value: computed in one place, drawn by every renderer, saved as is. */
export interface Plan {
  bucket: string
  /** SHA-256 of what the manifest resolved to: a saved plan is stale when it differs. */
  manifestDigest: string
  summary: PlanSummary
  /** Sorted by key. */
  items: PlanItem[]
  /** With `prune`: its cap, and what it leaves alone (its deletes are items). */
  prune?: PruneReport
  /** Folders outside the work tree its files may come from (`--allow-outside`, `allowOutside`), relative to the work tree's root. */
  allowOutside?: string[]
  /** Symbolic links leading outside the work tree that `symlinks: skip` left out, with what each says. */
  skippedLinks?: { path: string; target: string }[]
  /** Where the manifest is and what it was read with; set by `plan`, for a saved plan to stand alone. */
  origin?: PlanOrigin
  /** The bucket's settings the plan was checked against, shown in its header. */
  bucketFacts?: BucketFacts
  /** The store the plan was made for (`compatibility`), which decided what is sent. */
  compatibility?: StoreName
  /** What apply will do other than the manifest may suggest, said before it runs. */
  warnings?: string[]
  /** With `--shard K/N`: the plan covers only the keys of that shard. */
  shard?: PlanShard
}

/**
 * The shard a plan covers. `pruneDeferred`: the manifest prunes, and this plan deletes
 * nothing: a shard sees only its own keys, so it cannot tell a key no shard declares from
 * one another shard declares; the unsharded apply that follows the shards deletes.
 */
export interface PlanShard extends Shard {
  pruneDeferred?: true
}

/** How many keys, and the first of them in key order. */
export interface KeySample {
  count: number
  keys: string[]
}

/** What prune leaves alone, shown beside its deletes so that a reviewer sees strays. */
export interface PruneReport {
  maxDeletes: number
  /** Keys putplan wrote and the manifest no longer declares, kept by a `protect` glob. */
  protected: KeySample
  /**
   * Objects putplan does not own, never deleted: those in the manifest's folders that it did
   * not write (or that another client rewrote since), and recorded keys rewritten since.
   * `complete` is false when the listing stopped early, the count then being a floor.
   */
  unowned: KeySample & { folders: string[]; complete: boolean }
}

export function summarise(items: readonly PlanItem[]): PlanSummary {
  const summary = Object.fromEntries(PLAN_ACTIONS.map((action) => [action, 0])) as PlanSummary
  for (const item of items) summary[item.action]++
  return summary
}

/** The actions that change the bucket. */
export const CHANGE_ACTIONS = ['create', 'update', 'undecided', 'repair', 'delete'] as const satisfies readonly PlanAction[]

export function hasChanges(plan: Plan): boolean {
  return CHANGE_ACTIONS.some((action) => plan.summary[action] > 0)
}

export function isUpload(item: PlanItem): item is UploadItem {
  return item.action === 'create' || item.action === 'update' || item.action === 'undecided'
}
