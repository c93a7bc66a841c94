import { createChecksumHasher, createMd5Hasher, type Hasher } from '../local/hasher.js'
import type { ChecksumAlgorithm } from '../plan/local-digest.js'

/** A digest the plan holds for a range, which the range's body must have when sent. */
export interface BodyCheck {
  /** Names it in the failure: "MD5", "CRC64NVME checksum". */
  name: string
  /** In the hasher's encoding: hex for MD5, base64 for a checksum. */
  value: string
  hasher: () => Hasher
}

const CRCS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME']

/**
 * The cheapest check the plan's digests allow. A CRC costs a fraction of an MD5 (on a
 * 256 KiB chunk, CRC64NVME runs at about twice MD5's speed, CRC32 and CRC32C at six
 * times), and the body already carries both to S3, which verifies them again. SHA1 and
 * SHA256 beat MD5 only on CPUs with SHA extensions, so they are not preferred.
 */
export function cheapestCheck(md5: string, algorithm: ChecksumAlgorithm, checksum: string | undefined): BodyCheck {
  if (checksum !== undefined && CRCS.includes(algorithm)) {
    return { name: `${algorithm} checksum`, value: checksum, hasher: () => createChecksumHasher(algorithm) }
  }
  return { name: 'MD5', value: md5, hasher: createMd5Hasher }
}
