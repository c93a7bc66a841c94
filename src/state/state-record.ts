import { cutOf, isCompositeAlgorithm, uploadChecksumAlgorithm, type ChecksumAlgorithm, type Compression, type LocalDigest, type PutOptions, type RemoteHeaderOptions, type RemoteObject } from '../plan/index.js'

export const STATE_FORMAT_VERSION = 1

/**
 * putplan's record of what it wrote or verified, kept in the bucket (the manifest's
 * `state`). S3 cannot change an object's bytes or headers without rewriting it, which
 * changes its ETag or LastModified; so while LIST shows the recorded write, the record
 * stands for the object and HeadObject is not needed.
 */
export interface StateDocument {
  formatVersion: typeof STATE_FORMAT_VERSION
  bucket: string
  /** By object key. */
  objects: Record<string, StateRecord>
  /**
   * The `planDigest` of the saved plans applied to the bucket, oldest first, the last
   * `APPLIED_PLANS_KEPT`: applying one again is refused. Absent until one is applied.
   */
  appliedPlans?: string[]
}

/** Saved plans remembered: an older one applied again is still refused, by its objects (see `workflow/check-unapplied.ts`). */
export const APPLIED_PLANS_KEPT = 100

/** The list of applied plans with `planDigest` added last. */
export function rememberApplied(applied: readonly string[] | undefined, planDigest: string): string[] {
  return [...(applied ?? []).filter((digest) => digest !== planDigest), planDigest].slice(-APPLIED_PLANS_KEPT)
}

/**
 * The object as HeadObject would report it, at the write it describes; for a multipart
 * object also what is known of its cut (part 1, or every part's size), so that a plan
 * need not ask HeadObject `partNumber=N` again.
 * `written`: putplan made this write itself (absent: it only verified an object another
 * client wrote). Prune deletes only written objects.
 */
export type StateRecord = Omit<RemoteObject, 'tagging' | 'acl' | 'versionId' | 'lastModified'> & { lastModified: string; written?: true; compressedFrom?: CompressedFrom }

/**
 * For an object whose bytes are a file compressed by putplan (`compress`): the file those
 * bytes were made from, and how. While the record stands for the object and the file, the
 * coding and the settings are still these, the object's bytes are what compressing the file
 * now would give (compression is deterministic), so a plan need not compress it again.
 * Absent in records written before putplan kept it, and for every other object.
 */
export interface CompressedFrom {
  /** The file's size in bytes. */
  size: number
  /** The file's SHA-256, base64. */
  sha256: string
  coding: Compression
  /** What else decides the compressed bytes (level, header, input pieces): another value means another compression. */
  settings: string
}

/** The record's `compressedFrom`, when the record describes the write `remote` shows (LIST's or HeadObject's facts); else undefined. */
export function recordedSource(record: StateRecord | undefined, remote: RemoteObject): CompressedFrom | undefined {
  return record?.compressedFrom !== undefined && sameWrite(record, remote) ? record.compressedFrom : undefined
}

/** What LIST says of a key. */
export interface ListedFacts {
  etag: string
  size: number
  lastModified?: string
  storageClass: string
}

/** The record as the object's state, while LIST still shows that same write. */
export function trustRecord(record: StateRecord | undefined, listed: ListedFacts): RemoteObject | undefined {
  if (!record || !sameWrite(record, listed)) return undefined
  // A lifecycle transition changes the storage class without a rewrite; LIST reports it.
  if (record.headers.storageClass === listed.storageClass) return record
  return { ...record, headers: { ...record.headers, storageClass: listed.storageClass } }
}

/**
 * Whether `record` already describes the write `remote` shows (as a plan that trusted it
 * saw it), and knows all the plan learnt of it: part sizes learnt once need no HeadObject again.
 */
export function recordStands(record: StateRecord | undefined, remote: RemoteObject): boolean {
  if (record === undefined || !sameWrite(record, remote) || record.headers.storageClass !== remote.headers.storageClass) return false
  return remote.partSizes === undefined || record.partSizes !== undefined
}

