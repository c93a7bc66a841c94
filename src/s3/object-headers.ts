import { createHash } from 'node:crypto'
import { sseCustomerKeyBytes as validKeyBytes, sseCustomerKeyMD5 } from '../plan/sse-customer-key.js'
import { OPTIONS, type OptionSpec } from '../plan/option-table.js'
import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import { encodeQueryValue } from './addressing.js'
import { encodeMetadataValue } from './metadata-encoding.js'
import type { RemoteHeaderOptions } from '../plan/remote-object.js'
import type {
  ChecksumValue,
  CompleteMultipartInput,
  CopyObjectInput,
  DeleteObjectInput,
  ObjectRequestOptions,
  PutObjectInput,
  RequestOptions,
  UploadPartCopyInput,
  UploadPartInput,
  WriteCondition,
} from './object-store.js'
import { CHECKSUM_HEADERS, headerOptions, type ReportedEncryption } from './remote-object-headers.js'

/**
 * The headers of a PutObject: every option the object stores, the request options, the
 * Content-MD5 and the full-object checksum (S3 verifies both), and the condition. The
 * option table decides each header; the diff reads the same table, so they cannot drift.
 */
export function putObjectHeaders(input: Omit<PutObjectInput, 'body'>): Record<string, string> {
  const headers = objectHeaders(input.options)
  headers['content-length'] = String(input.contentLength)
  return Object.assign(headers, digestHeaders(input.md5, input.checksum), conditionHeaders(input.condition))
}

/**
 * The headers of a CreateMultipartUpload: the object's options and the checksum
 * algorithm (full-object for the CRCs, composite for SHA1/SHA256, which S3 cannot
 * combine). The condition and the checksum value go on CompleteMultipartUpload.
 */
export function createMultipartHeaders(options: PutOptions): Record<string, string> {
  const headers = objectHeaders(options)
  const algorithm = uploadChecksumAlgorithm(options)
  headers['x-amz-checksum-algorithm'] = algorithm
  headers['x-amz-checksum-type'] = algorithm === 'SHA1' || algorithm === 'SHA256' ? 'COMPOSITE' : 'FULL_OBJECT'
  return headers
}

/** The headers of one UploadPart: its Content-MD5 and checksum, and what every request on the upload repeats. */
export function uploadPartHeaders(input: Omit<UploadPartInput, 'body'>): Record<string, string> {
  const headers = { 'content-length': String(input.contentLength), ...objectRequestHeaders(input.options ?? {}) }
  return Object.assign(headers, digestHeaders(input.md5, input.checksum))
}

/** The headers of a CompleteMultipartUpload: the condition, the whole object's checksum (FULL_OBJECT), what every request repeats. */
export function completeMultipartHeaders(input: Omit<CompleteMultipartInput, 'parts'>): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/xml', ...objectRequestHeaders(input.options ?? {}), ...conditionHeaders(input.condition) }
  if (input.checksum !== undefined) {
    headers[CHECKSUM_HEADERS[input.checksum.algorithm]] = input.checksum.value
    headers['x-amz-checksum-type'] = 'FULL_OBJECT'
  }
  return headers
}

/**
 * The headers of a CopyObject of an object onto itself (`source`: `bucket/key`, encoded):
 * with the REPLACE directive, every option the object stores, spelled as PutObject spells
 * them, so the copy stores exactly what an upload would; the tagging directive (the tags
 * header only with REPLACE); the algorithm of the checksum S3 computes over the copy; the
 * source's SSE-C key; and the condition on the source's ETag.
 */
export function copyObjectHeaders(source: string, input: CopyObjectInput): Record<string, string> {
  const headers = objectHeaders(input.options)
  if (input.tagging === 'COPY') delete headers['x-amz-tagging']
  headers['x-amz-copy-source'] = source
  headers['x-amz-metadata-directive'] = 'REPLACE'
  headers['x-amz-tagging-directive'] = input.tagging
  headers['x-amz-checksum-algorithm'] = input.checksumAlgorithm
  return Object.assign(headers, copySourceHeaders(input.options, input.sourceEtag))
}

/** The headers of an UploadPartCopy: the source and its range, the condition, the SSE-C key of source and upload. */
export function uploadPartCopyHeaders(source: string, input: UploadPartCopyInput): Record<string, string> {
  const options = input.options ?? {}
  const headers = { 'x-amz-copy-source': source, 'x-amz-copy-source-range': `bytes=${input.range.first}-${input.range.last}`, ...objectRequestHeaders(options) }
  return Object.assign(headers, copySourceHeaders(options, input.sourceEtag))
}

/** What S3 needs to read the source of a copy: its SSE-C key under the copy-source names, and the condition on its ETag. */
function copySourceHeaders(options: Pick<PutOptions, 'sseCustomerAlgorithm' | 'sseCustomerKey'>, etag: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(sseCustomerHeaders(options))) headers[name.replace(/^x-amz-/, 'x-amz-copy-source-')] = value
  if (etag !== undefined) headers['x-amz-copy-source-if-match'] = `"${etag}"`
  return headers
}

