import type { ChecksumAlgorithm } from './local-digest.js'

export const STORE_NAMES = ['aws', 'r2', 'b2', 'gcs', 'minio'] as const
export type StoreName = (typeof STORE_NAMES)[number]

/** `unknown`: not documented where putplan looked; treated as not given, and said so. */
export type Support = 'yes' | 'no' | 'unknown'

/**
 * What an S3-compatible store does with what putplan sends, as plain data. putplan sends only
 * what the store accepts, and every guarantee it cannot rely on becomes a refusal or a
 * warning in the plan (`storePreflight`), never a silent downgrade. Sources are cited in the
 * README's compatibility table; where none was found the value is `unknown`.
 */
export interface StoreProfile {
  name: StoreName
  /** Full-object checksums PutObject accepts as `x-amz-checksum-*`; empty: none are sent. */
  checksums: readonly ChecksumAlgorithm[]
  /** `If-None-Match: *` and `If-Match` on PutObject and CompleteMultipartUpload. */
  conditionalPut: Support
  /** `If-Match` on DeleteObject. */
  conditionalDelete: Support
  /** `x-amz-copy-source-if-match` on CopyObject. */
  copySourceIfMatch: Support
  /** Object ACLs (`x-amz-acl`, `x-amz-grant-*`, PutObjectAcl). */
  acl: Support
  /** Object tags (`x-amz-tagging`, PutObjectTagging). */
  tagging: Support
  /** Object Lock headers and PutObjectRetention / PutObjectLegalHold. */
  objectLock: Support
  /** CopyObject onto itself with `x-amz-metadata-directive: REPLACE` (repairs in place). */
  copyReplace: Support
}

const ALL: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']

export const STORE_PROFILES: Record<StoreName, StoreProfile> = {
  aws: { name: 'aws', checksums: ALL, conditionalPut: 'yes', conditionalDelete: 'yes', copySourceIfMatch: 'yes', acl: 'yes', tagging: 'yes', objectLock: 'yes', copyReplace: 'yes' },
  r2: { name: 'r2', checksums: ['CRC64NVME'], conditionalPut: 'unknown', conditionalDelete: 'unknown', copySourceIfMatch: 'unknown', acl: 'unknown', tagging: 'unknown', objectLock: 'unknown', copyReplace: 'yes' },
  b2: { name: 'b2', checksums: [], conditionalPut: 'unknown', conditionalDelete: 'unknown', copySourceIfMatch: 'unknown', acl: 'no', tagging: 'unknown', objectLock: 'yes', copyReplace: 'unknown' },
  gcs: { name: 'gcs', checksums: [], conditionalPut: 'no', conditionalDelete: 'unknown', copySourceIfMatch: 'unknown', acl: 'unknown', tagging: 'unknown', objectLock: 'unknown', copyReplace: 'unknown' },
  minio: { name: 'minio', checksums: ALL, conditionalPut: 'unknown', conditionalDelete: 'unknown', copySourceIfMatch: 'unknown', acl: 'unknown', tagging: 'unknown', objectLock: 'unknown', copyReplace: 'unknown' },
}

/** Hosts that name their store; MinIO runs anywhere, so it is only ever declared. */
const HOSTS: readonly [RegExp, StoreName][] = [
  [/(^|\.)r2\.cloudflarestorage\.com$/i, 'r2'],
  [/(^|\.)backblazeb2\.com$/i, 'b2'],
  [/^storage\.googleapis\.com$/i, 'gcs'],
]

/** The store an endpoint's host names, if any; AWS (no endpoint, or an amazonaws.com one) otherwise. */
export function detectStore(endpoint: string | undefined): StoreName | undefined {
  if (endpoint === undefined) return 'aws'
  let host: string
  try {
    host = new URL(endpoint).hostname
  } catch {
    return undefined
  }
  if (/(^|\.)amazonaws\.com(\.cn)?$/i.test(host)) return 'aws'
  return HOSTS.find(([pattern]) => pattern.test(host))?.[1]
}
