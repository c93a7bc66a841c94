import { compareContent } from './content-identity.js'
import type { DesiredObject } from './desired-object.js'
import { compareKeys } from './key-order.js'
import { optionDrift } from './option-drift.js'
import type { LocalDigest } from './local-digest.js'
import { planDeletes, type PruneFacts } from './plan-deletes.js'
import { uploadPhase } from './plan-phase.js'
import { summarise, type Plan, type PlanItem, type PlanShard, type RepairItem } from './plan.js'
import { chooseRepair } from './repair-choice.js'
import { CHECKSUM_PIN_FIELDS, type ChecksumPinField, type PutOptions } from './put-options.js'
import type { Reason } from './reason.js'
import type { RemoteObject } from './remote-object.js'

/** Everything known about one desired object: the diff's only input. */
export interface ObjectFacts {
  desired: DesiredObject
  local: LocalDigest
  /** `undefined` when the key does not exist in the bucket. */
  remote: RemoteObject | undefined
}

export interface PlanInput {
  bucket: string
  manifestDigest: string
  objects: readonly ObjectFacts[]
  /** With the manifest's `prune`: what the bucket and the state record say of the keys it no longer declares. */
  prune?: PruneFacts
  /** With `--shard K/N`: `objects` are that shard's alone, and there are no `prune` facts. */
  shard?: PlanShard
}

/** The diff: pure, so it is tested without a network, a file or a clock. */
export function computePlan(input: PlanInput): Plan {
  const items: PlanItem[] = input.objects.map(phasedItem)
  const pruned = input.prune && planDeletes(input.prune, new Set(input.objects.map((o) => o.desired.key)))
  if (pruned) items.push(...pruned.items.map((item) => ({ ...item, phase: 'deletes' as const })))
  items.sort((a, b) => compareKeys(a.key, b.key))
  const plan: Plan = { bucket: input.bucket, manifestDigest: input.manifestDigest, summary: summarise(items), items }
  if (pruned) plan.prune = pruned.report
  if (input.shard) plan.shard = input.shard
  return plan
}

/** The item, with its phase when apply acts on it. */
function phasedItem(facts: ObjectFacts): PlanItem {
  const item = planItem(facts)
  if (item.action === 'unchanged' || item.action === 'conflict') return item
  item.phase = uploadPhase(item.key, facts.desired.options.contentType, facts.desired.phase)
  return item
}

export function planItem({ desired, local, remote }: ObjectFacts): PlanItem {
  // Each literal names its own fields before spreading `base`: in Node 20, a literal that
  // starts with a spread and then adds fields gets a hidden class of its own, about 300
  // bytes per item that only a full garbage collection frees.
  const base = { key: desired.key, source: desired.source, size: local.size, local, options: desired.options, ...(desired.origins && { origins: desired.origins }), ...(desired.compress && { compress: desired.compress }) }
  const pinned = pinViolations(desired, local)
  if (pinned.length > 0) return { action: 'conflict', reasons: pinned, ...base, ...(remote && { remoteEtag: remote.etag }) }
  if (remote === undefined) return { action: 'create', reasons: [NEW_OBJECT], ...base }

  const content = compareContent(local, remote)
  if (desired.options.ifNoneMatch === '*') {
    // Create-only protects the bytes: options drifted on the same bytes are repaired in place, visibly.
    if (content.same === true) return fixOptions(optionDrift(desired.options, remote), remote, base, CREATE_ONLY_DRIFT)
    const exists: Reason = content.same === false ? { code: 'create-only-exists', option: 'ifNoneMatch' } : { code: 'create-only-exists', option: 'ifNoneMatch', why: content.why }
    return { action: 'conflict', reasons: [exists], remoteEtag: remote.etag, ...base }
  }

  const drift = optionDrift(desired.options, remote)
  if (content.same === undefined) {
    return { action: 'undecided', reasons: [{ code: 'content-unverified', option: 'content', why: content.why }, ...drift], remoteEtag: remote.etag, ...base }
  }
  if (content.same === false) {
    const changed: Reason = { code: 'content-changed', option: 'content', evidence: content.evidence, want: content.ours, have: content.theirs }
    return { action: 'update', reasons: [changed, ...drift], remoteEtag: remote.etag, ...base }
  }
  return fixOptions(drift, remote, base)
}

const NEW_OBJECT: Reason = { code: 'new-object', option: 'object' }
const CREATE_ONLY_DRIFT: Reason = { code: 'create-only-drift', option: 'ifNoneMatch' }

type ItemBase = Pick<RepairItem, 'key' | 'source' | 'size' | 'local' | 'options' | 'origins' | 'compress'>

/**
 * The bytes are right: options alone drifted, or nothing did. A drift is repaired in place
 * when its operations can (no byte is sent), else the object is uploaded again with the
 * reason, or, for a create-only object (`createOnly`), left alone as a conflict.
 */
function fixOptions(drift: Reason[], remote: RemoteObject, base: ItemBase, createOnly?: Reason): PlanItem {
  if (drift.length === 0) return { action: 'unchanged', reasons: [], remoteEtag: remote.etag, ...base }
  const choice = chooseRepair(drift, remote)
  if ('repairs' in choice) return { action: 'repair', reasons: drift, remoteEtag: remote.etag, repairs: choice.repairs, ...base }
  if (createOnly) return { action: 'conflict', reasons: [createOnly, ...drift, choice.upload], remoteEtag: remote.etag, ...base }
  return { action: 'update', reasons: [...drift, choice.upload], remoteEtag: remote.etag, ...base }
}

/**
 * What `planItem` does about `remote`'s options alone, whatever the bytes (unless the file
 * breaks a checksum the manifest pins, which makes it a conflict): nothing, a repair in
 * place, or an upload. Known before the file is read, so that its first read computes what
 * the write needs: an upload's checksum and Content-MD5, a copy's checksum.
 */
export function optionsFix(options: PutOptions, remote: RemoteObject): 'none' | 'repair' | 'upload' {
  const drift = optionDrift(options, remote)
  if (drift.length === 0) return 'none'
  if ('repairs' in chooseRepair(drift, remote)) return 'repair'
  return options.ifNoneMatch === '*' ? 'none' : 'upload'
}

/** A declared checksum is a promise about the file: a file that breaks it is not uploaded. */
function pinViolations(desired: DesiredObject, local: LocalDigest): Reason[] {
  const reasons: Reason[] = []
  for (const [field, algorithm] of Object.entries(CHECKSUM_PIN_FIELDS) as [ChecksumPinField, keyof typeof local.checksums][]) {
    const pinned = desired.options[field]
    if (pinned === undefined) continue
    const actual = local.checksums[algorithm]
    if (actual !== pinned) reasons.push({ code: 'pin-broken', option: field, want: pinned, ...(actual === undefined ? {} : { have: actual }) })
  }
  return reasons
}
