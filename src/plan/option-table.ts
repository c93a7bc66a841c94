/**
 * Every PutObject option putplan knows, once, as data: how it travels on the request, where
 * the bucket tells its current value, how the two compare, whether it is secret, and what
 * fixes a drift. The request builder and the read-back parser (`s3/`), the diff, the
 * redaction of plans and the schema test all read this table, so an option is spelled
 * here, in the schema and in tests, and nowhere else.
 */
import type { PutOptionName } from './put-options.js'

/** How a value is written into its header (and read back from it). */
export type Encoding =
  | 'text'
  /** An RFC 3339 instant in the manifest, an HTTP date on the wire (Expires). */
  | 'http-date'
  /** An RFC 3339 instant, sent as ISO 8601 in UTC. */
  | 'iso-date'
  | 'boolean'
  /** One `x-amz-meta-<name>` header per entry; non-ASCII values RFC 2047 encoded. */
  | 'metadata'
  /** `k=v&k2=v2`, each part URL-encoded. */
  | 'tag-query'
  /** Base64 of the map as JSON. */
  | 'base64-json'
  /** The key, its algorithm and its MD5 in three headers; read back as the MD5 alone. */
  | 'sse-c-key'

/** Where a plan learns what the object holds now; `none`: nothing is stored to compare with. */
export type ReadBack = 'head' | 'tagging' | 'acl' | 'none'

/** How the wanted and the reported value compare, after S3's normalisations. */
export type Comparison =
  | 'exact'
  /** Instants compared to the second (HTTP dates have no more). */
  | 'instant'
  /** A map whose names S3 lower-cases (user metadata). */
  | 'metadata'
  | 'map'
  /** Absent on either side is `false`. */
  | 'flag'
  /** A key id, an ARN or an alias against the ARN S3 reports. */
  | 'kms-key'
  /** The key's MD5 against the MD5 the object was written with. */
  | 'sse-c-key'
  /** The object carries a checksum of the wanted algorithm. */
  | 'checksum-algorithm'
  /** The grants of the canned ACL and grant options together, as a set (one reason, `acl`). */
  | 'grants'
  /** Not a property of the stored object: a request parameter, a condition or a pin. */
  | 'none'

/**
 * What the bucket holds when the manifest leaves an option out: `removed` (PutObject
 * rewrites the header, so absent means none), `bucket-decides` (compared only when
 * declared), or the value S3 applies, maybe only when another option is declared.
 */
export type WhenAbsent = 'removed' | 'bucket-decides' | { default: string; onlyWith?: PutOptionName }

/** What fixes a drift of the option without changing the bytes; `upload` when only new bytes do. */
export type Repair = 'copy' | 'tagging' | 'acl' | 'retention' | 'legal-hold' | 'upload' | 'none'
export type RepairOperation = Exclude<Repair, 'upload' | 'none'>

/** The operations a repair can hold, in the order a plan lists them and apply runs them. */
export const REPAIR_OPERATIONS = ['copy', 'tagging', 'acl', 'retention', 'legal-hold'] as const satisfies readonly RepairOperation[]

export interface OptionSpec {
  /** The PutObject request header; `x-amz-meta-*` for the metadata family. */
  header: string
  encoding: Encoding
  readBack: ReadBack
  compare: Comparison
  absent: WhenAbsent
  /** When the bucket does not report the value (the KMS key of a store that hides it): `skip` compares nothing. */
  unreported?: 'skip'
  repair: Repair
  /** Never printed, logged or saved: plans carry a marker instead. */
  secret?: true
  /**
   * The part it plays beyond being stored on the object: sent on every request about it
   * (`request`), a condition of the write, a pinned checksum of the file, or the algorithm
   * of the checksum each upload computes and sends with its value (`checksum`).
   */
  role?: 'request' | 'condition' | 'pin' | 'checksum'
}

const stored = (header: string, compare: Comparison, repair: Repair, extra: Partial<OptionSpec> = {}): OptionSpec => ({
  header,
  encoding: 'text',
  readBack: 'head',
  compare,
  absent: 'removed',
  repair,
  ...extra,
})
const declared = { absent: 'bucket-decides' } as const
const grant = (header: string): OptionSpec => ({ header, encoding: 'text', readBack: 'acl', compare: 'grants', absent: 'bucket-decides', repair: 'acl' })
const pin = (header: string): OptionSpec => ({ header, encoding: 'text', readBack: 'none', compare: 'none', absent: 'bucket-decides', repair: 'none', role: 'pin' })
const request = (header: string): OptionSpec => ({ header, encoding: 'text', readBack: 'none', compare: 'none', absent: 'bucket-decides', repair: 'none', role: 'request' })

