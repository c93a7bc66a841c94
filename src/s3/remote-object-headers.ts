import type { ChecksumAlgorithm } from '../plan/local-digest.js'
import { CHECKSUM_ALGORITHMS } from '../plan/local-digest.js'
import { OPTIONS, type Encoding } from '../plan/option-table.js'
import type { RemoteHeaderOptions, RemoteObject } from '../plan/remote-object.js'
import { decodeMetadataValue } from './metadata-encoding.js'

/** `x-amz-checksum-<name>` for each algorithm. */
export const CHECKSUM_HEADERS: Record<ChecksumAlgorithm, string> = {
  CRC32: 'x-amz-checksum-crc32',
  CRC32C: 'x-amz-checksum-crc32c',
  SHA1: 'x-amz-checksum-sha1',
  SHA256: 'x-amz-checksum-sha256',
  CRC64NVME: 'x-amz-checksum-crc64nvme',
}

/**
 * Normalises a HeadObject answer into what the diff compares: quotes off the ETag, S3's
 * defaults explicit (`STANDARD`), dates as ISO 8601, metadata keys lower-cased and
 * values decoded, the KMS context decoded.
 */
export function remoteObjectFromHeaders(h: Record<string, string>): RemoteObject {
  const etag = unquote(h.etag ?? '')
  const partCount = toInt(h['x-amz-mp-parts-count']) ?? toInt(/-(\d+)$/.exec(etag)?.[1])
  const checksums = checksumsFromHeaders(h)
  const checksumType = h['x-amz-checksum-type']
  const remote: RemoteObject = {
    etag,
    size: toInt(h['content-length']) ?? 0,
    checksums,
    headers: headerOptions(h),
  }
  const lastModified = isoDate(h['last-modified'])
  if (lastModified !== undefined) remote.lastModified = lastModified
  if (h['x-amz-version-id'] !== undefined && h['x-amz-version-id'] !== 'null') remote.versionId = h['x-amz-version-id']
  if (checksumType === 'FULL_OBJECT' || checksumType === 'COMPOSITE') remote.checksumType = checksumType
  if (partCount !== undefined) remote.partCount = partCount
  return remote
}

/** The `x-amz-checksum-*` values of an answer (HeadObject, PutObject, UploadPart), by algorithm. */
export function checksumsFromHeaders(h: Record<string, string>): Partial<Record<ChecksumAlgorithm, string>> {
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {}
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = h[CHECKSUM_HEADERS[algorithm]]
    if (value !== undefined && value !== '') checksums[algorithm] = value
  }
  return checksums
}

/** The HeadObject-readable options of the option table, each decoded as its table row says. */
const HEAD_OPTIONS = OPTIONS.filter(([, spec]) => spec.readBack === 'head' && spec.role !== 'checksum')

/** The options HeadObject's headers `h` report, as the diff compares them. */
export function headerOptions(h: Record<string, string>): RemoteHeaderOptions {
  const out: RemoteHeaderOptions = { metadata: {}, storageClass: 'STANDARD' }
  const fields = out as unknown as Record<string, unknown>
  for (const [name, spec] of HEAD_OPTIONS) {
    if (spec.encoding === 'metadata') out.metadata = metadataFromHeaders(h)
    else if (spec.encoding === 'sse-c-key') setIfDefined(fields, 'sseCustomerKeyMD5', h[`${spec.header}-md5`])
    else setIfDefined(fields, name, decode(spec.encoding, h[spec.header]))
  }
  return out
}

function decode(encoding: Encoding, value: string | undefined): unknown {
  if (value === undefined) return undefined
  switch (encoding) {
    case 'http-date':
    case 'iso-date':
      return isoDate(value) ?? value
    case 'boolean':
      return value.toLowerCase() === 'true'
    case 'base64-json':
      return decodeContext(value)
    default:
      return value
  }
}

function metadataFromHeaders(h: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {}
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length).toLowerCase()] = decodeMetadataValue(value)
  }
  return metadata
}

function setIfDefined(target: Record<string, unknown>, field: string, value: unknown): void {
  if (value !== undefined) target[field] = value
}

export interface ReportedEncryption {
  serverSideEncryption?: string
  ssekmsKeyId?: string
  bucketKeyEnabled?: boolean
}

/** The server-side encryption S3 reports on HeadObject, PutObject and CompleteMultipartUpload. */
export function encryptionFromHeaders(h: Record<string, string>): ReportedEncryption {
  // Filled field by field: read for every answer, and a literal of spreads would get a hidden class of its own each time.
  const out: ReportedEncryption = {}
  const sse = h['x-amz-server-side-encryption']
  const kmsKey = h['x-amz-server-side-encryption-aws-kms-key-id']
  const bucketKey = h['x-amz-server-side-encryption-bucket-key-enabled']
  if (sse !== undefined) out.serverSideEncryption = sse
  if (kmsKey !== undefined) out.ssekmsKeyId = kmsKey
  if (bucketKey !== undefined) out.bucketKeyEnabled = bucketKey.toLowerCase() === 'true'
  return out
}

/** The KMS encryption context: base64 of a JSON object of strings; anything else is ignored. */
export function decodeContext(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined || value === '') return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
  } catch {
    return undefined
  }
}

export function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1')
}

/** An HTTP or ISO 8601 date as ISO 8601; undefined when it is not a date. */
export function isoDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const time = Date.parse(value)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined
  return Number(value.trim())
}
