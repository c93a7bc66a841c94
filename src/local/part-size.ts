/**
 * How putplan splits a file into parts: the single policy both the plan (to predict a
 * multipart ETag) and apply (to upload) use, so that a plan run right after apply
 * recomputes the very ETag S3 returned.
 *
 * 16 MiB threshold and parts: files up to 16 MiB go in one PutObject, whose ETag is the
 * plain MD5 (the simplest evidence there is); above it, a failed part costs at most a
 * 16 MiB retry, a parallel part holds at most 16 MiB in flight, and there are half as many
 * requests as with the AWS CLI's 8 MiB.
 */
export interface MultipartPolicy {
  /** Files strictly larger than this are uploaded in parts. */
  threshold: number
  /** Preferred part size; grown for large files, see `partSizeFor`. */
  partSize: number
  /**
   * The store's limits; S3's when absent. Only S3-compatible stores with other limits,
   * and tests that want small parts, set them.
   */
  minPartSize?: number
  maxPartSize?: number
  maxParts?: number
}

const MiB = 1024 * 1024

/** S3's limits on multipart uploads. */
export const S3_MIN_PART_SIZE = 5 * MiB
export const S3_MAX_PART_SIZE = 5 * 1024 * MiB
export const S3_MAX_PARTS = 10_000

export const DEFAULT_MULTIPART_POLICY: Readonly<MultipartPolicy> = Object.freeze({
  threshold: 16 * MiB,
  partSize: 16 * MiB,
})

export function isMultipart(size: number, policy: MultipartPolicy = DEFAULT_MULTIPART_POLICY): boolean {
  return size > policy.threshold
}

/**
 * The part size for a file of `size` bytes: the preferred size raised to S3's minimum,
 * then doubled until the file fits in 10,000 parts (as the AWS CLI does). Doubling keeps
 * part sizes a power-of-two multiple of the preferred one, so they stay predictable.
 * Throws a RangeError when no allowed part size fits.
 */
export function partSizeFor(size: number, policy: MultipartPolicy = DEFAULT_MULTIPART_POLICY): number {
  const { minPartSize = S3_MIN_PART_SIZE, maxPartSize = S3_MAX_PART_SIZE, maxParts = S3_MAX_PARTS } = policy
  if (Math.ceil(size / maxPartSize) > maxParts) {
    throw new RangeError(`${size} bytes do not fit in ${maxParts} parts of at most ${maxPartSize} bytes`)
  }
  let partSize = Math.max(policy.partSize, minPartSize)
  while (Math.ceil(size / partSize) > maxParts) partSize *= 2
  // Doubling can overshoot the maximum where the maximum itself still fits.
  return Math.min(partSize, maxPartSize)
}