/** Whether what LIST or HeadObject shows is the write `record` describes: S3 cannot change an object without a new ETag or LastModified. */
function sameWrite(record: StateRecord, seen: { etag: string; size: number; lastModified?: string }): boolean {
  if (seen.lastModified === undefined) return false
  return record.etag === seen.etag && record.size === seen.size && sameSecond(record.lastModified, seen.lastModified)
}

/**
 * A record of what HeadObject reported (an object verified unchanged), or of a record that
 * stood for the object with a new storage class (a lifecycle transition, which keeps its
 * `written` mark: the write is still putplan's).
 */
export function recordOfRemote(remote: RemoteObject & Pick<StateRecord, 'written'>, lastModified: string): StateRecord {
  const { tagging: _t, acl: _a, versionId: _v, lastModified: _l, ...rest } = remote
  return { lastModified: secondOf(lastModified), ...rest }
}

/** What a successful PutObject (or CompleteMultipartUpload) answered. */
export interface WriteResult {
  etag: string
  checksums?: Partial<Record<ChecksumAlgorithm, string>>
}

/**
 * A record of an object putplan just wrote with `options`, from what S3 answered and the
 * headers HeadObject would now report (`headers`: the s3 client derives them from the
 * request and the answer's encryption).
 */
export function recordOfWrite(options: PutOptions, local: LocalDigest, result: WriteResult, headers: RemoteHeaderOptions, lastModified: string): StateRecord {
  const algorithm = uploadChecksumAlgorithm(options)
  const parts = /-(\d+)$/.exec(result.etag)?.[1]
  const composite = local.multipart !== undefined && isCompositeAlgorithm(algorithm)
  // Apply cuts the file as the plan's digest was: a plan that trusts the record knows every part's size.
  const cut = parts !== undefined && local.multipart !== undefined ? cutOf(local.multipart, local.size) : undefined
  return {
    etag: result.etag,
    size: local.size,
    lastModified: secondOf(lastModified),
    written: true,
    checksums: { ...sentChecksum(algorithm, local, composite), ...result.checksums },
    checksumType: composite ? 'COMPOSITE' : 'FULL_OBJECT',
    ...(parts === undefined ? {} : { partCount: Number(parts) }),
    ...(cut?.length === Number(parts) ? { firstPartSize: cut[0]!, partSizes: [...cut] } : {}),
    headers,
  }
}

/**
 * A record of an object putplan repaired by copying it onto itself: the planned bytes (the
 * copy required their ETag), stored anew with `options` and a full-object checksum of
 * their algorithm, whose value the file gives when the answer does not; the ETag and
 * LastModified are the copy's. Undefined after a copy in parts with a SHA algorithm,
 * whose composite checksum depends on a cut no record holds: the next plan asks HeadObject.
 */
export function recordOfCopy(options: PutOptions, local: LocalDigest, result: WriteResult, headers: RemoteHeaderOptions, lastModified: string): StateRecord | undefined {
  const algorithm = uploadChecksumAlgorithm(options)
  if (/-\d+$/.test(result.etag) && (algorithm === 'SHA1' || algorithm === 'SHA256')) return undefined
  // The copy is no upload in parts of the file: its part size is not the file's.
  return recordOfWrite(options, { size: local.size, checksums: local.checksums }, result, headers, lastModified)
}

/**
 * The checksum putplan sent, which S3 verified before it stored the object: the record
 * holds it even when the answer does not repeat it (moto's CompleteMultipartUpload does
 * not), else a plan trusting the record would see `checksumAlgorithm` drift after every
 * apply, and apply would rewrite the object every time.
 */
function sentChecksum(algorithm: ChecksumAlgorithm, local: LocalDigest, composite: boolean): Partial<Record<ChecksumAlgorithm, string>> {
  const value = composite ? local.multipart?.compositeChecksums[algorithm] : local.checksums[algorithm]
  return value === undefined ? {} : { [algorithm]: value }
}

/** LIST reports milliseconds, HeadObject seconds: records keep seconds. */
function secondOf(date: string): string {
  const time = Date.parse(date)
  return Number.isNaN(time) ? date : new Date(Math.floor(time / 1000) * 1000).toISOString()
}

function sameSecond(a: string, b: string): boolean {
  return secondOf(a) === secondOf(b)
}
