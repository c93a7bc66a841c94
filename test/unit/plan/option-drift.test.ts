import { describe, expect, it } from 'vitest'
import { optionDrift } from '../../../src/plan/option-drift.js'
import { describeReason } from '../../../src/plan/reason.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteAcl, RemoteHeaderOptions } from '../../../src/plan/remote-object.js'
import { sseCustomerKeyMD5 } from '../../../src/plan/sse-customer-key.js'
import { bytes, checksumOf, remoteObject, uploadedObject, type RemoteOverrides } from './builders.js'

/** The drift's reasons, as the views print them. */
const headerDrift = (desired: PutOptions, remote: Parameters<typeof optionDrift>[1]) => optionDrift(desired, remote).map(describeReason)
const drift = (desired: PutOptions, headers: Partial<RemoteHeaderOptions> = {}, remote: RemoteOverrides = {}) =>
  headerDrift(desired, remoteObject({ ...remote, headers }))

const REWRITTEN = [
  ['cacheControl', 'max-age=60', 'no-cache'],
  ['contentDisposition', 'inline', 'attachment; filename="a b.txt"'],
  ['contentEncoding', 'gzip', 'br'],
  ['contentLanguage', 'en', 'de-CH'],
  ['contentType', 'text/plain', 'text/html; charset=utf-8'],
  ['websiteRedirectLocation', '/old', 'https://example.com/new'],
] as const

describe('optionDrift: headers PutObject rewrites', () => {
  it.each(REWRITTEN)('%s: the same value is no drift', (name, value) => {
    expect(drift({ [name]: value }, { [name]: value })).toEqual([])
  })

  it.each(REWRITTEN)('%s: a changed value is reported as name: "old" -> "new"', (name, old, value) => {
    expect(drift({ [name]: value }, { [name]: old })).toEqual([`${name}: ${JSON.stringify(old)} -> ${JSON.stringify(value)}`])
  })

  it.each(REWRITTEN)('%s: declared but absent in the bucket', (name, _old, value) => {
    expect(drift({ [name]: value })).toEqual([`${name}: (none) -> ${JSON.stringify(value)}`])
  })

  it.each(REWRITTEN)('%s: absent from the manifest but set in the bucket (PutObject would remove it)', (name, old) => {
    expect(drift({}, { [name]: old })).toEqual([`${name}: ${JSON.stringify(old)} -> (none)`])
  })

  it('matches the reason in the design', () => {
    expect(drift({ cacheControl: 'no-cache' }, { cacheControl: 'max-age=60' })).toEqual(['cacheControl: "max-age=60" -> "no-cache"'])
  })

  it('compares values exactly (case and spaces count)', () => {
    expect(drift({ contentType: 'text/html' }, { contentType: 'TEXT/HTML' })).toHaveLength(1)
    expect(drift({ cacheControl: 'no-cache' }, { cacheControl: 'no-cache ' })).toHaveLength(1)
  })

  it('lists one reason per drifted header, in a stable order', () => {
    expect(drift({ contentType: 'text/css', cacheControl: 'no-cache' }, { contentType: 'text/plain', contentLanguage: 'en' })).toEqual([
      'cacheControl: (none) -> "no-cache"',
      'contentLanguage: "en" -> (none)',
      'contentType: "text/plain" -> "text/css"',
    ])
  })
})

describe('optionDrift: expires', () => {
  const remote = { expires: '2030-01-01T00:00:00.000Z' }

  it.each(['2030-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z', '2030-01-01T01:00:00+01:00', '2029-12-31T19:00:00-05:00', '2030-01-01T00:00:00.999Z'])(
    'compares instants: %s is the same second',
    (expires) => {
      expect(drift({ expires }, remote)).toEqual([])
    },
  )

  it('reports another second', () => {
    expect(drift({ expires: '2030-01-01T00:00:01Z' }, remote)).toEqual(['expires: "2030-01-01T00:00:00.000Z" -> "2030-01-01T00:00:01Z"'])
  })

  it('reports declared-but-absent and absent-but-present', () => {
    expect(drift({ expires: '2030-01-01T00:00:00Z' })).toEqual(['expires: (none) -> "2030-01-01T00:00:00Z"'])
    expect(drift({}, remote)).toEqual(['expires: "2030-01-01T00:00:00.000Z" -> (none)'])
  })
})

