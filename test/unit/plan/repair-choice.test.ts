/**
 * The pure decision behind a repair: for which drifted option which operation, together,
 * and when only an upload will do. Driven through `planItem`, on facts of the same bytes.
 */
import { describe, expect, it } from 'vitest'
import { planItem } from '../../../src/plan/compute-plan.js'
import { OPTION_TABLE } from '../../../src/plan/option-table.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import { describeReason } from '../../../src/plan/reason.js'
import type { RemoteAcl, RemoteObject } from '../../../src/plan/remote-object.js'
import { chooseRepair } from '../../../src/plan/repair-choice.js'
import { bytes, factsFor, uploadedObject } from './builders.js'

const data = bytes(64, 3)
const base: PutOptions = { contentType: 'text/html' }
const OWNER = 'id=owner-canonical-id'
const ALL_USERS = 'uri=http://acs.amazonaws.com/groups/global/AllUsers'
const privateAcl: RemoteAcl = { ownerId: 'owner-canonical-id', grants: [{ grantee: OWNER, permission: 'FULL_CONTROL' }] }
const kmsKey = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

/** What the bucket holds: the same bytes, written with `stored` options, with tags and an ACL as given. */
function remoteOf(stored: PutOptions, extra: Partial<RemoteObject> = {}): RemoteObject {
  return { ...uploadedObject(data, stored), ...extra }
}

function plannedFor(wanted: PutOptions, remote: RemoteObject) {
  const item = planItem(factsFor(data, { options: wanted }, remote))
  return { action: item.action, repairs: item.action === 'repair' ? item.repairs : undefined, reasons: item.reasons.map(describeReason) }
}

describe('which operation repairs which drifted option', () => {
  const later = '2031-01-01T00:00:00.000Z'
  const cases: Array<[string, PutOptions, PutOptions, Partial<RemoteObject>, string[]]> = [
    ['cacheControl', { ...base, cacheControl: 'no-cache' }, base, {}, ['copy']],
    ['contentDisposition', { ...base, contentDisposition: 'attachment' }, base, {}, ['copy']],
    ['contentEncoding', { ...base, contentEncoding: 'gzip' }, base, {}, ['copy']],
    ['contentLanguage', { ...base, contentLanguage: 'en-GB' }, base, {}, ['copy']],
    ['contentType', base, { contentType: 'text/plain' }, {}, ['copy']],
    ['websiteRedirectLocation', { ...base, websiteRedirectLocation: '/other.html' }, base, {}, ['copy']],
    ['expires', { ...base, expires: '2030-01-01T00:00:00Z' }, base, {}, ['copy']],
    ['metadata', { ...base, metadata: { commit: 'abc' } }, { ...base, metadata: { commit: 'old' } }, {}, ['copy']],
    ['storageClass', { ...base, storageClass: 'STANDARD_IA' }, base, {}, ['copy']],
    ['serverSideEncryption', { ...base, serverSideEncryption: 'aws:kms', ssekmsKeyId: kmsKey }, base, {}, ['copy']],
    ['ssekmsKeyId', { ...base, serverSideEncryption: 'aws:kms', ssekmsKeyId: kmsKey }, { ...base, serverSideEncryption: 'aws:kms', ssekmsKeyId: `${kmsKey}0` }, {}, ['copy']],
    ['ssekmsEncryptionContext', { ...base, serverSideEncryption: 'aws:kms', ssekmsEncryptionContext: { app: 'web' } }, { ...base, serverSideEncryption: 'aws:kms' }, { headers: { ...remoteOf({ ...base, serverSideEncryption: 'aws:kms' }).headers, ssekmsEncryptionContext: { app: 'ops' } } }, ['copy']],
    ['bucketKeyEnabled', { ...base, serverSideEncryption: 'aws:kms', bucketKeyEnabled: true }, { ...base, serverSideEncryption: 'aws:kms' }, {}, ['copy']],
    ['checksumAlgorithm', { ...base, checksumAlgorithm: 'SHA256' }, base, {}, ['copy']],
    ['tagging', { ...base, tagging: { team: 'web' } }, { ...base, tagging: { team: 'ops' } }, {}, ['tagging']],
    ['acl', { ...base, acl: 'public-read' }, base, { acl: privateAcl }, ['acl']],
    ['grantRead', { ...base, grantRead: ALL_USERS }, base, { acl: privateAcl }, ['acl']],
    ['objectLockMode', { ...base, objectLockMode: 'COMPLIANCE', objectLockRetainUntilDate: later }, base, { headers: { ...remoteOf(base).headers, objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: later } }, ['retention']],
    ['objectLockRetainUntilDate', { ...base, objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: later }, base, { headers: { ...remoteOf(base).headers, objectLockMode: 'GOVERNANCE', objectLockRetainUntilDate: '2030-06-01T00:00:00.000Z' } }, ['retention']],
    ['objectLockLegalHoldStatus', { ...base, objectLockLegalHoldStatus: 'ON' }, base, { headers: { ...remoteOf(base).headers, objectLockLegalHoldStatus: 'OFF' } }, ['legal-hold']],
  ]

  it.each(cases)('%s', (option, wanted, stored, extra, repairs) => {
    const planned = plannedFor(wanted, remoteOf(stored, extra))
    expect(planned).toMatchObject({ action: 'repair', repairs })
    expect(planned.reasons.some((reason) => reason.startsWith(`${option === 'grantRead' ? 'acl' : option}:`)), planned.reasons.join('; ')).toBe(true)
  })

  it('covers every option the table says a repair fixes', () => {
    const repairable = Object.entries(OPTION_TABLE).filter(([, spec]) => spec.repair !== 'upload' && spec.repair !== 'none')
    expect(new Set(cases.map(([option]) => option))).toEqual(new Set(repairable.map(([name]) => name).filter((name) => !['grantFullControl', 'grantReadACP', 'grantWriteACP'].includes(name))))
  })
})

