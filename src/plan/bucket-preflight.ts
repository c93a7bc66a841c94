import type { BucketFacts } from './bucket-facts.js'
import type { DesiredObject } from './desired-object.js'
import { ACL_OPTIONS, LOCK_OPTIONS } from './option-table.js'
import type { PutOptionName } from './put-options.js'

/** One problem the bucket's settings make of the manifest: where it is declared, and what. */
export interface BucketProblem {
  severity: 'error' | 'warning'
  /** The entry that declares it (its place in the manifest), and the options concerned; no entry for what concerns the whole manifest. */
  entry?: DesiredObject['entry']
  options: PutOptionName[]
  message: string
}

/**
 * What the bucket would refuse halfway through an apply, found before any write; and what it
 * would accept but not do as the manifest seems to expect (warnings). Only settings the
 * store told are used: an `unknown` fact refuses nothing. One problem per entry and kind.
 *
 * - ACLs on a BucketOwnerEnforced bucket: S3 answers 400 AccessControlListNotSupported to
 *   any PUT with an ACL other than the `bucket-owner-full-control` canned ACL.
 * - Object Lock options on a bucket without Object Lock: S3 answers 400 InvalidRequest.
 * - `bucketKeyEnabled` with an `ssekmsKeyId` other than the bucket's default key: the
 *   objects are encrypted under the declared key, with a bucket key of that key, not the
 *   bucket's; said, since the two are easily confused.
 */
export function bucketPreflight(facts: BucketFacts, objects: readonly DesiredObject[]): BucketProblem[] {
  const problems = new Map<string, BucketProblem>()
  const add = (kind: string, problem: BucketProblem) => {
    const id = `${problem.entry?.index}:${kind}`
    if (!problems.has(id)) problems.set(id, problem)
  }
  for (const object of objects) {
    const { options, entry } = object
    if (facts.ownership === 'BucketOwnerEnforced') {
      const declared = ACL_OPTIONS.filter((name) => options[name] !== undefined && !(name === 'acl' && options.acl === 'bucket-owner-full-control'))
      if (declared.length > 0) {
        add('acl', { severity: 'error', entry, options: declared, message: `${declared.join(', ')}: the bucket's Object Ownership is BucketOwnerEnforced, so ACLs are disabled and S3 refuses every PUT that sets one (AccessControlListNotSupported); remove them (only acl: bucket-owner-full-control is accepted) and grant access with a bucket policy` })
      }
    }
    if (facts.objectLock === 'off') {
      const declared = LOCK_OPTIONS.filter((name) => options[name] !== undefined)
      if (declared.length > 0) add('lock', { severity: 'error', entry, options: declared, message: `${declared.join(', ')}: the bucket does not have Object Lock enabled, so S3 refuses these options; enable Object Lock on the bucket or remove them` })
    }
    const encryption = facts.encryption
    if (typeof encryption === 'object' && encryption.bucketKeyEnabled === true && encryption.kmsKeyId !== undefined && options.bucketKeyEnabled !== undefined && options.ssekmsKeyId !== undefined && !sameKmsKey(options.ssekmsKeyId, encryption.kmsKeyId)) {
      add('kms', { severity: 'warning', entry, options: ['ssekmsKeyId', 'bucketKeyEnabled'], message: `ssekmsKeyId ${options.ssekmsKeyId} differs from the bucket's default key ${encryption.kmsKeyId}, which has its S3 Bucket Key: these objects are encrypted under ${options.ssekmsKeyId}${options.bucketKeyEnabled ? ', with a bucket key of that key' : ''}, not the bucket's` })
    }
  }
  return [...problems.values()]
}

/** A key id, an ARN ending in it, or the same text: the same key. Aliases cannot be told from ids without KMS, so they differ unless written alike. */
function sameKmsKey(a: string, b: string): boolean {
  const id = (value: string) => value.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:key\//, '')
  return a === b || id(a) === id(b)
}
