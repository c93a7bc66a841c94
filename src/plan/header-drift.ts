import type { PutOptions } from './put-options.js'
import type { RemoteHeaderOptions, RemoteObject } from './remote-object.js'
import { aclDrift } from './acl-drift.js'
import { sseCustomerKeyMD5 } from './sse-customer-key.js'

/** Headers PutObject always rewrites: a value the manifest leaves out is removed. */
const REWRITTEN_HEADERS = [
  'cacheControl',
  'contentDisposition',
  'contentEncoding',
  'contentLanguage',
  'contentType',
  'websiteRedirectLocation',
] as const satisfies readonly (keyof PutOptions & keyof RemoteHeaderOptions)[]

/** Headers compared only when declared: when absent, S3 or the bucket decides. */
const DECLARED_ONLY = ['serverSideEncryption', 'objectLockMode', 'objectLockLegalHoldStatus'] as const

/**
 * One reason per option whose value in the bucket differs from what PutObject would send,
 * as `name: old -> new`, after normalising S3's defaults. Secrets are named, never shown.
 */
export function headerDrift(desired: PutOptions, remote: RemoteObject): string[] {
  const have = remote.headers
  const reasons: string[] = []
  const differ = (name: string, old: unknown, want: unknown) => reasons.push(`${name}: ${show(old)} -> ${show(want)}`)

  for (const name of REWRITTEN_HEADERS) if (desired[name] !== have[name]) differ(name, have[name], desired[name])
  if (!sameInstant(desired.expires, have.expires)) differ('expires', have.expires, desired.expires)
  if (!sameMap(lowerKeys(desired.metadata ?? {}), have.metadata)) differ('metadata', have.metadata, lowerKeys(desired.metadata ?? {}))
  if ((desired.storageClass ?? 'STANDARD') !== have.storageClass) differ('storageClass', have.storageClass, desired.storageClass ?? 'STANDARD')
  for (const name of DECLARED_ONLY) if (desired[name] !== undefined && desired[name] !== have[name]) differ(name, have[name], desired[name])
  // With a key, PutObject sends AES256 when the manifest names no algorithm; without one, none.
  const sseCustomerAlgorithm = desired.sseCustomerAlgorithm ?? (desired.sseCustomerKey === undefined ? undefined : 'AES256')
  if (sseCustomerAlgorithm !== have.sseCustomerAlgorithm) differ('sseCustomerAlgorithm', have.sseCustomerAlgorithm, sseCustomerAlgorithm)
  if (desired.sseCustomerKey !== undefined && have.sseCustomerKeyMD5 !== undefined && sseCustomerKeyMD5(desired.sseCustomerKey) !== have.sseCustomerKeyMD5) {
    reasons.push('sseCustomerKey: the object was written with another key')
  }
  if (desired.ssekmsKeyId !== undefined && have.ssekmsKeyId !== undefined && !sameKmsKey(desired.ssekmsKeyId, have.ssekmsKeyId)) {
    differ('ssekmsKeyId', have.ssekmsKeyId, desired.ssekmsKeyId)
  }
  if (desired.bucketKeyEnabled !== undefined && desired.bucketKeyEnabled !== (have.bucketKeyEnabled ?? false)) {
    differ('bucketKeyEnabled', have.bucketKeyEnabled ?? false, desired.bucketKeyEnabled)
  }
  if (desired.ssekmsEncryptionContext !== undefined && have.ssekmsEncryptionContext !== undefined && !sameMap(desired.ssekmsEncryptionContext, have.ssekmsEncryptionContext)) {
    differ('ssekmsEncryptionContext', have.ssekmsEncryptionContext, desired.ssekmsEncryptionContext)
  }
  if (desired.objectLockRetainUntilDate !== undefined && !sameInstant(desired.objectLockRetainUntilDate, have.objectLockRetainUntilDate)) {
    differ('objectLockRetainUntilDate', have.objectLockRetainUntilDate, desired.objectLockRetainUntilDate)
  }
  if (desired.checksumAlgorithm !== undefined && remote.checksums[desired.checksumAlgorithm] === undefined) {
    differ('checksumAlgorithm', Object.keys(remote.checksums)[0], desired.checksumAlgorithm)
  }
  if (desired.tagging !== undefined && remote.tagging !== undefined && !sameMap(desired.tagging, remote.tagging)) {
    differ('tagging', remote.tagging, desired.tagging)
  }
  if (remote.acl !== undefined) reasons.push(...aclDrift(desired, remote.acl))
  return reasons
}

function show(value: unknown): string {
  if (value === undefined) return '(none)'
  if (typeof value === 'object' && value !== null) return JSON.stringify(sortKeys(value as Record<string, unknown>))
  return JSON.stringify(value)
}

function sortKeys(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)))
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/** S3 stores metadata names in lower case. */
function lowerKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]))
}

/** Dates travel as HTTP dates (second precision): compare instants, not spellings. */
function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000)
}

/** S3 reports the key's ARN; a manifest may name it by id or ARN. Aliases cannot be checked here. */
function sameKmsKey(declared: string, reported: string): boolean {
  if (declared.startsWith('alias/') || declared.includes(':alias/')) return true
  return reported === declared || reported.endsWith(`:key/${declared}`) || reported.endsWith(`/${declared}`)
}
