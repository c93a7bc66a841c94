/**
 * The PutObject options a manifest can declare, named after the PutObject members in
 * camelCase (the AWS CLI `put-object` page is the reference). What each one does is in
 * `option-table.ts`; this is their type.
 */
import { DEFAULT_CHECKSUM_ALGORITHM, type ChecksumAlgorithm } from './local-digest.js'
import { SECRET_OPTIONS } from './option-table.js'

/** Checksum pins: a declared value the file must match, keyed by algorithm. */
export const CHECKSUM_PIN_FIELDS = {
  checksumCRC32: 'CRC32',
  checksumCRC32C: 'CRC32C',
  checksumSHA1: 'SHA1',
  checksumSHA256: 'SHA256',
  checksumCRC64NVME: 'CRC64NVME',
} as const satisfies Record<string, ChecksumAlgorithm>
export type ChecksumPinField = keyof typeof CHECKSUM_PIN_FIELDS

export interface PutOptions {
  acl?: string
  grantFullControl?: string
  grantRead?: string
  grantReadACP?: string
  grantWriteACP?: string
  cacheControl?: string
  contentDisposition?: string
  contentEncoding?: string
  contentLanguage?: string
  contentType?: string
  /** RFC 3339 / ISO 8601 date-time, as written in the manifest. */
  expires?: string
  websiteRedirectLocation?: string
  metadata?: Record<string, string>
  tagging?: Record<string, string>
  storageClass?: string
  serverSideEncryption?: string
  ssekmsKeyId?: string
  ssekmsEncryptionContext?: Record<string, string>
  bucketKeyEnabled?: boolean
  sseCustomerAlgorithm?: string
  /** Secret: accepted only through `${...}`; never printed, logged or saved. */
  sseCustomerKey?: string
  objectLockMode?: string
  objectLockRetainUntilDate?: string
  objectLockLegalHoldStatus?: string
  ifNoneMatch?: '*'
  checksumAlgorithm?: ChecksumAlgorithm
  checksumCRC32?: string
  checksumCRC32C?: string
  checksumSHA1?: string
  checksumSHA256?: string
  checksumCRC64NVME?: string
  expectedBucketOwner?: string
  requestPayer?: string
}

export type PutOptionName = keyof PutOptions

/** The options as they may be shown or saved: secret values replaced by a marker. */
export function withoutSecrets(options: PutOptions): PutOptions {
  const shown: Record<string, unknown> = { ...options }
  for (const name of SECRET_OPTIONS) if (shown[name] !== undefined) shown[name] = REDACTED
  return shown as PutOptions
}

export const REDACTED = '(secret)'

/** The checksum algorithm an upload with `options` sends: the declared one, else S3's default. */
export function uploadChecksumAlgorithm(options: Pick<PutOptions, 'checksumAlgorithm'>): ChecksumAlgorithm {
  return options.checksumAlgorithm ?? DEFAULT_CHECKSUM_ALGORITHM
}
