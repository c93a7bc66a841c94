import { FileChangedError, hashFile, type MultipartPolicy } from '../local/index.js'
import { PutplanError } from '../errors/index.js'
import { ACL_OPTIONS, compareContent, cutOf, evidenceNeeded, optionsFix, optionsWhere, remoteCut, remotePartCount, sameCut, type DesiredObject, type LocalDigest, type ObjectFacts, type RemoteObject } from '../plan/index.js'
import { S3ServiceError, type HeadObjectOptions, type ObjectStore } from '../s3/index.js'
import { recordedSource, type StateRecord } from '../state/index.js'
import type { CompressedBodies } from './compressed-bodies.js'
import type { EarlyHashes } from './early-hashes.js'
import { hashOptions } from './hash-options.js'
import { recordedBody, sameSource, sourceToMatch } from './recorded-body.js'
import { mapBounded } from '../util/map-bounded.js'

export interface GatherOptions {
  store: ObjectStore
  concurrency: number
  multipart: MultipartPolicy
  /**
   * What is already known without HeadObject (from LIST and the state record): the object
   * as recorded, or `null` when LIST shows no such key. Keys absent here are asked.
   */
  known?: ReadonlyMap<string, RemoteObject | null>
  onObject?: (done: number, total: number) => void
  /** Digests computed while the bucket was being read; used where they are what is needed. */
  early?: EarlyHashes
  /** Files that, when created, apply reads and hashes as it uploads them: the plan does not read them. */
  readInApply?: (desired: DesiredObject) => boolean
  /** The compressed copies of objects with `compress` (needed when there are any): made only for those the record does not vouch for. */
  bodies?: CompressedBodies
  /** The state record's objects, when it was read and may be trusted (not with `--refresh`). */
  records?: Readonly<Record<string, StateRecord>>
}

/**
 * For each desired object: what the bucket holds (HeadObject, and tagging/ACL only where
 * the manifest declares them), then the file's digests, computed in one read with exactly
 * the algorithms and cut into parts the bucket's evidence calls for.
 */
export async function gatherFacts(objects: readonly DesiredObject[], options: GatherOptions): Promise<ObjectFacts[]> {
  let done = 0
  return mapBounded(objects, options.concurrency, async (given) => {
    const remote = await readRemote(options.store, given, options.known?.get(given.key))
    if (remote === undefined && options.readInApply?.(given)) {
      options.onObject?.(++done, objects.length)
      return { desired: given, local: await unreadLocal(given, options), remote }
    }
    const recorded = given.compress === undefined ? undefined : await recordedCompression(given, remote, options)
    if (recorded !== undefined) {
      options.onObject?.(++done, objects.length)
      return { desired: { ...given, size: recorded.size }, local: recorded, remote }
    }
    const desired = given.compress === undefined ? given : await compressedBody(given, options.bodies)
    let local = await hashLocal(desired, remote, options.multipart, options.early)
    // Digests under a cut assumed from part 1 prove a match, never a difference: learn every
    // part's size, and hash again when the cut was another.
    if (remote !== undefined && remoteCut(remote)?.exact === false && compareContent(local, remote).same === undefined) {
      await learnCut(options.store, desired, remote, 'exact')
      if (remote.partSizes !== undefined && !(local.multipart && sameCut(remote.partSizes, cutOf(local.multipart, local.size)))) {
        local = await hashLocal(desired, remote, options.multipart, undefined)
      }
    }
    options.onObject?.(++done, objects.length)
    return { desired, local, remote }
  })
}

/**
 * The digest of a compressed object's bytes as its state record gives it, when the record
 * stands for the object (LIST or HeadObject shows its write), names the file as it is now
 * (read, not compressed: a SHA-256 costs a fraction of a compression) and the plan needs no
 * more of the bytes (`recordedBody`). Undefined when the file must be compressed instead.
 */
async function recordedCompression(desired: DesiredObject, remote: RemoteObject | undefined, options: GatherOptions): Promise<LocalDigest | undefined> {
  const bodies = options.bodies
  const source = remote && bodies && sourceToMatch(recordedSource(options.records?.[desired.key], remote), desired)
  const body = source && recordedBody(remote, hashOptions(desired.options, remote, options.multipart), optionsFix(desired.options, remote))
  if (!source || !body) return undefined
  try {
    return sameSource(source, await bodies.fingerprint(desired)) ? body : undefined
  } catch (error) {
    throw fileError(desired, error)
  }
}

function compressedBody(desired: DesiredObject, bodies: CompressedBodies | undefined): Promise<DesiredObject> {
  if (bodies === undefined) throw new Error(`${desired.key}: an object with compress needs its compressed body`)
  return bodies.body(desired)
}

async function readRemote(store: ObjectStore, desired: DesiredObject, known: RemoteObject | null | undefined): Promise<RemoteObject | undefined> {
  const { options, key } = desired
  const request = requestOptions(desired)
  if (known === null) return undefined
  // Retention and legal hold change without a rewrite: a record cannot vouch for them.
  const trusted = known !== undefined && !declaresObjectLock(desired)
  const remote = trusted ? ownCopy(desired, known) : await remoteCall(key, 's3:GetObject', () => store.headObject(key, request))
  if (remote === undefined) return undefined
  if (options.tagging !== undefined) remote.tagging = await remoteCall(key, 's3:GetObjectTagging', () => store.getObjectTagging(key, request))
  if (declaresAcl(desired)) remote.acl = await remoteCall(key, 's3:GetObjectAcl', () => store.getObjectAcl(key, request))
  // A multipart object without a full-object checksum is judged by digests of its parts.
  if (remotePartCount(remote) !== undefined && evidenceNeeded(remote).parts !== undefined) await learnCut(store, desired, remote, 'assumed')
  return remote
}

