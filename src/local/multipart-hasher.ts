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
 * it reports: the ETag `hex(md5(md5(part 1) ... md5(part N)))-N` and composite checksums
 * `base64(sha(sha(part 1) ... sha(part N)))-N`. Chunks may straddle part boundaries.
 */
export class MultipartHasher {
  private readonly partSize: number
  private readonly composites: [ChecksumAlgorithm, string][]
  private readonly md5s: Buffer[] = []
  private readonly digests: Buffer[][]
  private part: Hash[] = []
  private filled = 0

  constructor(partSize: number, algorithms: readonly ChecksumAlgorithm[] = []) {
    if (!(partSize > 0)) throw new RangeError(`part size must be positive, got ${partSize}`)
    this.partSize = partSize
    this.composites = [...new Set(algorithms)].flatMap((a) => {
      const hash = COMPOSITE_HASHES[a]
      return hash ? [[a, hash] as [ChecksumAlgorithm, string]] : []
    })
    this.digests = this.composites.map(() => [])
    this.startPart()
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
    const partCount = this.md5s.length
    const compositeChecksums: MultipartDigest['compositeChecksums'] = {}
    this.composites.forEach(([algorithm, hash], i) => {
      const combined = createHash(hash).update(Buffer.concat(this.digests[i]!)).digest('base64')
      compositeChecksums[algorithm] = `${combined}-${partCount}`
    })
    const etag = `${createHash('md5').update(Buffer.concat(this.md5s)).digest('hex')}-${partCount}`
    return { partSize: this.partSize, partCount, etag, compositeChecksums }
  }

  private startPart(): void {
    this.part = [createHash('md5'), ...this.composites.map(([, hash]) => createHash(hash))]
    this.filled = 0
  }

  private endPart(): void {
    const [md5, ...rest] = this.part
    this.md5s.push(md5!.digest())
    rest.forEach((hash, i) => this.digests[i]!.push(hash.digest()))
    this.startPart()
  }
}
