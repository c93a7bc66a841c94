import type { ChecksumAlgorithm } from '../plan/local-digest.js'
import { sameCut, uniformCut } from '../plan/part-cut.js'
import { isMultipart, partSizeFor, type MultipartPolicy } from './part-size.js'

/**
 * What one read of a file must compute, as a value: the digests that decide its object and
 * those its upload sends. The diff states them (`evidenceNeeded`), the workflow adds the
 * upload's, and `hashFile` computes them all at once.
 */
export interface DigestRequest {
  /**
   * The whole-file MD5: always, never, or unless the file goes up in parts under the
   * upload's policy (its size at open decides), since a single PutObject sends it as
   * Content-MD5 and an upload in parts sends an MD5 per part instead.
   */
  md5: boolean | { unlessMultipartUnder: MultipartPolicy }
  /** Full-object checksums. */
  checksums: readonly ChecksumAlgorithm[]
  /** Digests of the file cut into parts: what a multipart upload of it reports. */
  parts?: PartsRequest
}

export interface PartsRequest {
  cut: PartCut
  /** The multipart ETag: the MD5 of the parts' MD5s. */
  etag: boolean
  /** Composite checksums: the checksum of the parts' checksums. */
  composite: readonly ChecksumAlgorithm[]
}

/** Where the file is cut into parts. */
export type PartCut =
  /** As apply uploads it: in parts of `partSizeFor(size, policy)`, and only when it goes up in parts under `policy`. */
  | { policy: MultipartPolicy }
  /** At exactly these sizes, in order (another uploader's cut): only when they add up to the file's size. */
  | { sizes: readonly number[] }

/** The parts a file of `size` bytes is cut into, and the part size its digest names; undefined when the cut asks for none at that size. */
export function partsAt(cut: PartCut, size: number): { partSize: number; sizes: readonly number[] } | undefined {
  if ('policy' in cut) {
    if (!isMultipart(size, cut.policy)) return undefined
    const partSize = partSizeFor(size, cut.policy)
    return { partSize, sizes: uniformCut(size, partSize) }
  }
  const { sizes } = cut
  const total = sizes.reduce((sum, s) => sum + s, 0)
  if (sizes.length === 0 || total !== size || sizes.some((s) => !(s > 0))) return undefined
  return { partSize: sizes[0]!, sizes }
}

export function wantsMd5(request: DigestRequest, size: number): boolean {
  const { md5 } = request
  return typeof md5 === 'boolean' ? md5 : !isMultipart(size, md5.unlessMultipartUnder)
}

/**
 * Whether hashing a file of `size` bytes as `done` asks computed everything `wanted` asks
 * for, with the same parts: a digest with more in it (an MD5 the comparison does not need)
 * is still exact, and cheaper than reading the file again.
 */
export function coversRequest(done: DigestRequest, wanted: DigestRequest, size: number): boolean {
  const includes = (have: readonly ChecksumAlgorithm[], want: readonly ChecksumAlgorithm[]) => want.every((a) => have.includes(a))
  if (!includes(done.checksums, wanted.checksums) || (wantsMd5(wanted, size) && !wantsMd5(done, size))) return false
  const want = wanted.parts && partsAt(wanted.parts.cut, size)
  if (want === undefined) return true
  const have = done.parts && partsAt(done.parts.cut, size)
  return (
    have !== undefined &&
    have.partSize === want.partSize &&
    sameCut(have.sizes, want.sizes) &&
    (done.parts!.etag || !wanted.parts!.etag) &&
    includes(done.parts!.composite, wanted.parts!.composite)
  )
}