describe('several drifts at once', () => {
  it('lists each operation once, in a fixed order', () => {
    const wanted: PutOptions = { ...base, acl: 'public-read', tagging: { team: 'web' } }
    expect(plannedFor(wanted, remoteOf({ ...base, tagging: { team: 'ops' } }, { acl: privateAcl }))).toMatchObject({ action: 'repair', repairs: ['tagging', 'acl'] })
  })

  it('with a copy, lists what the copy also carries: the tags it replaces, the ACL it sets', () => {
    const wanted: PutOptions = { ...base, cacheControl: 'no-cache', acl: 'public-read', tagging: { team: 'web' }, metadata: { a: '2' } }
    const remote = remoteOf({ ...base, tagging: { team: 'ops' }, metadata: { a: '1' } }, { acl: privateAcl })
    expect(plannedFor(wanted, remote)).toMatchObject({ action: 'repair', repairs: ['copy', 'tagging', 'acl'] })
  })

  it('is an upload as soon as one drifted option needs one, whatever else drifted', () => {
    const key = Buffer.alloc(32, 1).toString('base64')
    const wanted: PutOptions = { ...base, cacheControl: 'no-cache', tagging: { team: 'web' }, sseCustomerKey: key }
    const remote = remoteOf({ ...base, tagging: { team: 'ops' }, sseCustomerKey: Buffer.alloc(32, 2).toString('base64') })
    const planned = plannedFor(wanted, remote)
    expect(planned.action).toBe('update')
    expect(planned.reasons.at(-1)).toBe('sseCustomerKey cannot be repaired in place: a copy of an SSE-C object needs the key it is encrypted with now, which the manifest does not give')
  })

  it('an object to encrypt with a customer key for the first time is uploaded', () => {
    const planned = plannedFor({ ...base, sseCustomerKey: Buffer.alloc(32, 1).toString('base64') }, remoteOf(base))
    expect(planned.action).toBe('update')
    expect(planned.reasons).toContain('sseCustomerAlgorithm cannot be repaired in place: putplan encrypts an object with a customer-provided key only as it uploads it')
  })
})

describe('a copy S3 would refuse', () => {
  it.each(['GLACIER', 'DEEP_ARCHIVE'])('an object in %s is uploaded again, saying why', (storageClass) => {
    const remote = remoteOf({ ...base, storageClass })
    const planned = plannedFor({ ...base, storageClass, cacheControl: 'no-cache' }, remote)
    expect(planned).toEqual({
      action: 'update',
      repairs: undefined,
      reasons: ['cacheControl: (none) -> "no-cache"', `cacheControl cannot be repaired in place: the object is in ${storageClass}, which S3 copies only once it is restored`],
    })
  })

  it('an archived object still gets its tags without a copy', () => {
    const remote = remoteOf({ ...base, storageClass: 'GLACIER', tagging: { team: 'ops' } })
    expect(plannedFor({ ...base, storageClass: 'GLACIER', tagging: { team: 'web' } }, remote)).toMatchObject({ action: 'repair', repairs: ['tagging'] })
  })

  it('GLACIER_IR is copied like any other class', () => {
    expect(plannedFor({ ...base, storageClass: 'GLACIER_IR', cacheControl: 'no-cache' }, remoteOf({ ...base, storageClass: 'GLACIER_IR' }))).toMatchObject({ action: 'repair', repairs: ['copy'] })
  })
})

describe('chooseRepair', () => {
  it('reads option-drift reasons alone', () => {
    const remote = remoteOf(base)
    expect(chooseRepair([{ code: 'content-changed', option: 'content', evidence: 'size' }], remote)).toEqual({ repairs: [] })
    expect(chooseRepair([{ code: 'option-drift', option: 'cacheControl', want: 'no-cache' }], remote)).toEqual({ repairs: ['copy'] })
  })
})
