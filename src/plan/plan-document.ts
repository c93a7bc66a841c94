import { createHash } from 'node:crypto'
import type { BucketFacts } from './bucket-facts.js'
import type { StoreName } from './store-profile.js'
import type { Compression, OptionOrigins } from './desired-object.js'
import type { LocalDigest } from './local-digest.js'
import type { ApplyPhase } from './plan-phase.js'
import type { RepairOperation } from './option-table.js'
import { summarise, type PlanAction, type PlanItem, type PlanShard, type PlanSummary, type PruneReport } from './plan.js'
import type { ManifestOrigin, PlanWithOrigin } from './plan-origin.js'
import { withoutSecrets, type PutOptions } from './put-options.js'
import type { Reason } from './reason.js'

/**
 * 3: the plan stands alone (its id, and the manifest's path, text digest and variables);
 * 2: reasons are data, and the actions repair, delete and undecided exist.
 */
export const PLAN_FORMAT_VERSION = 3

/**
 * The plan as JSON: what `plan --format json` prints, what `--out` saves and what `show`
 * and `apply plan.json` read. Shape in `schema/plan.schema.json`. No secret is ever in it.
 */
export interface PlanDocument {
  formatVersion: typeof PLAN_FORMAT_VERSION
  /** The manifest format version the plan was made from. */
  version: 1
  planId: string
  bucket: string
  manifest: ManifestOrigin
  manifestDigest: string
  /** See `planDocumentDigest`: a reader refuses a document whose content no longer matches it. */
  planDigest: string
  summary: PlanSummary
  actions: PlanDocumentAction[]
  /** With the manifest's `prune`: its cap, and the objects it leaves alone (unowned, protected). */
  prune?: PruneReport
  /** With `--shard K/N`: the shard the plan covers; applied only as that shard. */
  shard?: PlanShard
  bucketFacts?: BucketFacts
  compatibility?: StoreName
  warnings?: string[]
  /** See `Plan.allowOutside`. */
  allowOutside?: string[]
  /** See `Plan.skippedLinks`. */
  skippedLinks?: { path: string; target: string }[]
}

export interface PlanDocumentAction {
  key: string
  action: PlanAction
  reasons: Reason[]
  /** When apply acts on it: `first`, `last` (pages, and keys a rule marks `phase: last`) or `deletes`; absent when it does not. */
  phase?: ApplyPhase
  /** Absent for a delete, as are `local` and `options`. */
  source?: string
  size: number
  /** The ETag apply's conditions name; absent for a create. */
  remoteEtag?: string
  repairs?: RepairOperation[]
  local?: LocalDigest
  options?: PutOptions
  /** Options declared in `defaults` or a rule rather than the entry: option name -> `defaults` or `rules[N]`. */
  origins?: OptionOrigins
  /** The object holds the file compressed with this coding: `size` and `local` are the compressed bytes'. */
  compress?: Compression
}

export function toPlanDocument(plan: PlanWithOrigin): PlanDocument {
  const { summary, actions, ...head } = documentBody(plan)
  return { ...head, planDigest: planDocumentDigest({ ...head, summary, actions }), summary, actions }
}

/**
 * Hex SHA-256 of a plan document without its `planDigest`, over canonical JSON (keys
 * sorted, no spacing), so re-indenting the file changes nothing but editing any value
 * (an action, a key, an ETag, an option) does. It catches hand edits and damage; it is
 * not a signature: whoever edits the file on purpose can compute it again.
 */
export function planDocumentDigest(document: object): string {
  const { planDigest: _ignored, ...body } = document as Record<string, unknown>
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

/** JSON with object keys sorted and undefined members left out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function documentBody(plan: PlanWithOrigin): Omit<PlanDocument, 'planDigest'> {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    version: 1,
    planId: plan.origin.planId,
    bucket: plan.bucket,
    manifest: plan.origin.manifest,
    manifestDigest: plan.manifestDigest,
    summary: plan.summary,
    actions: plan.items.map(documentAction),
    ...(plan.prune ? { prune: plan.prune } : {}),
    ...(plan.shard ? { shard: plan.shard } : {}),
    ...(plan.bucketFacts ? { bucketFacts: plan.bucketFacts } : {}),
    ...(plan.compatibility ? { compatibility: plan.compatibility } : {}),
    ...(plan.warnings ? { warnings: plan.warnings } : {}),
    ...confinementOf(plan),
  }
}

/** The plan's optional confinement fields, those present. */
function confinementOf(plan: Pick<PlanDocument, 'allowOutside' | 'skippedLinks'>): Pick<PlanDocument, 'allowOutside' | 'skippedLinks'> {
  return { ...(plan.allowOutside ? { allowOutside: plan.allowOutside } : {}), ...(plan.skippedLinks ? { skippedLinks: plan.skippedLinks } : {}) }
}

function documentAction(item: PlanItem): PlanDocumentAction {
  const action: PlanDocumentAction = { key: item.key, action: item.action, reasons: item.reasons, size: item.size }
  if (item.phase !== undefined) action.phase = item.phase
  if (item.action !== 'delete') action.source = item.source
  if ('remoteEtag' in item && item.remoteEtag !== undefined) action.remoteEtag = item.remoteEtag
  if (item.action === 'repair') action.repairs = item.repairs
  if (item.action !== 'delete') {
    action.local = item.local
    action.options = withoutSecrets(item.options)
    if (item.origins !== undefined) action.origins = item.origins
    if (item.compress !== undefined) action.compress = item.compress
  }
  return action
}

/** Back to a plan value; the document must already be schema-valid (which guarantees the fields each action needs). Secrets stay redacted. */
export function fromPlanDocument(document: PlanDocument): PlanWithOrigin {
  const items = document.actions.map((action): PlanItem => {
    const { key, reasons, size } = action
    const phase = action.phase && { phase: action.phase }
    if (action.action === 'delete') return { action: 'delete', key, reasons, size, remoteEtag: action.remoteEtag!, ...phase }
    const base = { key, reasons, size, ...phase, source: action.source!, local: action.local!, options: action.options!, ...(action.origins && { origins: action.origins }), ...(action.compress && { compress: action.compress }) }
    switch (action.action) {
      case 'create':
        return { action: 'create', ...base }
      case 'repair':
        return { action: 'repair', remoteEtag: action.remoteEtag!, repairs: action.repairs!, ...base }
      case 'conflict':
        return { action: 'conflict', ...base, ...(action.remoteEtag !== undefined ? { remoteEtag: action.remoteEtag } : {}) }
      default:
        return { action: action.action, remoteEtag: action.remoteEtag!, ...base }
    }
  })
  const origin = { planId: document.planId, manifest: document.manifest }
  return { bucket: document.bucket, manifestDigest: document.manifestDigest, summary: summarise(items), items, origin, ...(document.prune ? { prune: document.prune } : {}),
    ...(document.shard ? { shard: document.shard } : {}),
    ...(document.bucketFacts ? { bucketFacts: document.bucketFacts } : {}),
    ...(document.compatibility ? { compatibility: document.compatibility } : {}),
    ...(document.warnings ? { warnings: document.warnings } : {}),
    ...confinementOf(document),
  }
}
