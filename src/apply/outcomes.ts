import { compareContent } from '../plan/content-identity.js'
import { optionDrift } from '../plan/option-drift.js'
import type { PutOptions } from '../plan/put-options.js'
import type { RepairItem, UploadItem } from '../plan/plan.js'
import type { RemoteObject } from '../plan/remote-object.js'
import type { CopyObjectResult, PutObjectResult } from '../s3/index.js'
import { S3ServiceError } from '../s3/s3-errors.js'
import type { ApplySummary, ObjectOutcome } from './apply-types.js'
import { OUTCOMES } from './apply-types.js'
import { findSourceChanged } from './source-changed-error.js'

export type WriteItem = UploadItem

/** Every item apply sends a request for: an upload of its bytes, or a repair of its options. */
export type AppliedItem = UploadItem | RepairItem

/** Outcomes that leave the bucket as the plan meant: a phase starts only after every one of the phase before is one of these. */
const AS_PLANNED = new Set<ObjectOutcome['outcome']>(['created', 'updated', 'repaired', 'unchanged', 'deleted'])

export function endedAsPlanned(outcome: ObjectOutcome): boolean {
  return AS_PLANNED.has(outcome.outcome)
}

/** What a write that happened did: created, updated, or (sending no bytes) repaired. */
function doneOutcome(item: AppliedItem): Pick<ObjectOutcome, 'outcome' | 'bytes' | 'repairs'> {
  if (item.action === 'repair') return { outcome: 'repaired', bytes: 0, repairs: item.repairs }
  return { outcome: item.action === 'create' ? 'created' : 'updated', bytes: item.size }
}

/** What a failed write means; decided from the error alone. */
export type FailureMeaning =
  /** 412, or a 409 ConditionalRequestConflict that outlived the retries: the bucket moved since the plan (or our own earlier attempt landed). */
  | { kind: 'precondition' }
  /** The request may have landed before its answer was lost (Complete retried into NoSuchUpload): the bucket decides. */
  | { kind: 'maybe-landed'; reason: string }
  /** The file is not what the plan hashed. */
  | { kind: 'source-changed'; reason: string }
  | { kind: 'failed'; reason: string }

export function classifyFailure(error: unknown): FailureMeaning {
  const changed = findSourceChanged(error)
  if (changed) return { kind: 'source-changed', reason: changed.message }
  if (error instanceof S3ServiceError) {
    if (error.status === 412) return { kind: 'precondition' }
    if (error.status === 409 && error.s3Code === 'ConditionalRequestConflict') return { kind: 'precondition' }
    // S3 answers an If-Match write to a key deleted since the plan with 404.
    if (error.status === 404 && error.s3Code === 'NoSuchKey' && error.operation !== 'HeadObject') return { kind: 'precondition' }
    if (error.s3Code === 'NoSuchUpload' && error.operation === 'CompleteMultipartUpload') return { kind: 'maybe-landed', reason: error.message }
    if (error.status === 400 && error.s3Code === 'BadDigest') {
      return { kind: 'source-changed', reason: 'the file changed during the upload: S3 found bytes that differ from the planned digest (BadDigest)' }
    }
  }
  return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) }
}

export function conflictReason(action: AppliedItem['action']): string {
  return action === 'create' ? 'created by someone else since the plan' : 'changed in the bucket since the plan'
}

/**
 * After a precondition failure, what the object now in the bucket says. The client
 * retries dropped connections, so a 412 may answer our own earlier attempt that landed:
 * when the bucket holds exactly the planned bytes and headers, the write happened (a
 * create-only object present with identical content is `unchanged`, as the plan would
 * say). Anything else is a conflict: never overwritten. `options` are the ones sent,
 * secrets included.
 */
export function outcomeAfterPrecondition(item: AppliedItem, options: PutOptions, remote: RemoteObject | undefined): ObjectOutcome {
  const base = { key: item.key, action: item.action, bytes: 0 }
  if (remote === undefined) {
    return { ...base, outcome: 'conflict', reason: item.action === 'create' ? conflictReason('create') : 'deleted from the bucket since the plan' }
  }
  if (item.action === 'create' && item.options.ifNoneMatch === '*' && holdsPlannedBytes(item, remote)) {
    return { ...base, ...found(remote), outcome: 'unchanged', reason: 'already present with identical content (create-only)' }
  }
  return outcomeIfLanded(item, options, remote) ?? { ...base, outcome: 'conflict', reason: conflictReason(item.action) }
}

/**
 * The write counts as done when the bucket holds exactly the planned bytes with the
 * headers this write sets: the same bytes written by another client with other headers
 * are that client's write, not ours.
 */
export function outcomeIfLanded(item: AppliedItem, options: PutOptions, remote: RemoteObject | undefined): ObjectOutcome | undefined {
  if (remote === undefined || !holdsPlannedBytes(item, remote) || optionDrift(options, remote).length > 0) return undefined
  return { key: item.key, action: item.action, reason: 'the bucket already holds the planned bytes (an earlier attempt landed)', ...found(remote), ...doneOutcome(item) }
}

/** By the plan's own rule of content identity, which never guesses "same". */
function holdsPlannedBytes(item: AppliedItem, remote: RemoteObject): boolean {
  return compareContent(item.local, remote).same === true
}

function found(remote: RemoteObject): Pick<ObjectOutcome, 'etag' | 'versionId' | 'checksums'> {
  return { etag: remote.etag, ...(remote.versionId === undefined ? {} : { versionId: remote.versionId }), checksums: remote.checksums }
}

/** The report entry of a write S3 accepted. */
export function outcomeOfWrite(item: WriteItem, result: PutObjectResult, attempts: number): ObjectOutcome {
  const outcome: ObjectOutcome = { key: item.key, action: item.action, ...doneOutcome(item), etag: result.etag, checksums: result.checksums, attempts }
  return withAnswer(outcome, result)
}

/** The report entry of a repair S3 accepted: with the copy's answer when it copied, else the operations alone. */
export function outcomeOfRepair(item: RepairItem, copied?: CopyObjectResult): ObjectOutcome {
  const outcome: ObjectOutcome = { key: item.key, action: item.action, ...doneOutcome(item) }
  if (copied === undefined) return outcome
  outcome.etag = copied.etag
  outcome.checksums = copied.checksums
  return withAnswer(outcome, copied)
}

/** S3's answer's other fields, those it sent. */
function withAnswer(outcome: ObjectOutcome, result: CopyObjectResult): ObjectOutcome {
  const copy = ['lastModified', 'versionId', 'expiration', 'serverSideEncryption', 'ssekmsKeyId', 'bucketKeyEnabled', 'requestCharged'] as const
  for (const field of copy) {
    const value = result[field]
    if (value !== undefined) (outcome as unknown as Record<string, unknown>)[field] = value
  }
  return outcome
}

export function summariseOutcomes(items: readonly ObjectOutcome[]): ApplySummary {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as ApplySummary
  for (const item of items) summary[item.outcome]++
  return summary
}
