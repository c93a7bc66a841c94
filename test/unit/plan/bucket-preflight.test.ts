/** What the bucket's settings make of the manifest's options: refusals, warnings, and nothing when a setting is unknown. */
import { describe, expect, it } from 'vitest'
import { bucketPreflight, describeBucketFacts, UNKNOWN_BUCKET_FACTS, type BucketFacts, type DesiredObject, type PutOptions } from '../../../src/plan/index.js'

function object(index: number, options: PutOptions): DesiredObject {
  return { key: `k${index}`, source: `f${index}`, sourcePath: `/f${index}`, size: 1, options, entry: { index, line: index + 4, col: 5 } }
}

const ENFORCED: BucketFacts = { ...UNKNOWN_BUCKET_FACTS, ownership: 'BucketOwnerEnforced', objectLock: 'off' }
const summary = (facts: BucketFacts, objects: DesiredObject[]) => bucketPreflight(facts, objects).map((p) => `${p.severity} ${p.entry?.index} ${p.options.join(',')}`)

describe('bucketPreflight', () => {
  it('ACLs on BucketOwnerEnforced: an error per entry, however many objects; bucket-owner-full-control alone passes', () => {
    const objects = [object(0, { acl: 'public-read' }), object(0, { acl: 'public-read' }), object(1, { grantRead: 'id=1' }), object(2, { acl: 'bucket-owner-full-control' })]
    expect(summary(ENFORCED, objects)).toEqual(['error 0 acl', 'error 1 grantRead'])
  })

  it('lock options on a bucket without Object Lock; none when the lock is enabled or unknown', () => {
    const objects = [object(0, { objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: '2030-01-01T00:00:00Z' }), object(1, { objectLockLegalHoldStatus: 'ON' })]
    expect(summary(ENFORCED, objects)).toEqual(['error 0 objectLockMode,objectLockRetainUntilDate', 'error 1 objectLockLegalHoldStatus'])
    expect(summary({ ...ENFORCED, objectLock: 'Enabled' }, objects)).toEqual([])
    expect(summary(UNKNOWN_BUCKET_FACTS, objects)).toEqual([])
  })

  it('an unknown ownership refuses no ACL', () => {
    expect(summary(UNKNOWN_BUCKET_FACTS, [object(0, { acl: 'public-read' })])).toEqual([])
  })

  it('a KMS key other than the default with its bucket key, when bucketKeyEnabled is declared: a warning; the same key by ARN is no warning', () => {
    const facts: BucketFacts = { ...UNKNOWN_BUCKET_FACTS, encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k1', bucketKeyEnabled: true } }
    expect(summary(facts, [object(0, { ssekmsKeyId: 'k2', bucketKeyEnabled: true })])).toEqual(['warning 0 ssekmsKeyId,bucketKeyEnabled'])
    expect(summary(facts, [object(0, { ssekmsKeyId: 'k1', bucketKeyEnabled: true })])).toEqual([])
    expect(summary(facts, [object(0, { ssekmsKeyId: 'k2' })])).toEqual([])
    expect(summary({ ...facts, encryption: { algorithm: 'aws:kms', kmsKeyId: 'k1', bucketKeyEnabled: false } }, [object(0, { ssekmsKeyId: 'k2', bucketKeyEnabled: true })])).toEqual([])
  })

  it('describes the facts in one line', () => {
    expect(describeBucketFacts({ versioning: 'Enabled', encryption: { algorithm: 'aws:kms', kmsKeyId: 'k1', bucketKeyEnabled: true }, ownership: 'BucketOwnerEnforced', objectLock: 'off' })).toBe(
      'versioning Enabled, default encryption aws:kms (key k1, bucket key), ownership BucketOwnerEnforced, object lock off',
    )
  })
})
