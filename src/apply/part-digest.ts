import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createChecksumHasher } from '../local/hasher.js'
import { isCompositeAlgorithm, type ChecksumAlgorithm, type LocalDigest } from '../plan/local-digest.js'
import type { ChecksumValue } from '../s3/index.js'
import { SourceChangedError } from './source-changed-error.js'
import { openRegularSync, type FileIdentity } from '../util/open-regular-file.js'
import { BODY_CHUNK_SIZE } from './verified-body.js'

export interface PartDigest {
  /** Hex. */
  md5: string
  /** Base64, as in `x-amz-checksum-*`. */
  checksum: string
}

/**
 * The first of the two reads of a part: its MD5 and checksum, which UploadPart must carry
 * as headers before the body. Reading the range twice keeps memory at a few chunks per
 * part instead of a whole part (16 MiB or more) per part in flight.
 */
export async function digestRange(path: string, start: number, length: number, algorithm: ChecksumAlgorithm, what: string, signal?: AbortSignal, identity?: FileIdentity): Promise<PartDigest> {
  const md5 = createHash('md5')
  const checksum = createChecksumHasher(algorithm)
  let read = 0
  const stream = createReadStream(path, { fd: openRegularSync(path, identity), start, end: start + length - 1, highWaterMark: BODY_CHUNK_SIZE, ...(signal ? { signal } : {}) })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    md5.update(chunk)
    checksum.update(chunk)
    read += chunk.length
  }
  if (read !== length) throw new SourceChangedError(`${what} changed since the plan: ${read} bytes read, ${length} planned`)
  return { md5: md5.digest('hex'), checksum: checksum.digest() }
}

/** `"<hex md5 of the part md5s>-<count>"`: the ETag S3 gives the completed upload (unencrypted or SSE-S3). */
export function multipartEtag(partMd5s: readonly string[]): string {
  const combined = createHash('md5').update(Buffer.concat(partMd5s.map((m) => Buffer.from(m, 'hex')))).digest('hex')
  return `${combined}-${partMd5s.length}`
}

/** `"<base64 sha of the parts' sha digests>-<count>"`: the COMPOSITE checksum of an upload with a SHA algorithm. */
export function compositeChecksum(algorithm: 'SHA1' | 'SHA256', parts: readonly { checksums: Partial<Record<ChecksumAlgorithm, string>> }[]): string {
  const digests = parts.map((part) => Buffer.from(part.checksums[algorithm] ?? '', 'base64'))
  return `${createHash(algorithm.toLowerCase()).update(Buffer.concat(digests)).digest('base64')}-${parts.length}`
}

/**
 * The full-object checksum CompleteMultipartUpload carries for S3 to check against the
 * parts: the CRC of the whole file. SHA uploads are COMPOSITE and have none.
 */
export function completeChecksum(algorithm: ChecksumAlgorithm, local: LocalDigest): ChecksumValue | undefined {
  if (isCompositeAlgorithm(algorithm)) return undefined
  const value = local.checksums[algorithm]
  if (value === undefined) throw new Error(`the planned digest has no ${algorithm} checksum`)
  return { algorithm, value }
}
