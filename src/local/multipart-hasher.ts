import { createHash } from 'node:crypto'
import type { ChecksumAlgorithm, MultipartDigest } from '../plan/local-digest.js'
import { isUniformCut } from '../plan/part-cut.js'
import { createChecksumHasher, createMd5Hasher, type Hasher } from './hasher.js'

export interface MultipartHashing {
  /** The multipart ETag (an MD5 per part); true when absent. */
  etag?: boolean
  /** Composite checksums (a checksum per part). */
  composite?: readonly ChecksumAlgorithm[]
}

/**
 * Follows a byte stream cut into parts of `sizes` and yields what a multipart upload of it
 * reports: the ETag `hex(md5(md5(part 1) ... md5(part N)))-N` and composite checksums
 * `base64(c(c(part 1) ... c(part N)))-N` of the raw per-part digests. Chunks may straddle
 * part boundaries. `partSize` is the size the digest names (part 1's unless given).
 */
export class MultipartHasher {
  private readonly sizes: readonly number[]
  private readonly partSize: number
  /** What is hashed per part: `etag` or a composite's algorithm. */
  private readonly perPart: ('etag' | ChecksumAlgorithm)[]
  /** Per entry of `perPart`, the raw digests of the parts ended so far. */
  private readonly digests: Buffer[][]
  private part: Hasher[] = []
  private index = 0
  private filled = 0

  constructor(sizes: readonly number[], hashing: MultipartHashing = {}, partSize = sizes[0]!) {
    const empty = sizes.length === 1 && sizes[0] === 0
    if (sizes.length === 0 || (!empty && sizes.some((s) => !(s > 0)))) throw new RangeError(`part sizes must be positive, got [${sizes.join(', ')}]`)
    this.sizes = sizes
    this.partSize = partSize
    this.perPart = [...(hashing.etag ?? true ? ['etag' as const] : []), ...new Set(hashing.composite ?? [])]
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
      if (this.filled === this.sizes[this.index]) this.endPart()
      const size = this.sizes[this.index]
      if (size === undefined) throw new RangeError(`more bytes than the ${this.sizes.length} parts hold`)
      const take = Math.min(size - this.filled, chunk.length - offset)
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
    const partCount = this.index
    if (partCount !== this.sizes.length) throw new RangeError(`${partCount} parts read of the ${this.sizes.length} planned`)
    let etag: string | undefined
    const compositeChecksums: MultipartDigest['compositeChecksums'] = {}
    this.perPart.forEach((what, i) => {
      const joined = Buffer.concat(this.digests[i]!)
      if (what === 'etag') etag = `${createHash('md5').update(joined).digest('hex')}-${partCount}`
      else compositeChecksums[what] = `${combine(what, joined)}-${partCount}`
    })
    return {
      partSize: this.partSize,
      partCount,
      ...(isUniformCut(this.sizes, this.partSize) ? {} : { partSizes: [...this.sizes] }),
      ...(etag === undefined ? {} : { etag }),
      compositeChecksums,
    }
  }

  private startPart(): void {
    this.part = this.perPart.map((what) => (what === 'etag' ? createMd5Hasher() : createChecksumHasher(what)))
    this.filled = 0
  }

  private endPart(): void {
    this.part.forEach((hash, i) => this.digests[i]!.push(rawDigest(this.perPart[i]!, hash)))
    this.index++
    this.startPart()
  }
}

/** A hasher's digest as bytes: hex for the MD5, base64 for checksums (see `hasher.ts`). */
function rawDigest(what: 'etag' | ChecksumAlgorithm, hash: Hasher): Buffer {
  return Buffer.from(hash.digest(), what === 'etag' ? 'hex' : 'base64')
}

/** The checksum of the parts' joined checksums, base64. */
function combine(algorithm: ChecksumAlgorithm, joined: Buffer): string {
  const hash = createChecksumHasher(algorithm)
  hash.update(joined)
  return hash.digest()
}