describe('optionDrift: metadata', () => {
  it('compares keys case-insensitively (S3 stores them lower-cased)', () => {
    expect(drift({ metadata: { Commit: 'abc', 'X-Build': '7' } }, { metadata: { commit: 'abc', 'x-build': '7' } })).toEqual([])
  })

  it('compares values exactly', () => {
    expect(drift({ metadata: { commit: 'ABC' } }, { metadata: { commit: 'abc' } })).toEqual(['metadata: {"commit":"abc"} -> {"commit":"ABC"}'])
  })

  it('compares the map whole: a key only in the bucket is drift, since PutObject replaces the map', () => {
    expect(drift({ metadata: { commit: 'abc' } }, { metadata: { commit: 'abc', old: '1' } })).toEqual([
      'metadata: {"commit":"abc","old":"1"} -> {"commit":"abc"}',
    ])
    expect(drift({}, { metadata: { old: '1' } })).toEqual(['metadata: {"old":"1"} -> {}'])
  })

  it('a key only in the manifest is drift', () => {
    expect(drift({ metadata: { Commit: 'abc' } })).toEqual(['metadata: {} -> {"commit":"abc"}'])
  })

  it('no metadata on either side is no drift', () => {
    expect(drift({})).toEqual([])
    expect(drift({ metadata: {} })).toEqual([])
  })

  it('shows maps with sorted keys, whatever the order they were written in', () => {
    expect(drift({ metadata: { b: '2', a: '1' } }, { metadata: { z: '0' } })).toEqual(['metadata: {"z":"0"} -> {"a":"1","b":"2"}'])
  })
})

describe('optionDrift: storage class', () => {
  it('treats an absent storage class as STANDARD', () => {
    expect(drift({})).toEqual([])
    expect(drift({ storageClass: 'STANDARD' })).toEqual([])
  })

  it('reports a change either way', () => {
    expect(drift({ storageClass: 'STANDARD_IA' })).toEqual(['storageClass: "STANDARD" -> "STANDARD_IA"'])
    expect(drift({}, { storageClass: 'GLACIER_IR' })).toEqual(['storageClass: "GLACIER_IR" -> "STANDARD"'])
    expect(drift({ storageClass: 'GLACIER_IR' }, { storageClass: 'GLACIER_IR' })).toEqual([])
  })
})

