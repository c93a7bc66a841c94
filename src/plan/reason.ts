import type { PutOptionName } from './put-options.js'

/** A value as a reason shows it: what the manifest wants or what the bucket has. */
export type ReasonValue = string | number | boolean | string[] | Record<string, string>

/**
 * Why an object gets its action, as data: `option` names what differs (a put option, or
 * `object` / `content` for the object's presence and bytes), `want` what the manifest
 * asks for, `have` what the bucket or the file has (absent: none). Reasons explain and
 * never decide: apply reads the action alone. Secret values are never in one.
 */
export type Reason =
  /** The key does not exist in the bucket. */
  | { code: 'new-object'; option: 'object' }
  /** The evidence (`evidence`: which digest, or the size) says the bytes differ. */
  | { code: 'content-changed'; option: 'content'; evidence: string; want?: ReasonValue; have?: ReasonValue }
  /** Nothing the bucket reports can judge the bytes: `why`. */
  | { code: 'content-unverified'; option: 'content'; why: string }
  /** What PutObject would send differs from what the bucket holds. */
  | { code: 'option-drift'; option: PutOptionName; want?: ReasonValue; have?: ReasonValue }
  /** A checksum the manifest declares is not the file's. */
  | { code: 'pin-broken'; option: PutOptionName; want: string; have?: string }
  /** A create-only object exists, and its content differs or cannot be verified (`why`). */
  | { code: 'create-only-exists'; option: 'ifNoneMatch'; why?: string }
  /** A drifted option (or the object's state) that no repair in place can fix: only an upload can (`why`). */
  | { code: 'needs-upload'; option: PutOptionName; why: string }
  /** A create-only object holds the file's bytes, but its options need an upload, which create-only forbids. */
  | { code: 'create-only-drift'; option: 'ifNoneMatch' }
  /** putplan wrote the object and the manifest no longer declares its key (prune). */
  | { code: 'not-declared'; option: 'object' }

export type ReasonCode = Reason['code']

/** One line of text per reason: what the human and markdown views and apply's report show. */
export function describeReason(reason: Reason): string {
  switch (reason.code) {
    case 'new-object':
      return 'new object'
    case 'content-changed':
      return 'content changed'
    case 'content-unverified':
      return `content cannot be verified: ${reason.why}`
    case 'option-drift':
      // The key itself is secret: only the fact that it differs can be told.
      if (reason.option === 'sseCustomerKey') return 'sseCustomerKey: the object was written with another key'
      return `${reason.option}: ${shown(reason.have)} -> ${shown(reason.want)}`
    case 'pin-broken':
      return `${reason.option}: the manifest pins ${reason.want} but the file's is ${reason.have ?? '(not computed)'}`
    case 'create-only-exists':
      return `create-only object already exists and ${reason.why === undefined ? 'its content differs' : `its content cannot be verified: ${reason.why}`}`
    case 'needs-upload':
      return `${reason.option} cannot be repaired in place: ${reason.why}`
    case 'create-only-drift':
      return 'create-only object already exists with the same content, but only an upload could fix its options'
    case 'not-declared':
      return 'no longer in the manifest (putplan wrote it)'
  }
}

function shown(value: ReasonValue | undefined): string {
  if (value === undefined) return '(none)'
  if (typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))))
  return JSON.stringify(value)
}
