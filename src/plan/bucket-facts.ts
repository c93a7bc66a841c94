/**
 * What a plan learns of the bucket's own settings (GetBucketOwnershipControls,
 * GetObjectLockConfiguration, GetBucketEncryption, GetBucketVersioning), each `unknown`
 * when the store would not tell (no permission, not implemented). Shown in the plan's
 * header, and read by `bucketPreflight` to refuse what the bucket would refuse.
 */
export interface BucketFacts {
  /** `off`: never enabled. */
  versioning: 'Enabled' | 'Suspended' | 'off' | 'unknown'
  /** The bucket's default encryption; `none` when it has no configuration. */
  encryption: DefaultEncryption | 'none' | 'unknown'
  /** Object Ownership; `none` when the bucket has no ownership controls (ACLs apply, as ObjectWriter). */
  ownership: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter' | 'none' | 'unknown'
  objectLock: 'Enabled' | 'off' | 'unknown'
}

export interface DefaultEncryption {
  /** AES256, aws:kms or aws:kms:dsse. */
  algorithm: string
  kmsKeyId?: string
  bucketKeyEnabled?: boolean
}

/** Nothing known: what a plan holds when the store answered none of the four reads. */
export const UNKNOWN_BUCKET_FACTS: BucketFacts = { versioning: 'unknown', encryption: 'unknown', ownership: 'unknown', objectLock: 'unknown' }

/** One line of the plan's header, e.g. `versioning Enabled, default encryption aws:kms (key k1, bucket key), ownership BucketOwnerEnforced, object lock off`. */
export function describeBucketFacts(facts: BucketFacts): string {
  return [
    `versioning ${facts.versioning}`,
    `default encryption ${describeEncryption(facts.encryption)}`,
    `ownership ${facts.ownership}`,
    `object lock ${facts.objectLock}`,
  ].join(', ')
}

function describeEncryption(encryption: BucketFacts['encryption']): string {
  if (typeof encryption === 'string') return encryption
  const details = [encryption.kmsKeyId === undefined ? undefined : `key ${encryption.kmsKeyId}`, encryption.bucketKeyEnabled ? 'bucket key' : undefined].filter((d) => d !== undefined)
  return details.length === 0 ? encryption.algorithm : `${encryption.algorithm} (${details.join(', ')})`
}
