/**
 * What reading a file once tells about its bytes. Produced by `local/`, consumed by the
 * diff. Digests are in S3's own encodings so they compare with headers directly.
 */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number]

/** What putplan sends when the manifest declares no `checksumAlgorithm`: S3's own default. */
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME'

/** S3 cannot combine SHA digests of parts into a whole-object value: an upload in parts with one is COMPOSITE. */
export function isCompositeAlgorithm(algorithm: ChecksumAlgorithm): algorithm is 'SHA1' | 'SHA256' {
  return algorithm === 'SHA1' || algorithm === 'SHA256'
}

export interface LocalDigest {
  size: number
  /**
   * Hex MD5 of the whole file: the ETag of a single-part, unencrypted or SSE-S3 upload.
   * Present for a file a plan uploads in one piece (its Content-MD5), and for a file left
   * alone where the comparison needed it: when the bucket holds a single-part copy that no
   * checksum can judge. A file judged by its checksum and left alone has none: an MD5 of a
   * gigabyte costs more than reading it. A file uploaded in parts sends an MD5 per part.
   */
  md5?: string
  /**
   * Full-object checksums, base64 as in `x-amz-checksum-*`: the one apply sends, for every
   * file the plan writes; the pinned ones; and those of the bucket's copy, for the
   * comparison. A file judged by other evidence and left alone has only what judged it.
   */
  checksums: Partial<Record<ChecksumAlgorithm, string>>
  /** Present when the file is uploaded in parts: what a multipart upload of it yields. */
  multipart?: MultipartDigest
}

export interface MultipartDigest {
  /** Size of part 1; of every part but the last, unless `partSizes` says otherwise. */
  partSize: number
  partCount: number
  /**
   * Every part's size, in order, when they are not all `partSize` but a shorter last one:
   * another uploader's cut, learnt from the bucket.
   */
  partSizes?: number[]
  /**
   * `"<hex md5 of the part md5s>-<partCount>"`, without quotes. Present only when the bucket
   * holds a multipart copy without a full-object checksum: nothing else needs it.
   */
  etag?: string
  /**
   * Composite checksums (`<base64>-<partCount>`: the checksum of the parts' checksums): what
   * S3 keeps for an upload in parts with SHA1 or SHA256 (it cannot combine them), and for
   * CRC32 or CRC32C when the uploader asked for COMPOSITE (the AWS CLI's and boto3's default).
   */
  compositeChecksums: Partial<Record<ChecksumAlgorithm, string>>
}