/**
 * The record to learn more of in place (tags, the ACL, the cut into parts) is a copy: the
 * state record keeps it as read. The others, nearly all, are used as they are: a copy of
 * each would be held to the end of the plan.
 */
function ownCopy(desired: DesiredObject, known: RemoteObject): RemoteObject {
  const learns = desired.options.tagging !== undefined || declaresAcl(desired) || remotePartCount(known) !== undefined
  return learns ? { ...known } : known
}

/** The request options every HeadObject of the desired object repeats (the SSE-C key, the bucket owner, the payer). */
function requestOptions({ options }: DesiredObject): HeadObjectOptions {
  const request: HeadObjectOptions = { expectedBucketOwner: options.expectedBucketOwner, requestPayer: options.requestPayer }
  if (options.sseCustomerKey !== undefined) request.sseCustomer = { sseCustomerAlgorithm: options.sseCustomerAlgorithm ?? 'AES256', sseCustomerKey: options.sseCustomerKey }
  return request
}

/** HeadObject `partNumber=N` requests in flight for one object. */
const PART_HEADS_AT_ONCE = 4

/**
 * Learns `remote`'s cut into parts, in place, until it is known as `enough` asks: part 1
 * (HeadObject `partNumber=1`) suggests a uniform cut, which is `assumed` enough to try; the
 * size of every part but the last (which is the rest) makes it `exact`. A record of a
 * write may already tell either, and then nothing is asked.
 */
async function learnCut(store: ObjectStore, desired: DesiredObject, remote: RemoteObject, enough: 'assumed' | 'exact'): Promise<void> {
  const known = () => {
    const cut = remoteCut(remote)
    return cut !== undefined && (cut.exact || enough === 'assumed')
  }
  if (known()) return
  const { key } = desired
  const request = requestOptions(desired)
  const headPart = (partNumber: number) => remoteCall(key, 's3:GetObject', () => store.headPart(key, partNumber, request))
  if (remote.firstPartSize === undefined) {
    const first = await headPart(1)
    // A store that ignores partNumber answers with the whole object and no part count: it tells no cut.
    if (first?.partCount === undefined) return
    remote.firstPartSize = first.size
    remote.partCount ??= first.partCount
    if (known()) return
  }
  const count = remotePartCount(remote)
  if (count === undefined || count < 3) return
  const middle = Array.from({ length: count - 2 }, (_, i) => i + 2)
  const sizes = await mapBounded(middle, PART_HEADS_AT_ONCE, async (partNumber) => (await headPart(partNumber))?.size)
  if (sizes.some((size) => size === undefined)) return
  const told = [remote.firstPartSize, ...(sizes as number[])]
  const last = remote.size - told.reduce((sum, size) => sum + size, 0)
  if (last >= 0) remote.partSizes = [...told, last]
}

async function hashLocal(desired: DesiredObject, remote: RemoteObject | undefined, policy: MultipartPolicy, early: EarlyHashes | undefined) {
  const request = hashOptions(desired.options, remote, policy)
  const ready = early?.take(desired, request)
  try {
    return (ready && (await ready)) || (await hashFile(desired.sourcePath, request, { identity: desired.identity }))
  } catch (error) {
    throw fileError(desired, error)
  }
}

/** A create left to apply's read: its size alone, or the digests hashed while the bucket was listed. */
async function unreadLocal(desired: DesiredObject, options: GatherOptions): Promise<LocalDigest> {
  const early = options.early?.take(desired, hashOptions(desired.options, undefined, options.multipart))
  return (early && (await early)) || { size: desired.size, checksums: {} }
}

/** Options that change without a rewrite (their own calls repair them), so no record of a write vouches for them. */
const LOCK_OPTIONS = optionsWhere((spec) => spec.repair === 'retention' || spec.repair === 'legal-hold')

function declaresObjectLock({ options }: DesiredObject): boolean {
  return LOCK_OPTIONS.some((name) => options[name] !== undefined)
}

function declaresAcl({ options }: DesiredObject): boolean {
  return ACL_OPTIONS.some((name) => options[name] !== undefined)
}

/** Turns an S3 failure into a message naming the key and the permission it needed. */
async function remoteCall<T>(key: string, permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof S3ServiceError && error.status === 403) {
      throw new PutplanError('s3', `access denied reading "${key}" (${error.s3Code ?? '403'}): the credentials likely lack ${permission} on this bucket`)
    }
    if (error instanceof PutplanError) throw new PutplanError(error.code, `reading "${key}": ${error.message}`)
    throw error
  }
}

/** A failed read of a planned file, as the user needs it: which file, for which key. */
export function fileError(desired: DesiredObject, error: unknown): Error {
  if (error instanceof FileChangedError) return new PutplanError('file-changed', `${desired.source} changed while it was read; run the plan again`)
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return new PutplanError('file-unreadable', `${desired.source} (for key "${desired.key}") cannot be read: ${code}`)
  }
  return error as Error
}
