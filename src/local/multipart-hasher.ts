import { createHash, type Hash } from 'node:crypto'
import type { ChecksumAlgorithm, MultipartDigest } from '../plan/local-digest.js'

/**
 * S3 combines SHA checksums of a multipart upload as a composite (a digest of the parts'
 * digests). CRC checksums it stores FULL_OBJECT, equal to the whole-file value, so they
 * need nothing per part.
 */
const COMPOSITE_HASHES: Partial<Record<ChecksumAlgorithm, string>> = { SHA1: 'sha1', SHA256: 'sha256' }

/**
 * Follows a byte stream cut into parts of `partSize` and yields what a multipart upload of
 * it reports: the ETag `hex(md5(md5(part 1) ... md5(part N)))-N` (unless `etag` is false)
 * and composite checksums `base64(sha(sha(part 1) ... sha(part N)))-N`. Chunks may
 * straddle part boundaries.
 */
export class MultipartHasher {
  private readonly partSize: number
  private readonly perPart: [string, ChecksumAlgorithm | 'etag'][]
  /** Per hash of `perPart`, the digests of the parts ended so far. */
  private readonly digests: Buffer[][]
  private part: Hash[] = []
  private filled = 0
  private partCount = 0

  constructor(partSize: number, algorithms: readonly ChecksumAlgorithm[] = [], options: { etag?: boolean } = {}) {
    if (!(partSize > 0)) throw new RangeError(`part size must be positive, got ${partSize}`)
    this.partSize = partSize
    this.perPart = [...new Set(algorithms)].flatMap((a) => {
      const hash = COMPOSITE_HASHES[a]
      return hash ? [[hash, a] as [string, ChecksumAlgorithm]] : []
    })
    if (options.etag ?? true) this.perPart.unshift(['md5', 'etag'])
    this.digests = this.perPart.map(() => [])
    this.startPart()
  }

  /** Whether `update` hashes anything; else it only counts the parts. */
  get hashing(): boolean {
    return this.perPart.length > 0
  }

  update(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.length) {
      if (this.filled === this.partSize) this.endPart()
      const take = Math.min(this.partSize - this.filled, chunk.length - offset)
      // Whole chunks inside a part, the common case, go without a subarray.
      const piece = take === chunk.length ? chunk : chunk.subarray(offset, offset + take)
      for (const hash of this.part) hash.update(piece)
      this.filled += take
      offset += take
    }
  }

  digest(): MultipartDigest {
    // The last part is always open (an empty file is one empty part).
    this.endPart()
    const partCount = this.partCount
    let etag: string | undefined
    const compositeChecksums: MultipartDigest['compositeChecksums'] = {}
    this.perPart.forEach(([hash, what], i) => {
      const combined = createHash(hash).update(Buffer.concat(this.digests[i]!))
      if (what === 'etag') etag = `${combined.digest('hex')}-${partCount}`
      else compositeChecksums[what] = `${combined.digest('base64')}-${partCount}`
    })
    return { partSize: this.partSize, partCount, ...(etag === undefined ? {} : { etag }), compositeChecksums }
  }

  private startPart(): void {
    this.part = this.perPart.map(([hash]) => createHash(hash))
    this.filled = 0
  }

  private endPart(): void {
    this.part.forEach((hash, i) => this.digests[i]!.push(hash.digest()))
    this.partCount++
    this.startPart()
  }
}
