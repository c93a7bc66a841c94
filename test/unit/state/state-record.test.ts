import { describe, expect, it } from 'vitest'
import { planItem } from '../../../src/plan/compute-plan.js'
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../../src/plan/local-digest.js'
import { uniformCut } from '../../../src/plan/part-cut.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { storedHeaderOptions } from '../../../src/s3/object-headers.js'
import type { ReportedEncryption } from '../../../src/s3/remote-object-headers.js'
import {
  APPLIED_PLANS_KEPT,
  recordOfCopy,
  recordOfRemote,
  recordOfWrite as recordOf,
  recordStands,
  rememberApplied,
  trustRecord,
  type ListedFacts,
  type StateRecord,
  type WriteResult,
} from '../../../src/state/state-record.js'
import { bytes, factsFor, localDigestOf, remoteObject, uploadedObject } from '../plan/builders.js'

const data = bytes(64, 1)
const html: PutOptions = { contentType: 'text/html' }
/** LIST reports milliseconds; HeadObject and the record, seconds. */
const listedAt = '2025-03-04T05:06:07.891Z'

/** The record apply makes of a write S3 answered with `answer`: its headers as the s3 client reads them back. */
const recordOfWrite = (options: PutOptions, local: Parameters<typeof recordOf>[1], answer: WriteResult & ReportedEncryption, at: string) =>
  recordOf(options, local, answer, storedHeaderOptions(options, answer), at)
const recordedAt = '2025-03-04T05:06:07.000Z'

function record(overrides: Partial<StateRecord> = {}): StateRecord {
  const { lastModified: _l, tagging: _t, acl: _a, versionId: _v, firstPartSize: _f, ...remote } = uploadedObject(data, html)
  return { ...remote, lastModified: recordedAt, ...overrides }
}

function listed(r: StateRecord, overrides: Partial<ListedFacts> = {}): ListedFacts {
  return { etag: r.etag, size: r.size, lastModified: listedAt, storageClass: 'STANDARD', ...overrides }
}

describe('trustRecord', () => {
  it('stands for the object while LIST shows the recorded write (ETag, size, LastModified to the second)', () => {
    const r = record()
    expect(trustRecord(r, listed(r))).toEqual({ ...r, lastModified: recordedAt })
    // Any millisecond within the recorded second is the same write.
    expect(trustRecord(r, listed(r, { lastModified: '2025-03-04T05:06:07.000Z' }))).toBeDefined()
    expect(trustRecord(r, listed(r, { lastModified: '2025-03-04T05:06:07.999Z' }))).toBeDefined()
    // HTTP-date spelling of the same second.
    expect(trustRecord(r, listed(r, { lastModified: 'Tue, 04 Mar 2025 05:06:07 GMT' }))).toBeDefined()
  })

  it.each<[string, (r: StateRecord) => Partial<ListedFacts>]>([
    ['ETag', () => ({ etag: 'ffffffffffffffffffffffffffffffff' })],
    ['size', (r) => ({ size: r.size + 1 })],
    ['LastModified a second later', () => ({ lastModified: '2025-03-04T05:06:08.000Z' })],
    ['LastModified a millisecond earlier, in the previous second', () => ({ lastModified: '2025-03-04T05:06:06.999Z' })],
    ['no LastModified at all', () => ({ lastModified: undefined })],
  ])('is not trusted when LIST shows another %s', (_, change) => {
    const r = record()
    expect(trustRecord(r, listed(r, change(r)))).toBeUndefined()
  })

  it('is not trusted when there is no record', () => {
    expect(trustRecord(undefined, listed(record()))).toBeUndefined()
  })

  it('takes the storage class from LIST: a lifecycle transition changes it without a rewrite', () => {
    const r = record()
    const trusted = trustRecord(r, listed(r, { storageClass: 'GLACIER_IR' }))
    expect(trusted?.headers.storageClass).toBe('GLACIER_IR')
    expect(r.headers.storageClass).toBe('STANDARD') // the record itself is not changed
    const item = planItem(factsFor(data, { options: html }, trusted, { algorithms: ['CRC64NVME'] }))
    expect(item).toMatchObject({ action: 'repair', reasons: [{ code: 'option-drift', option: 'storageClass', have: 'GLACIER_IR', want: 'STANDARD' }] })
  })
})

