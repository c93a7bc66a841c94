import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './local-digest.js'
import { remotePartCount } from './part-cut.js'
import type { RemoteObject } from './remote-object.js'

/** Bytes of each algorithm's digest, which S3 sends in base64. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32, CRC64NVME: 8 }

/**
 * A checksum the bucket reports, read for what it can prove:
 * - `full`: of the whole object (a single-part object's, or typed FULL_OBJECT);
 * - `composite`: a checksum of the parts' checksums, of `parts` parts (a `-N` suffix, or typed COMPOSITE);
 * - `unknown`: of a multipart object that says neither (moto's HeadObject): full or composite,
 *   so a match with either proves the bytes and a mismatch proves nothing.
 * `value` is the base64 digest without any `-N` suffix.
 */
export interface RemoteChecksum {
  algorithm: ChecksumAlgorithm
  kind: 'full' | 'composite' | 'unknown'
  value: string
  parts?: number
}

/**
 * The object's checksums, each checked for form: a value that is not base64 of the
 * algorithm's digest length is no evidence at all (a store's or a proxy's mistake, not a
 * property of the bytes), so it is set aside with the reason, never read as a mismatch.
 */
export function readRemoteChecksums(remote: RemoteObject): { checksums: RemoteChecksum[]; malformed: string[] } {
  const checksums: RemoteChecksum[] = []
  const malformed: string[] = []
  const multipart = remotePartCount(remote) !== undefined
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const reported = remote.checksums[algorithm]
    if (reported === undefined) continue
    const [, value = '', suffix] = /^(.*?)(?:-(\d+))?$/.exec(reported.trim()) ?? []
    if (!isDigest(value, DIGEST_BYTES[algorithm])) {
      malformed.push(`its ${algorithm} checksum ${JSON.stringify(reported)} is not ${DIGEST_BYTES[algorithm]} bytes in base64, so it was ignored`)
      continue
    }
    if (suffix !== undefined || remote.checksumType === 'COMPOSITE') {
      const parts = suffix === undefined ? remotePartCount(remote) : Number(suffix)
      checksums.push({ algorithm, kind: 'composite', value, ...(parts === undefined ? {} : { parts }) })
    } else {
      const kind = remote.checksumType === 'FULL_OBJECT' || !multipart ? 'full' : 'unknown'
      checksums.push({ algorithm, kind, value })
    }
  }
  return { checksums, malformed }
}

/** Canonical base64 of exactly `length` bytes. */
function isDigest(value: string, length: number): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false
  const bytes = Buffer.from(value, 'base64')
  return bytes.length === length && bytes.toString('base64') === value
}
