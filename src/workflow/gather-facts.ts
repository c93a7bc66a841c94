import { FileChangedError, hashFile, type MultipartPolicy } from '../local/index.js'
import { PutplanError } from '../errors/index.js'
import { ACL_OPTIONS, optionsWhere, type DesiredObject, type ObjectFacts, type RemoteObject } from '../plan/index.js'
import { S3ServiceError, type ObjectStore, type RequestOptions } from '../s3/index.js'
import type { EarlyHashes } from './early-hashes.js'
import { hashOptions } from './hash-options.js'
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
}

/**
 * For each desired object: what the bucket holds (HeadObject, and tagging/ACL only where
 * the manifest declares them), then the file's digests, computed in one read with exactly
 * the algorithms and part size the bucket's evidence calls for.
 */
export async function gatherFacts(objects: readonly DesiredObject[], options: GatherOptions): Promise<ObjectFacts[]> {
  let done = 0
  return mapBounded(objects, options.concurrency, async (desired) => {
    const remote = await readRemote(options.store, desired, options.known?.get(desired.key))
    const local = await hashLocal(desired, remote, options.multipart, options.early)
    options.onObject?.(++done, objects.length)
    return { desired, local, remote }
  })
}

async function readRemote(store: ObjectStore, desired: DesiredObject, known: RemoteObject | null | undefined): Promise<RemoteObject | undefined> {
  const { options, key } = desired
  const request: RequestOptions = { expectedBucketOwner: options.expectedBucketOwner, requestPayer: options.requestPayer }
  const sseCustomer = options.sseCustomerKey === undefined ? undefined : { sseCustomerAlgorithm: options.sseCustomerAlgorithm ?? 'AES256', sseCustomerKey: options.sseCustomerKey }
  if (known === null) return undefined
  // Retention and legal hold change without a rewrite: a record cannot vouch for them.
  const trusted = known !== undefined && !declaresObjectLock(desired)
  const remote = trusted ? { ...known } : await remoteCall(key, 's3:GetObject', () => store.headObject(key, { sseCustomer, ...request }))
  if (remote === undefined) return undefined
  if (options.tagging !== undefined) remote.tagging = await remoteCall(key, 's3:GetObjectTagging', () => store.getObjectTagging(key, request))
  if (declaresAcl(desired)) remote.acl = await remoteCall(key, 's3:GetObjectAcl', () => store.getObjectAcl(key, request))
  // A record of the write may already tell the part size.
  if (remote.firstPartSize === undefined && needsPartSize(remote)) {
    const part = await remoteCall(key, 's3:GetObject', () => store.headObject(key, { partNumber: 1, sseCustomer, ...request }))
    if (part?.firstPartSize !== undefined) remote.firstPartSize = part.firstPartSize
  }
  return remote
}

/**
 * A multipart object without a full-object checksum can only be judged with its part size.
 * A checksum whose type the store does not report may be composite (see content identity).
 */
function needsPartSize(remote: RemoteObject): boolean {
  const multipart = /-\d+$/.test(remote.etag)
  const fullChecksum = remote.checksumType === 'FULL_OBJECT' && Object.keys(remote.checksums).length > 0
  return multipart && !fullChecksum
}

async function hashLocal(desired: DesiredObject, remote: RemoteObject | undefined, policy: MultipartPolicy, early: EarlyHashes | undefined) {
  const options = hashOptions(desired.options, remote, policy)
  const ready = early?.take(desired, options)
  try {
    return (ready && (await ready)) || (await hashFile(desired.sourcePath, options))
  } catch (error) {
    throw fileError(desired, error)
  }
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
