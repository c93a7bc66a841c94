import type { ApplyReport, ObjectOutcome } from '../apply/index.js'
import type { Manifest } from '../manifest/index.js'
import type { FilePlanItem, Plan } from '../plan/index.js'
import { storedHeaderOptions, type ObjectStore } from '../s3/index.js'
import {
  listKeys,
  recordOfCopy,
  recordOfRemote,
  recordOfWrite,
  recordStands,
  rememberApplied,
  updateState,
  type CompressedFrom,
  type StateAccess,
  type StateDocument,
  type StateRecord,
} from '../state/index.js'
import { bucketRequestOptions } from './bucket-request-options.js'
import type { PlanResult } from './make-plan.js'
import { optionsWithSecrets } from './options-with-secrets.js'
import { sameSource } from './recorded-body.js'

/**
 * After apply, the state record learns every object this run wrote (its LastModified read
 * back with one LIST), repaired by a copy (ETag and LastModified from the copy's answer),
 * or verified unchanged with HeadObject. Records of other keys are kept: a record is only
 * ever trusted while LIST shows its exact write, so an old one is harmless. Objects that
 * failed or conflicted lose theirs, and so do deleted ones, in the same write; a delete
 * that failed or was held back keeps its record, to be deleted by a later apply. `fresh` is
 * what the plan read: the facts it was computed from and the record itself (for a saved
 * plan, the record as apply read it, and no facts). `sources`: for objects with `compress`,
 * their files as this run read them, to compress them or to know them again; the record of
 * each such object this apply wrote, or found holding the plan's bytes, keeps it
 * (`compressedFrom`), and a record from before putplan kept one gains it. `appliedPlan`:
 * the digest of a saved plan this apply completed, which the record remembers so that it
 * is not applied twice.
 */
export async function recordApply(
  store: ObjectStore,
  access: StateAccess,
  manifest: Manifest,
  plan: Plan,
  fresh: Pick<PlanResult, 'facts' | 'state'> | undefined,
  report: ApplyReport,
  sources: ReadonlyMap<string, CompressedFrom>,
  appliedPlan?: string,
): Promise<void> {
  // A copy in parts answers without LastModified: LIST tells it, as for an upload.
  const written = report.items.filter((o) => o.outcome === 'created' || o.outcome === 'updated' || (copied(o) && o.lastModified === undefined))
  const listed = await listKeys(store, written.map((o) => o.key), bucketRequestOptions(manifest))
  const planned = new Map(plan.items.filter((item) => item.action !== 'delete').map((item) => [item.key, item]))
  // The record keeps the MD5 of the SSE-C key sent, which a saved plan does not hold.
  const withSecrets = optionsWithSecrets(manifest)
  const verified = new Map((fresh?.facts ?? []).map((f) => [f.desired.key, f.remote]))
  const recorded = fresh?.state?.document.objects ?? {}

  const learnt = new Map<string, StateRecord | undefined>()
  for (const outcome of report.items) {
    const key = outcome.key
    if (outcome.outcome === 'created' || outcome.outcome === 'updated') {
      const seen = listed.get(key)
      const item = planned.get(key)
      const sent = withSecrets.get(key) ?? item?.options
      // LIST must show this very write: another writer may have followed it.
      const etag = outcome.etag
      const ours = etag !== undefined && seen?.lastModified !== undefined && seen.etag === etag
      const local = report.readDigests?.get(key) ?? item?.local
      learnt.set(key, ours && local && sent ? withSource(recordOfWrite(sent, local, { ...outcome, etag }, storedHeaderOptions(sent, outcome), seen.lastModified!), item, sources) : undefined)
    } else if (copied(outcome)) {
      const item = planned.get(key)
      const sent = withSecrets.get(key) ?? item?.options
      const seen = listed.get(key)
      const lastModified = outcome.lastModified ?? (seen?.etag === outcome.etag ? seen?.lastModified : undefined)
      const record = item && sent && lastModified !== undefined && recordOfCopy(sent, item.local, { ...outcome, etag: outcome.etag! }, storedHeaderOptions(sent, outcome), lastModified)
      learnt.set(key, record ? withSource(record, item, sources) : undefined)
    } else if (outcome.outcome === 'unchanged' || outcome.outcome === 'repaired') {
      const remote = verified.get(key)
      // Retention and legal hold changed without a rewrite; no record vouches for them anyway.
      if (remote?.lastModified === undefined || outcome.repairs?.some((op) => op === 'retention' || op === 'legal-hold')) continue
      // Most unchanged objects were judged by their record, which needs no rewrite (unless it gains its file's fingerprint).
      const standing = recordStands(recorded[key], remote) ? recorded[key]! : undefined
      const record = withSource(standing ?? recordOfRemote(remote, remote.lastModified), planned.get(key), sources)
      if (record !== standing) learnt.set(key, record)
    } else if (outcome.outcome === 'deleted' || outcome.outcome === 'conflict' || (outcome.outcome === 'failed' && outcome.action !== 'delete')) {
      // A delete in conflict met another client's write: the object is theirs now.
      learnt.set(key, undefined)
    }
  }
  if (learnt.size === 0 && appliedPlan === undefined) return
  const change = (document: StateDocument): StateDocument => {
    const objects = { ...document.objects }
    for (const [key, record] of learnt) {
      if (record) objects[key] = record
      else delete objects[key]
    }
    return { ...document, objects, ...(appliedPlan === undefined ? {} : { appliedPlans: rememberApplied(document.appliedPlans, appliedPlan) }) }
  }
  await updateState(access, change, { current: fresh?.state })
}

/**
 * `record` with the fingerprint of the file its compressed bytes were made from, read in
 * this run (as `item` planned them: the plan's digests of the copy, or the record's, which
 * the file was found to give): unchanged when it holds that one already, or has no file.
 */
function withSource(record: StateRecord, item: FilePlanItem | undefined, sources: ReadonlyMap<string, CompressedFrom>): StateRecord {
  const source = item && sources.get(item.key)
  if (source === undefined || item?.compress !== source.coding) return record
  if (record.compressedFrom !== undefined && sameSource(record.compressedFrom, source)) return record
  return { ...record, compressedFrom: source }
}

/** A repair that rewrote the object (a copy onto itself): its answer has the new ETag. */
function copied(outcome: ObjectOutcome): boolean {
  return outcome.outcome === 'repaired' && outcome.etag !== undefined
}
