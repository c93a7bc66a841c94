import { createHash } from 'node:crypto'
import { sseCustomerKeyBytes as validKeyBytes, sseCustomerKeyMD5 } from '../plan/sse-customer-key.js'
import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import type { ChecksumAlgorithm, LocalDigest } from '../plan/local-digest.js'
import { encodeQueryValue } from './addressing.js'
import { encodeMetadataValue } from './metadata-encoding.js'
import { CHECKSUM_HEADERS } from './remote-object-headers.js'

type StringOption = { [K in keyof PutOptions]-?: PutOptions[K] extends string | undefined ? K : never }[keyof PutOptions]

/** Options that map one to one onto a header. */
const PLAIN_HEADERS: Partial<Record<StringOption, string>> = {
  acl: 'x-amz-acl',
  grantFullControl: 'x-amz-grant-full-control',
  grantRead: 'x-amz-grant-read',
  grantReadACP: 'x-amz-grant-read-acp',
  grantWriteACP: 'x-amz-grant-write-acp',
  cacheControl: 'cache-control',
  contentDisposition: 'content-disposition',
  contentEncoding: 'content-encoding',
  contentLanguage: 'content-language',
  contentType: 'content-type',
  websiteRedirectLocation: 'x-amz-website-redirect-location',
  storageClass: 'x-amz-storage-class',
  serverSideEncryption: 'x-amz-server-side-encryption',
  ssekmsKeyId: 'x-amz-server-side-encryption-aws-kms-key-id',
  objectLockMode: 'x-amz-object-lock-mode',
  objectLockLegalHoldStatus: 'x-amz-object-lock-legal-hold',
  expectedBucketOwner: 'x-amz-expected-bucket-owner',
  requestPayer: 'x-amz-request-payer',
}

/**
 * The headers of a PutObject for these options and this file: every option, the
 * computed Content-MD5, and a full-object checksum (the declared algorithm, else
 * CRC64NVME). Apply sends them; the diff reads the same mapping, so they cannot drift.
 * Content-Length and conditional headers (If-Match) are the caller's.
 */
export function putHeaders(options: PutOptions, digest: LocalDigest): Record<string, string> {
  const headers = objectHeaders(options)
  if (options.ifNoneMatch !== undefined) headers['if-none-match'] = options.ifNoneMatch
  // The plan computes the MD5 of every file uploaded in one piece.
  if (digest.md5 === undefined) throw new Error('the local digest has no MD5 for the Content-MD5 of a single PutObject')
  headers['content-md5'] = Buffer.from(digest.md5, 'hex').toString('base64')
  const algorithm = uploadChecksumAlgorithm(options)
  const value = digest.checksums[algorithm]
  if (value === undefined) throw new Error(`the local digest has no ${algorithm} checksum`)
  headers['x-amz-sdk-checksum-algorithm'] = algorithm
  headers[CHECKSUM_HEADERS[algorithm]] = value
  return headers
}

/**
 * The headers of a CreateMultipartUpload: the object's options and the checksum
 * algorithm (full-object for the CRCs, composite for SHA1/SHA256, which S3 cannot
 * combine). If-None-Match and the checksum value go on CompleteMultipartUpload.
 */
export function createMultipartHeaders(options: PutOptions): Record<string, string> {
  const headers = objectHeaders(options)
  const algorithm = uploadChecksumAlgorithm(options)
  headers['x-amz-checksum-algorithm'] = algorithm
  headers['x-amz-checksum-type'] = algorithm === 'SHA1' || algorithm === 'SHA256' ? 'COMPOSITE' : 'FULL_OBJECT'
  return headers
}

/** Headers every request on an SSE-C object needs (UploadPart, HeadObject, Complete). */
export function sseCustomerHeaders(options: Pick<PutOptions, 'sseCustomerAlgorithm' | 'sseCustomerKey'>): Record<string, string> {
  if (options.sseCustomerKey === undefined) return {}
  const key = sseCustomerKeyBytes(options.sseCustomerKey)
  return {
    'x-amz-server-side-encryption-customer-algorithm': options.sseCustomerAlgorithm ?? 'AES256',
    'x-amz-server-side-encryption-customer-key': key.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64'),
  }
}

/** Invalid keys go out as their UTF-8 bytes, for S3 to reject (the manifest check catches them first). */
export function sseCustomerKeyBytes(key: string): Buffer {
  return validKeyBytes(key) ?? Buffer.from(key, 'utf8')
}

export { sseCustomerKeyMD5 }

/** `k=v&k2=v2`, keys sorted, each part RFC 3986 encoded. */
export function taggingHeader(tags: Record<string, string>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${encodeQueryValue(k)}=${encodeQueryValue(tags[k] ?? '')}`)
    .join('&')
}

/** The HTTP date of an ISO 8601 instant (the Expires header). */
export function httpDate(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : new Date(time).toUTCString()
}

function objectHeaders(options: PutOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [option, header] of Object.entries(PLAIN_HEADERS) as [StringOption, string][]) {
    const value = options[option]
    if (value !== undefined) headers[header] = value
  }
  if (options.expires !== undefined) headers.expires = httpDate(options.expires)
  if (options.objectLockRetainUntilDate !== undefined) {
    const time = Date.parse(options.objectLockRetainUntilDate)
    headers['x-amz-object-lock-retain-until-date'] = Number.isNaN(time) ? options.objectLockRetainUntilDate : new Date(time).toISOString()
  }
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    headers[`x-amz-meta-${name.toLowerCase()}`] = encodeMetadataValue(value)
  }
  if (options.tagging !== undefined && Object.keys(options.tagging).length > 0) headers['x-amz-tagging'] = taggingHeader(options.tagging)
  if (options.ssekmsEncryptionContext !== undefined) {
    headers['x-amz-server-side-encryption-context'] = Buffer.from(JSON.stringify(options.ssekmsEncryptionContext), 'utf8').toString('base64')
  }
  if (options.bucketKeyEnabled !== undefined) headers['x-amz-server-side-encryption-bucket-key-enabled'] = String(options.bucketKeyEnabled)
  Object.assign(headers, sseCustomerHeaders(options))
  if (options.sseCustomerKey === undefined && options.sseCustomerAlgorithm !== undefined) {
    headers['x-amz-server-side-encryption-customer-algorithm'] = options.sseCustomerAlgorithm
  }
  return headers
}