/** In the order the diff lists drift. */
export const OPTION_TABLE = {
  cacheControl: stored('cache-control', 'exact', 'copy'),
  contentDisposition: stored('content-disposition', 'exact', 'copy'),
  contentEncoding: stored('content-encoding', 'exact', 'copy'),
  contentLanguage: stored('content-language', 'exact', 'copy'),
  contentType: stored('content-type', 'exact', 'copy'),
  websiteRedirectLocation: stored('x-amz-website-redirect-location', 'exact', 'copy'),
  expires: stored('expires', 'instant', 'copy', { encoding: 'http-date' }),
  metadata: stored('x-amz-meta-*', 'metadata', 'copy', { encoding: 'metadata' }),
  storageClass: stored('x-amz-storage-class', 'exact', 'copy', { absent: { default: 'STANDARD' } }),
  serverSideEncryption: stored('x-amz-server-side-encryption', 'exact', 'copy', declared),
  objectLockMode: stored('x-amz-object-lock-mode', 'exact', 'retention', declared),
  objectLockLegalHoldStatus: stored('x-amz-object-lock-legal-hold', 'exact', 'legal-hold', declared),
  sseCustomerAlgorithm: stored('x-amz-server-side-encryption-customer-algorithm', 'exact', 'upload', { absent: { default: 'AES256', onlyWith: 'sseCustomerKey' } }),
  sseCustomerKey: stored('x-amz-server-side-encryption-customer-key', 'sse-c-key', 'upload', { ...declared, encoding: 'sse-c-key', unreported: 'skip', secret: true }),
  ssekmsKeyId: stored('x-amz-server-side-encryption-aws-kms-key-id', 'kms-key', 'copy', { ...declared, unreported: 'skip' }),
  bucketKeyEnabled: stored('x-amz-server-side-encryption-bucket-key-enabled', 'flag', 'copy', { ...declared, encoding: 'boolean' }),
  ssekmsEncryptionContext: stored('x-amz-server-side-encryption-context', 'map', 'copy', { ...declared, encoding: 'base64-json', unreported: 'skip' }),
  objectLockRetainUntilDate: stored('x-amz-object-lock-retain-until-date', 'instant', 'retention', { ...declared, encoding: 'iso-date' }),
  checksumAlgorithm: stored('x-amz-checksum-algorithm', 'checksum-algorithm', 'copy', { ...declared, role: 'checksum' }),
  tagging: { header: 'x-amz-tagging', encoding: 'tag-query', readBack: 'tagging', compare: 'map', absent: 'bucket-decides', unreported: 'skip', repair: 'tagging' },
  acl: grant('x-amz-acl'),
  grantFullControl: grant('x-amz-grant-full-control'),
  grantRead: grant('x-amz-grant-read'),
  grantReadACP: grant('x-amz-grant-read-acp'),
  grantWriteACP: grant('x-amz-grant-write-acp'),
  ifNoneMatch: { header: 'if-none-match', encoding: 'text', readBack: 'none', compare: 'none', absent: 'bucket-decides', repair: 'none', role: 'condition' },
  checksumCRC32: pin('x-amz-checksum-crc32'),
  checksumCRC32C: pin('x-amz-checksum-crc32c'),
  checksumSHA1: pin('x-amz-checksum-sha1'),
  checksumSHA256: pin('x-amz-checksum-sha256'),
  checksumCRC64NVME: pin('x-amz-checksum-crc64nvme'),
  expectedBucketOwner: request('x-amz-expected-bucket-owner'),
  requestPayer: request('x-amz-request-payer'),
} as const satisfies Record<PutOptionName, OptionSpec>

export const OPTION_NAMES = Object.keys(OPTION_TABLE) as PutOptionName[]

/** The table's rows, in its order, typed. */
export const OPTIONS: readonly (readonly [PutOptionName, OptionSpec])[] = Object.entries(OPTION_TABLE) as [PutOptionName, OptionSpec][]

export function optionsWhere(test: (spec: OptionSpec) => boolean): PutOptionName[] {
  return OPTIONS.filter(([, spec]) => test(spec)).map(([name]) => name)
}

/** Options whose values must never leave the process in any output. */
export const SECRET_OPTIONS: readonly PutOptionName[] = optionsWhere((spec) => spec.secret === true)

/** Options a plan can only compare after GetObjectAcl. */
export const ACL_OPTIONS = optionsWhere((spec) => spec.readBack === 'acl')

/** Object Lock options: only a bucket (and a store) with Object Lock takes them. */
export const LOCK_OPTIONS = optionsWhere((spec) => spec.repair === 'retention' || spec.repair === 'legal-hold')