/** The headers of a PutObjectAcl: the canned ACL or the grants (the option table's ACL rows), and the request options. */
export function putObjectAclHeaders(options: PutOptions): Record<string, string> {
  const headers = requestOptionHeaders(options)
  for (const [name, spec] of OPTIONS) {
    const value = options[name]
    if (spec.readBack === 'acl' && value !== undefined) writeHeader(headers, spec, value)
  }
  return headers
}

/** The headers of a DeleteObject: its condition (always `If-Match`) and the request options. */
export function deleteObjectHeaders(input: DeleteObjectInput): Record<string, string> {
  return { ...requestOptionHeaders(input.options ?? {}), ...conditionHeaders(input.condition) }
}

/** The SSE-C key and the request parameters, which every request about an object repeats (reads included). */
export function objectRequestHeaders(options: ObjectRequestOptions): Record<string, string> {
  return { ...sseCustomerHeaders(options), ...requestOptionHeaders(options) }
}

function digestHeaders(md5: string | undefined, checksum: ChecksumValue | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  if (md5 !== undefined) headers['content-md5'] = Buffer.from(md5, 'hex').toString('base64')
  if (checksum !== undefined) {
    headers['x-amz-sdk-checksum-algorithm'] = checksum.algorithm
    headers[CHECKSUM_HEADERS[checksum.algorithm]] = checksum.value
  }
  return headers
}

function conditionHeaders(condition: WriteCondition | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  if (condition?.ifMatch !== undefined) headers['if-match'] = `"${condition.ifMatch}"`
  if (condition?.ifNoneMatch !== undefined) headers['if-none-match'] = condition.ifNoneMatch
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

/**
 * What HeadObject reports of an object just written with `options`: the headers the write
 * sent, read back as HeadObject's answer is, with the encryption S3 said it applied (a
 * bucket default can apply one the request did not name).
 */
export function storedHeaderOptions(options: PutOptions, answer: ReportedEncryption): RemoteHeaderOptions {
  const stored = headerOptions(objectHeaders(options))
  if (answer.serverSideEncryption !== undefined) stored.serverSideEncryption = answer.serverSideEncryption
  if (answer.ssekmsKeyId !== undefined) stored.ssekmsKeyId = answer.ssekmsKeyId
  if (answer.bucketKeyEnabled !== undefined) stored.bucketKeyEnabled = answer.bucketKeyEnabled
  return stored
}

/**
 * The headers that store `options` on the object, as the option table spells them, and
 * the request options. Pins are not sent, the create-only condition and the checksum go
 * with the request that carries them (PutObject, or Create and Complete of a multipart upload).
 */
function objectHeaders(options: PutOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, spec] of OPTIONS) {
    const value = options[name]
    if (value === undefined || spec.role === 'pin' || spec.role === 'condition' || spec.role === 'checksum') continue
    writeHeader(headers, spec, value)
  }
  // The key travels with its algorithm (AES256 unless declared) and its MD5.
  if (options.sseCustomerKey !== undefined) Object.assign(headers, sseCustomerHeaders(options))
  return headers
}

function writeHeader(headers: Record<string, string>, spec: OptionSpec, value: NonNullable<PutOptions[keyof PutOptions]>): void {
  switch (spec.encoding) {
    case 'text':
      headers[spec.header] = String(value)
      return
    case 'boolean':
      headers[spec.header] = String(value)
      return
    case 'http-date':
      headers[spec.header] = httpDate(value as string)
      return
    case 'iso-date':
      headers[spec.header] = isoInstant(value as string)
      return
    case 'metadata':
      for (const [name, text] of Object.entries(value as Record<string, string>)) headers[`x-amz-meta-${name.toLowerCase()}`] = encodeMetadataValue(text)
      return
    case 'tag-query':
      if (Object.keys(value as Record<string, string>).length > 0) headers[spec.header] = taggingHeader(value as Record<string, string>)
      return
    case 'base64-json':
      headers[spec.header] = Buffer.from(JSON.stringify(value), 'utf8').toString('base64')
      return
    case 'sse-c-key':
      return // with its algorithm and MD5, by sseCustomerHeaders
  }
}

function isoInstant(value: string): string {
  const time = Date.parse(value)
  return Number.isNaN(time) ? value : new Date(time).toISOString()
}

/** The bucket-owner check and the requester-pays consent, on any request. */
export function requestOptionHeaders(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  if (options.expectedBucketOwner !== undefined) headers['x-amz-expected-bucket-owner'] = options.expectedBucketOwner
  if (options.requestPayer !== undefined) headers['x-amz-request-payer'] = options.requestPayer
  return headers
}
