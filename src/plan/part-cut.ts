import type { MultipartDigest } from './local-digest.js'
import type { RemoteObject } from './remote-object.js'

/**
 * How a multipart object was cut into parts. Its ETag and composite checksums are digests
 * of per-part digests, so they can be recomputed only with the very cut: another cut of the
 * same bytes gives another value. Most uploaders cut parts of one size with the rest last,
 * but not all (boto3's low-level calls, rclone, SDKs told otherwise).
 */

/** The sizes of `size` bytes cut into parts of `partSize`, the rest last; an empty object is one empty part. */
export function uniformCut(size: number, partSize: number): number[] {
  if (!(partSize > 0)) throw new RangeError(`part size must be positive, got ${partSize}`)
  const count = Math.max(1, Math.ceil(size / partSize))
  const sizes = new Array<number>(count).fill(partSize)
  sizes[count - 1] = size - (count - 1) * partSize
  return sizes
}

/** Whether `sizes` is the uniform cut of their total in parts of `partSize`. */
export function isUniformCut(sizes: readonly number[], partSize: number): boolean {
  const total = sizes.reduce((sum, s) => sum + s, 0)
  return sameCut(sizes, uniformCut(total, partSize))
}

export function sameCut(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i])
}

/** The cut a local multipart digest was computed with, for a file of `size` bytes. */
export function cutOf(digest: MultipartDigest, size: number): readonly number[] {
  return digest.partSizes ?? uniformCut(size, digest.partSize)
}

/** What the bucket tells of an object's cut: every size (`exact`), or those of a uniform cut from part 1 (assumed). */
export interface RemoteCut {
  sizes: readonly number[]
  exact: boolean
}

/** The number of parts of a multipart object (its ETag ends in `-N`); undefined for a single-part one. */
export function remotePartCount(remote: Pick<RemoteObject, 'etag' | 'partCount'>): number | undefined {
  const fromEtag = /-(\d+)$/.exec(remote.etag)?.[1]
  return remote.partCount ?? (fromEtag === undefined ? undefined : Number(fromEtag))
}

/**
 * The object's cut as far as it is known: exact when the sizes were learnt (or putplan cut
 * it), or when part 1 and the count leave no choice (one or two parts); assumed uniform
 * from part 1 when that fits the size; undefined when nothing is known, or when part 1's
 * size cannot be that of a uniform cut (then only every part's size can tell).
 */
export function remoteCut(remote: RemoteObject): RemoteCut | undefined {
  const count = remotePartCount(remote)
  if (count === undefined) return undefined
  const { partSizes, firstPartSize, size } = remote
  if (partSizes !== undefined && partSizes.length === count && partSizes.reduce((sum, s) => sum + s, 0) === size) return { sizes: partSizes, exact: true }
  if (firstPartSize === undefined || firstPartSize > size) return undefined
  if (count === 1) return firstPartSize === size ? { sizes: [size], exact: true } : undefined
  if (count === 2) return { sizes: [firstPartSize, size - firstPartSize], exact: true }
  if (firstPartSize === 0) return undefined
  const uniform = uniformCut(size, firstPartSize)
  return uniform.length === count ? { sizes: uniform, exact: false } : undefined
}
