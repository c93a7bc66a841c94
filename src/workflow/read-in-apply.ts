import { isMultipart, type MultipartPolicy } from '../local/index.js'
import { CHECKSUM_PIN_FIELDS, type DesiredObject } from '../plan/index.js'

/**
 * Files up to this size that a fresh `apply` creates are read once, by the upload: the
 * bytes sent are the bytes hashed, held in memory meanwhile. At 16 requests in flight
 * that is at most 128 MiB of bodies; larger files keep the plan's read and a body that
 * streams from the file.
 */
export const READ_IN_APPLY_LIMIT = 8 * 1024 * 1024

/** Below this, files are hashed while the bucket is listed (`EarlyHashes`), and a second read costs less than it saves. */
const READ_IN_APPLY_MIN = 64 * 1024

/**
 * Whether a fresh apply leaves the digests of a file it creates to the upload's one read
 * instead of hashing it in the plan and again while it streams: a file sent in one
 * PutObject, no checksum pinned (the plan checks pins), of a size in between, and not
 * compressed (its body is putplan's own copy, hashed once by the plan when it is made).
 */
export function readInApply({ size, options, compress }: Pick<DesiredObject, 'size' | 'options' | 'compress'>, policy: MultipartPolicy): boolean {
  if (compress !== undefined || size <= READ_IN_APPLY_MIN || size > READ_IN_APPLY_LIMIT || isMultipart(size, policy)) return false
  return Object.keys(CHECKSUM_PIN_FIELDS).every((field) => options[field as keyof typeof CHECKSUM_PIN_FIELDS] === undefined)
}