describe('recordOfWrite then trustRecord: zero changes right after a write', () => {
  const sseC = Buffer.from(bytes(32, 9)).toString('base64')
  const optionSets: [string, PutOptions][] = [
    ['content type only', html],
    ['metadata with upper-case names', { ...html, metadata: { Commit: 'abc', 'X-Build-ID': '42' } }],
    ['every rewritten header', { ...html, cacheControl: 'no-cache', contentDisposition: 'inline', contentEncoding: 'gzip', contentLanguage: 'en', websiteRedirectLocation: '/other' }],
    ['expires with milliseconds and an offset', { ...html, expires: '2030-01-02T03:04:05.678+02:00' }],
    ['SSE-S3 declared', { ...html, serverSideEncryption: 'AES256' }],
    ['SSE-KMS by key id, the ARN from the answer', { ...html, serverSideEncryption: 'aws:kms', ssekmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', bucketKeyEnabled: true }],
    ['SSE-KMS with the AWS-managed key', { ...html, serverSideEncryption: 'aws:kms' }],
    ['SSE-KMS with an encryption context', { ...html, serverSideEncryption: 'aws:kms', ssekmsEncryptionContext: { team: 'web' } }],
    ['DSSE-KMS', { ...html, serverSideEncryption: 'aws:kms:dsse' }],
    ['SSE-C (the key MD5 is recorded)', { ...html, sseCustomerKey: sseC }],
    ['SSE-C with the algorithm named', { ...html, sseCustomerKey: sseC, sseCustomerAlgorithm: 'AES256' }],
    ['storage class', { ...html, storageClass: 'STANDARD_IA' }],
    ['storage class STANDARD declared', { ...html, storageClass: 'STANDARD' }],
    ['everything at once', { ...html, metadata: { Commit: 'abc' }, cacheControl: 'max-age=60', expires: '2030-01-02T03:04:05Z', storageClass: 'INTELLIGENT_TIERING', serverSideEncryption: 'aws:kms', bucketKeyEnabled: false }],
  ]
  const algorithms: (ChecksumAlgorithm | undefined)[] = [undefined, ...CHECKSUM_ALGORITHMS]

  for (const [name, options] of optionSets) {
    for (const checksumAlgorithm of algorithms) {
      for (const partSize of [undefined, 16]) {
        it(`${name}, ${checksumAlgorithm ?? 'no checksumAlgorithm'}, ${partSize ? 'multipart' : 'single part'}`, () => {
          const sent: PutOptions = { ...options, ...(checksumAlgorithm && { checksumAlgorithm }) }
          const { trusted, head } = writeAndTrust(sent, partSize)
          // The record is what HeadObject would report of that write, and knows two things
          // HeadObject does not tell: the encryption context and a bucket key explicitly off.
          const told = {
            ...(sent.ssekmsEncryptionContext && { ssekmsEncryptionContext: sent.ssekmsEncryptionContext }),
            ...(sent.bucketKeyEnabled === false && { bucketKeyEnabled: false }),
          }
          // A multipart record also holds putplan's cut: HeadObject partNumber=N need not be asked.
          // And that putplan wrote it (prune may delete it).
          const cut = partSize && { firstPartSize: partSize, partSizes: uniformCut(data.length, partSize) }
          expect(trusted).toEqual({ ...head, lastModified: recordedAt, written: true, ...cut, headers: { ...head.headers, ...told } })
          // The plan workflow hashes the declared algorithm and those the bucket (here: the record) reports.
          const hashed = [...new Set([checksumAlgorithm ?? 'CRC64NVME', ...(Object.keys(trusted.checksums) as ChecksumAlgorithm[])])]
          const item = planItem(factsFor(data, { options: sent }, trusted, { algorithms: hashed, ...(partSize && { partSize }) }))
          expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
        })
      }
    }
  }

  describe('when the answer does not repeat the checksum (moto’s CompleteMultipartUpload): the one sent, which S3 verified', () => {
    for (const checksumAlgorithm of algorithms) {
      for (const partSize of [undefined, 16]) {
        it(`${checksumAlgorithm ?? 'no checksumAlgorithm'}, ${partSize ? 'multipart' : 'single part'}, SSE-KMS (the ETag is no evidence)`, () => {
          const sent: PutOptions = { ...html, serverSideEncryption: 'aws:kms', ...(checksumAlgorithm && { checksumAlgorithm }) }
          const { trusted, head } = writeAndTrust(sent, partSize, { echoChecksums: false })
          expect(trusted.checksums).toEqual(head.checksums)
          const hashed = [...new Set([checksumAlgorithm ?? 'CRC64NVME', ...(Object.keys(trusted.checksums) as ChecksumAlgorithm[])])]
          const item = planItem(factsFor(data, { options: sent }, trusted, { algorithms: hashed, ...(partSize && { partSize }) }))
          expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
        })
      }
    }
  })

  it('multipart SHA256 is recorded as a composite checksum with its part count', () => {
    const { trusted } = writeAndTrust({ ...html, checksumAlgorithm: 'SHA256' }, 16)
    expect(trusted).toMatchObject({ checksumType: 'COMPOSITE', partCount: 4, firstPartSize: 16, partSizes: [16, 16, 16, 16] })
    expect(trusted.checksums.SHA256).toMatch(/-4$/)
  })

  it('multipart CRC64NVME is a full-object checksum', () => {
    const { trusted } = writeAndTrust(html, 16)
    expect(trusted).toMatchObject({ checksumType: 'FULL_OBJECT', partCount: 4 })
  })

  it('still catches a manifest change made after the write', () => {
    const { trusted } = writeAndTrust({ ...html, metadata: { Commit: 'abc' } })
    const item = planItem(factsFor(data, { options: { ...html, metadata: { Commit: 'def' } } }, trusted, { algorithms: ['CRC64NVME'] }))
    expect(item).toMatchObject({ action: 'repair', reasons: [{ code: 'option-drift', option: 'metadata', have: { commit: 'abc' }, want: { commit: 'def' } }] })
  })

  it('still catches other bytes: the record holds the checksum of what was written', () => {
    const { trusted } = writeAndTrust(html)
    const item = planItem(factsFor(bytes(64, 2), { options: html }, trusted, { algorithms: ['CRC64NVME'] }))
    expect(item).toMatchObject({ action: 'update', reasons: [{ code: 'content-changed' }] })
  })

  it('records the answer’s encryption over the declared one, and the SSE-C key only as its MD5', () => {
    const r = recordOfWrite({ ...html, sseCustomerKey: sseC }, localDigestOf(data), { etag: 'e' }, listedAt)
    expect(JSON.stringify(r)).not.toContain(sseC)
    const kms = recordOfWrite({ ...html, serverSideEncryption: 'aws:kms', ssekmsKeyId: 'k' }, localDigestOf(data), { etag: 'e', serverSideEncryption: 'aws:kms', ssekmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k' }, listedAt)
    expect(kms.headers.ssekmsKeyId).toBe('arn:aws:kms:eu-west-1:111122223333:key/k')
    expect(kms.lastModified).toBe(recordedAt)
  })
})

/**
 * Plays one write: S3's answer to putplan's PutObject (or CompleteMultipartUpload) of
 * `data` with `options`, recorded, then trusted against LIST of that same write.
 * `head` is what HeadObject would have said.
 */
function writeAndTrust(options: PutOptions, partSize?: number, { echoChecksums = true } = {}): { trusted: RemoteObject; head: RemoteObject } {
  const head = uploadedObject(data, options, { partSize })
  const answer: WriteResult = {
    etag: head.etag,
    ...(echoChecksums && { checksums: head.checksums }),
    ...(head.headers.serverSideEncryption !== undefined && { serverSideEncryption: head.headers.serverSideEncryption }),
    ...(head.headers.ssekmsKeyId !== undefined && { ssekmsKeyId: head.headers.ssekmsKeyId }),
    ...(head.headers.bucketKeyEnabled !== undefined && { bucketKeyEnabled: head.headers.bucketKeyEnabled }),
  }
  // The local digest apply uploaded from: all algorithms, parts of putplan's size.
  const local = localDigestOf(data, { ...(partSize && { partSize }) })
  const r = recordOfWrite(options, local, answer, listedAt)
  // The record survives a trip through JSON (it is stored as a document).
  const stored = JSON.parse(JSON.stringify(r)) as StateRecord
  const trusted = trustRecord(stored, { etag: head.etag, size: head.size, lastModified: listedAt, storageClass: options.storageClass ?? 'STANDARD' })
  if (!trusted) throw new Error('the record of a write was not trusted against LIST of that write')
  return { trusted, head }
}

describe('recordOfCopy then trustRecord: zero changes right after a repair', () => {
  const copiedAt = '2025-03-04T06:00:01.000Z'
  const trusted = (record: StateRecord | undefined, storageClass = 'STANDARD'): RemoteObject => {
    const stored = JSON.parse(JSON.stringify(record)) as StateRecord
    const seen = trustRecord(stored, { etag: stored.etag, size: stored.size, lastModified: copiedAt, storageClass })
    if (!seen) throw new Error('the record of a copy was not trusted against LIST of that copy')
    return seen
  }

  it.each<[string, number | undefined, string]>([
    ['a single-part object', undefined, 'f'.repeat(32)],
    ['an object uploaded in parts, copied whole', 16, 'e'.repeat(32)],
    ['an object copied in parts', 16, `${'d'.repeat(32)}-2`],
  ])('%s: the new options, the planned bytes, the copy’s ETag and LastModified', (_name, partSize, etag) => {
    const options: PutOptions = { ...html, cacheControl: 'no-cache', metadata: { Commit: 'def' } }
    // What the plan hashed: the comparison's digests, with the multipart ETag of the old upload.
    const local = localDigestOf(data, { algorithms: ['CRC64NVME'], ...(partSize && { partSize }) })
    const record = recordOfCopy(options, local, { etag }, storedHeaderOptions(options, {}), copiedAt)
    expect(record).toMatchObject({ etag, lastModified: copiedAt, checksums: { CRC64NVME: local.checksums.CRC64NVME }, checksumType: 'FULL_OBJECT' })
    // The old upload's part size describes bytes in other parts: it is not kept.
    expect(record).not.toHaveProperty('firstPartSize')
    expect(planItem(factsFor(data, { options }, trusted(record), { algorithms: ['CRC64NVME'] }))).toMatchObject({ action: 'unchanged', reasons: [] })
  })

  it('keeps the checksum the copy answered with, and the one of the manifest’s algorithm', () => {
    const options: PutOptions = { ...html, checksumAlgorithm: 'SHA256' }
    const local = localDigestOf(data, { algorithms: ['CRC64NVME', 'SHA256'] })
    const record = recordOfCopy(options, local, { etag: 'c'.repeat(32), checksums: { SHA256: local.checksums.SHA256! } }, storedHeaderOptions(options, {}), copiedAt)
    expect(record?.checksums).toEqual({ SHA256: local.checksums.SHA256 })
    expect(planItem(factsFor(data, { options }, trusted(record), { algorithms: ['SHA256'] }))).toMatchObject({ action: 'unchanged' })
  })

  it('makes none after a copy in parts with a SHA algorithm: the composite checksum depends on the cut', () => {
    const options: PutOptions = { ...html, checksumAlgorithm: 'SHA1' }
    expect(recordOfCopy(options, localDigestOf(data), { etag: `${'d'.repeat(32)}-2` }, storedHeaderOptions(options, {}), copiedAt)).toBeUndefined()
    expect(recordOfCopy(options, localDigestOf(data), { etag: 'd'.repeat(32) }, storedHeaderOptions(options, {}), copiedAt)).toBeDefined()
  })
})

describe('recordOfRemote', () => {
  it('keeps the part sizes HeadObject partNumber=N revealed: they belong to the write', () => {
    const remote: RemoteObject = { ...remoteObject({ etag: `${'a'.repeat(32)}-3`, size: 40, partCount: 3, firstPartSize: 16 }), lastModified: listedAt }
    expect(recordOfRemote(remote, listedAt)).toMatchObject({ partCount: 3, firstPartSize: 16 })
    expect(recordOfRemote({ ...remote, partSizes: [16, 14, 10] }, listedAt)).toMatchObject({ partCount: 3, firstPartSize: 16, partSizes: [16, 14, 10] })
  })

  it('a record that lacks part sizes the plan learnt no longer stands, so that apply keeps them', () => {
    const remote: RemoteObject = { ...remoteObject({ etag: `${'a'.repeat(32)}-3`, size: 40, partCount: 3, firstPartSize: 16 }), lastModified: listedAt }
    const record = recordOfRemote(remote, listedAt)
    expect(recordStands(record, remote)).toBe(true)
    expect(recordStands(record, { ...remote, partSizes: [16, 14, 10] })).toBe(false)
    expect(recordStands(recordOfRemote({ ...remote, partSizes: [16, 14, 10] }, listedAt), { ...remote, partSizes: [16, 14, 10] })).toBe(true)
  })

  it('keeps what HeadObject said and drops what can change without a rewrite, or belongs to one read', () => {
    const remote: RemoteObject = {
      ...remoteObject({ etag: 'abc', size: 3, checksums: { CRC32: 'AAAAAA==' }, checksumType: 'FULL_OBJECT', headers: { cacheControl: 'no-cache' } }),
      lastModified: '2025-03-04T05:06:07.891Z',
      versionId: 'v1',
      tagging: { team: 'web' },
      acl: { grants: [{ grantee: 'uri=http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' }] },
    }
    const r = recordOfRemote(remote, remote.lastModified!)
    expect(r).not.toHaveProperty('tagging')
    expect(r).not.toHaveProperty('acl')
    expect(r).not.toHaveProperty('versionId')
    // Not `written`: putplan only verified it, so prune never deletes it.
    expect(r).toEqual({ etag: 'abc', size: 3, lastModified: recordedAt, checksums: { CRC32: 'AAAAAA==' }, checksumType: 'FULL_OBJECT', headers: { metadata: {}, storageClass: 'STANDARD', cacheControl: 'no-cache' } })
    expect(trustRecord(r, { etag: 'abc', size: 3, lastModified: listedAt, storageClass: 'STANDARD' })).toMatchObject({ etag: 'abc', headers: { cacheControl: 'no-cache' } })
  })

  it('keeps the written mark of a record that stood for the object through a storage class transition', () => {
    const r = record({ written: true })
    const moved = trustRecord(r, listed(r, { storageClass: 'GLACIER_IR' }))!
    expect(recordStands(r, moved)).toBe(false)
    expect(recordOfRemote({ ...moved, lastModified: listedAt }, listedAt)).toMatchObject({ written: true, headers: { storageClass: 'GLACIER_IR' } })
  })
})

describe('recordStands', () => {
  const asRemote = (r: StateRecord, overrides: Partial<RemoteObject> = {}): RemoteObject => ({ ...r, lastModified: listedAt, ...overrides })

  it('holds when the record describes the write the plan saw (LastModified to the second)', () => {
    const r = record()
    expect(recordStands(r, asRemote(r))).toBe(true)
    expect(recordStands(r, trustRecord(r, listed(r))!)).toBe(true)
  })

  it.each<[string, (r: StateRecord) => Partial<RemoteObject>]>([
    ['ETag', () => ({ etag: 'ffffffffffffffffffffffffffffffff' })],
    ['size', (r) => ({ size: r.size + 1 })],
    ['LastModified', () => ({ lastModified: '2025-03-04T05:06:08.000Z' })],
    ['storage class (a lifecycle transition)', (r) => ({ headers: { ...r.headers, storageClass: 'GLACIER_IR' } })],
  ])('fails for another %s, and without a record or a LastModified', (_, change) => {
    const r = record()
    expect(recordStands(r, asRemote(r, change(r)))).toBe(false)
    expect(recordStands(undefined, asRemote(r))).toBe(false)
    expect(recordStands(r, asRemote(r, { lastModified: undefined }))).toBe(false)
  })
})

describe('rememberApplied', () => {
  const digest = (n: number) => n.toString(16).padStart(64, '0')

  it('adds the plan last, once, and keeps the most recent', () => {
    expect(rememberApplied(undefined, digest(1))).toEqual([digest(1)])
    expect(rememberApplied([digest(1), digest(2)], digest(1))).toEqual([digest(2), digest(1)])
    const full = Array.from({ length: APPLIED_PLANS_KEPT }, (_, i) => digest(i))
    const next = rememberApplied(full, digest(APPLIED_PLANS_KEPT))
    expect(next).toHaveLength(APPLIED_PLANS_KEPT)
    expect(next[0]).toBe(digest(1))
    expect(next.at(-1)).toBe(digest(APPLIED_PLANS_KEPT))
  })
})