describe('optionDrift: server-side encryption', () => {
  const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
  const ID = '1234abcd-12ab-34cd-56ef-1234567890ab'

  it('compares serverSideEncryption only when declared: otherwise the bucket default decides', () => {
    expect(drift({}, { serverSideEncryption: 'aws:kms', ssekmsKeyId: ARN })).toEqual([])
    expect(drift({}, { serverSideEncryption: 'AES256' })).toEqual([])
    expect(drift({ serverSideEncryption: 'AES256' }, { serverSideEncryption: 'AES256' })).toEqual([])
    expect(drift({ serverSideEncryption: 'aws:kms' }, { serverSideEncryption: 'AES256' })).toEqual(['serverSideEncryption: "AES256" -> "aws:kms"'])
    expect(drift({ serverSideEncryption: 'aws:kms:dsse' }, { serverSideEncryption: 'aws:kms' })).toEqual([
      'serverSideEncryption: "aws:kms" -> "aws:kms:dsse"',
    ])
    expect(drift({ serverSideEncryption: 'AES256' })).toEqual(['serverSideEncryption: (none) -> "AES256"'])
  })

  it('matches a KMS key named by id or by ARN against the ARN S3 reports', () => {
    const kms = { serverSideEncryption: 'aws:kms' }
    expect(drift({ ...kms, ssekmsKeyId: ID }, { ...kms, ssekmsKeyId: ARN })).toEqual([])
    expect(drift({ ...kms, ssekmsKeyId: ARN }, { ...kms, ssekmsKeyId: ARN })).toEqual([])
  })

  it('reports another KMS key', () => {
    const kms = { serverSideEncryption: 'aws:kms' }
    const other = 'arn:aws:kms:eu-west-1:111122223333:key/ffffffff-12ab-34cd-56ef-1234567890ab'
    expect(drift({ ...kms, ssekmsKeyId: ID }, { ...kms, ssekmsKeyId: other })).toEqual([`ssekmsKeyId: ${JSON.stringify(other)} -> ${JSON.stringify(ID)}`])
    // A suffix of the id is not the id.
    expect(drift({ ...kms, ssekmsKeyId: 'abcd-12ab-34cd-56ef-1234567890ab' }, { ...kms, ssekmsKeyId: ARN })).toHaveLength(1)
  })

  it('does not compare a key named by alias (S3 reports the key it stands for)', () => {
    const kms = { serverSideEncryption: 'aws:kms' }
    expect(drift({ ...kms, ssekmsKeyId: 'alias/reports' }, { ...kms, ssekmsKeyId: ARN })).toEqual([])
    expect(drift({ ...kms, ssekmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:alias/reports' }, { ...kms, ssekmsKeyId: ARN })).toEqual([])
  })

  it('compares bucketKeyEnabled when declared, absent being false', () => {
    expect(drift({ bucketKeyEnabled: true }, { bucketKeyEnabled: true })).toEqual([])
    expect(drift({ bucketKeyEnabled: true })).toEqual(['bucketKeyEnabled: false -> true'])
    expect(drift({ bucketKeyEnabled: false })).toEqual([])
    expect(drift({ bucketKeyEnabled: false }, { bucketKeyEnabled: true })).toEqual(['bucketKeyEnabled: true -> false'])
    expect(drift({}, { bucketKeyEnabled: true })).toEqual([])
  })

  it('compares the KMS encryption context as a map when both sides have one', () => {
    expect(drift({ ssekmsEncryptionContext: { b: '2', a: '1' } }, { ssekmsEncryptionContext: { a: '1', b: '2' } })).toEqual([])
    expect(drift({ ssekmsEncryptionContext: { a: '1' } }, { ssekmsEncryptionContext: { a: '2' } })).toEqual(['ssekmsEncryptionContext: {"a":"2"} -> {"a":"1"}'])
  })
})

describe('optionDrift: SSE-C', () => {
  const key = 'k'.repeat(32)
  const other = 'o'.repeat(32)
  const b64 = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')
  const sseC = (k: string) => ({ sseCustomerAlgorithm: 'AES256', sseCustomerKeyMD5: sseCustomerKeyMD5(k) })

  it('the same key is no drift, with or without the algorithm declared (AES256 is what PutObject sends)', () => {
    expect(drift({ sseCustomerKey: key, sseCustomerAlgorithm: 'AES256' }, sseC(key))).toEqual([])
    expect(drift({ sseCustomerKey: key }, sseC(key))).toEqual([])
    expect(drift({ sseCustomerKey: b64 }, sseC(b64))).toEqual([])
  })

  it('reports another key without revealing either key', () => {
    for (const secret of [key, b64]) {
      const reasons = drift({ sseCustomerKey: secret }, sseC(other))
      expect(reasons).toEqual(['sseCustomerKey: the object was written with another key'])
      const text = reasons.join('\n')
      expect(text).not.toContain(secret)
      expect(text).not.toContain(Buffer.from(secret).toString('base64'))
      expect(text).not.toContain(sseCustomerKeyMD5(secret))
      expect(text).not.toContain(sseCustomerKeyMD5(other))
    }
  })

  it('reports an SSE-C object the manifest no longer encrypts with a key', () => {
    expect(drift({}, sseC(key))).toEqual(['sseCustomerAlgorithm: "AES256" -> (none)'])
  })

  it('reports an object not encrypted with a customer key that now should be', () => {
    const reasons = drift({ sseCustomerKey: key }, { serverSideEncryption: 'AES256' })
    expect(reasons).toEqual(['sseCustomerAlgorithm: (none) -> "AES256"'])
    expect(reasons.join('\n')).not.toContain(key)
  })
})

describe('optionDrift: object lock', () => {
  it('compares mode and legal hold only when declared', () => {
    expect(drift({}, { objectLockMode: 'GOVERNANCE', objectLockLegalHoldStatus: 'ON' })).toEqual([])
    expect(drift({ objectLockMode: 'COMPLIANCE' }, { objectLockMode: 'GOVERNANCE' })).toEqual(['objectLockMode: "GOVERNANCE" -> "COMPLIANCE"'])
    expect(drift({ objectLockLegalHoldStatus: 'ON' })).toEqual(['objectLockLegalHoldStatus: (none) -> "ON"'])
  })

  it('compares the retain-until date as an instant when declared', () => {
    expect(drift({ objectLockRetainUntilDate: '2031-06-01T00:00:00Z' }, { objectLockRetainUntilDate: '2031-06-01T00:00:00.000Z' })).toEqual([])
    expect(drift({ objectLockRetainUntilDate: '2031-06-02T00:00:00Z' }, { objectLockRetainUntilDate: '2031-06-01T00:00:00.000Z' })).toEqual([
      'objectLockRetainUntilDate: "2031-06-01T00:00:00.000Z" -> "2031-06-02T00:00:00Z"',
    ])
    expect(drift({}, { objectLockRetainUntilDate: '2031-06-01T00:00:00.000Z' })).toEqual([])
  })
})

describe('optionDrift: checksumAlgorithm', () => {
  const data = bytes(10)

  it('is no drift when the bucket has a checksum of the declared algorithm, full or composite', () => {
    expect(drift({ checksumAlgorithm: 'SHA256' }, {}, { checksums: { SHA256: checksumOf('SHA256', data) } })).toEqual([])
    expect(drift({ checksumAlgorithm: 'SHA256' }, {}, { checksums: { SHA256: 'abc=-3' }, checksumType: 'COMPOSITE' })).toEqual([])
  })

  it('reports a declared algorithm the bucket has no checksum of', () => {
    expect(drift({ checksumAlgorithm: 'SHA256' }, {}, { checksums: { CRC64NVME: checksumOf('CRC64NVME', data) } })).toEqual([
      'checksumAlgorithm: "CRC64NVME" -> "SHA256"',
    ])
    expect(drift({ checksumAlgorithm: 'CRC32C' })).toEqual(['checksumAlgorithm: (none) -> "CRC32C"'])
  })

  it('is not compared when not declared', () => {
    expect(drift({})).toEqual([])
    expect(drift({}, {}, { checksums: { SHA1: checksumOf('SHA1', data) } })).toEqual([])
  })
})

describe('optionDrift: tagging', () => {
  it('is compared only when it was fetched', () => {
    expect(drift({ tagging: { team: 'web' } })).toEqual([])
    expect(drift({}, {}, { tagging: { team: 'web' } })).toEqual([])
  })

  it('compares the tag set whole', () => {
    expect(drift({ tagging: { team: 'web', env: 'prod' } }, {}, { tagging: { env: 'prod', team: 'web' } })).toEqual([])
    expect(drift({ tagging: { team: 'web' } }, {}, { tagging: { team: 'ops' } })).toEqual(['tagging: {"team":"ops"} -> {"team":"web"}'])
    expect(drift({ tagging: { team: 'web' } }, {}, { tagging: { team: 'web', old: 'x' } })).toEqual(['tagging: {"old":"x","team":"web"} -> {"team":"web"}'])
    expect(drift({ tagging: {} }, {}, { tagging: { old: 'x' } })).toEqual(['tagging: {"old":"x"} -> {}'])
    expect(drift({ tagging: {} }, {}, { tagging: {} })).toEqual([])
  })

  it('compares tag keys exactly (tags are case-sensitive)', () => {
    expect(drift({ tagging: { Team: 'web' } }, {}, { tagging: { team: 'web' } })).toHaveLength(1)
  })
})

describe('optionDrift: ACL', () => {
  const OWNER = 'id=owner-canonical-id'
  const ALL_USERS = 'uri=http://acs.amazonaws.com/groups/global/AllUsers'
  const AUTH_USERS = 'uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers'
  const acl = (...grants: RemoteAcl['grants']): RemoteAcl => ({ ownerId: 'owner-canonical-id', grants: [{ grantee: OWNER, permission: 'FULL_CONTROL' }, ...grants] })
  const aclDrift = (desired: PutOptions, remoteAcl: RemoteAcl | undefined) => drift(desired, {}, remoteAcl === undefined ? {} : { acl: remoteAcl })

  it('is compared only when it was fetched', () => {
    expect(aclDrift({ acl: 'public-read' }, undefined)).toEqual([])
  })

  it.each([
    ['private', acl()],
    ['public-read', acl({ grantee: ALL_USERS, permission: 'READ' })],
    ['public-read-write', acl({ grantee: ALL_USERS, permission: 'READ' }, { grantee: ALL_USERS, permission: 'WRITE' })],
    ['authenticated-read', acl({ grantee: AUTH_USERS, permission: 'READ' })],
  ])('canned %s matches the grants S3 makes of it, the owner\'s FULL_CONTROL aside', (canned, remote) => {
    expect(aclDrift({ acl: canned }, remote)).toEqual([])
  })

  it('reports a public object that should be private, and the reverse', () => {
    expect(aclDrift({ acl: 'private' }, acl({ grantee: ALL_USERS, permission: 'READ' }))).toEqual([`acl: ["READ ${ALL_USERS}"] -> []`])
    expect(aclDrift({ acl: 'public-read' }, acl())).toEqual([`acl: [] -> ["READ ${ALL_USERS}"]`])
    expect(aclDrift({ acl: 'public-read' }, acl({ grantee: AUTH_USERS, permission: 'READ' }))).toEqual([`acl: ["READ ${AUTH_USERS}"] -> ["READ ${ALL_USERS}"]`])
  })

  it('does not compare canned ACLs that name grantees it cannot see', () => {
    for (const canned of ['aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control']) {
      expect(aclDrift({ acl: canned }, acl({ grantee: ALL_USERS, permission: 'READ' }))).toEqual([])
    }
  })

  it('compares grant headers with the grants, quoted or not, in any order', () => {
    const remote = acl({ grantee: 'id=reader-a', permission: 'READ' }, { grantee: 'id=reader-b', permission: 'READ' }, { grantee: ALL_USERS, permission: 'READ_ACP' })
    expect(aclDrift({ grantRead: 'id=reader-b, id="reader-a"', grantReadACP: `uri="http://acs.amazonaws.com/groups/global/AllUsers"` }, remote)).toEqual([])
    expect(aclDrift({ grantRead: 'id=reader-a' }, remote)).toHaveLength(1)
    expect(aclDrift({ grantRead: 'id=reader-a, id=reader-b', grantWriteACP: 'id=reader-a' }, remote)).toHaveLength(1)
  })

  it('tells permissions apart', () => {
    expect(aclDrift({ grantReadACP: 'id=reader-a' }, acl({ grantee: 'id=reader-a', permission: 'READ' }))).toEqual([
      'acl: ["READ id=reader-a"] -> ["READ_ACP id=reader-a"]',
    ])
    expect(aclDrift({ grantFullControl: 'id=admin' }, acl({ grantee: 'id=admin', permission: 'FULL_CONTROL' }))).toEqual([])
  })

  it("ignores the owner's FULL_CONTROL, also when the manifest grants it explicitly", () => {
    expect(aclDrift({ grantRead: 'id=reader-a' }, { ownerId: 'owner-canonical-id', grants: [{ grantee: 'id=reader-a', permission: 'READ' }] })).toEqual([])
    expect(aclDrift({ grantFullControl: OWNER, grantRead: 'id=reader-a' }, acl({ grantee: 'id=reader-a', permission: 'READ' }))).toEqual([])
  })

  it('does not compare grants to e-mail grantees (S3 reports them by canonical id)', () => {
    expect(aclDrift({ grantRead: 'emailAddress="someone@example.com"' }, acl({ grantee: 'id=someone-canonical-id', permission: 'READ' }))).toEqual([])
    expect(aclDrift({ grantRead: 'id=reader-a, emailAddress=someone@example.com' }, acl())).toEqual([])
  })
})

describe('optionDrift: right after putplan uploaded the object', () => {
  const data = bytes(100)
  const cases: [string, PutOptions][] = [
    ['plain', { contentType: 'text/html' }],
    [
      'every header',
      {
        contentType: 'application/json',
        cacheControl: 'public, max-age=31536000, immutable',
        contentDisposition: 'attachment',
        contentEncoding: 'gzip',
        contentLanguage: 'en',
        websiteRedirectLocation: '/elsewhere',
        expires: '2030-01-01T00:00:00.250+02:00',
        metadata: { Commit: 'abc123', 'build-id': '7' },
        tagging: { team: 'web' },
        storageClass: 'STANDARD_IA',
      },
    ],
    ['SSE-S3', { contentType: 'text/html', serverSideEncryption: 'AES256', checksumAlgorithm: 'SHA256' }],
    ['SSE-KMS by id', { contentType: 'text/html', serverSideEncryption: 'aws:kms', ssekmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', bucketKeyEnabled: true }],
    ['SSE-KMS default key', { contentType: 'text/html', serverSideEncryption: 'aws:kms' }],
    ['DSSE-KMS', { contentType: 'text/html', serverSideEncryption: 'aws:kms:dsse', checksumAlgorithm: 'CRC32C' }],
    ['SSE-C', { contentType: 'text/html', sseCustomerKey: 'k'.repeat(32) }],
    ['SSE-C with algorithm', { contentType: 'text/html', sseCustomerAlgorithm: 'AES256', sseCustomerKey: 'k'.repeat(32) }],
  ]

  it.each(cases)('%s: no drift', (_name, options) => {
    expect(headerDrift(options, uploadedObject(data, options))).toEqual([])
    expect(headerDrift(options, uploadedObject(data, options, { partSize: 16 }))).toEqual([])
  })
})
