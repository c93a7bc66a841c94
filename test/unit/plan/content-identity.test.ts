import { describe, expect, it } from 'vitest'
import { compareContent } from '../../../src/plan/content-identity.js'
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../../src/plan/local-digest.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { uniformCut } from '../../../src/plan/part-cut.js'
import {
  bytes,
  checksumOf,
  compositeChecksumOf,
  localDigestOf,
  md5Hex,
  multipartEtagOf,
  opaqueEtag,
  remoteObject,
  uploadedObject,
  type RemoteOverrides,
} from './builders.js'

const data = bytes(12, 1)
/** Same length as `data`, other bytes: only content evidence can tell them apart. */
const other = bytes(12, 2)
const KEY = 'k'.repeat(32)

describe('compareContent: size', () => {
  it('calls objects of another size different, whatever else matches', () => {
    const remote = remoteObject({ etag: md5Hex(data), size: data.length + 1, checksums: { CRC64NVME: checksumOf('CRC64NVME', data) } })
    expect(compareContent(localDigestOf(data), remote)).toMatchObject({ same: false, evidence: 'size' })
  })

  it('decides on size even when the object is encrypted and has no checksum', () => {
    const remote = remoteObject({ etag: opaqueEtag(), size: 3, headers: { serverSideEncryption: 'aws:kms' } })
    expect(compareContent(localDigestOf(data), remote).same).toBe(false)
  })
})

describe('compareContent: full-object checksums', () => {
  it.each(CHECKSUM_ALGORITHMS)('%s: the same value means the same bytes, even under SSE-KMS', (algorithm) => {
    const remote = remoteObject({
      etag: opaqueEtag(),
      size: data.length,
      checksums: { [algorithm]: checksumOf(algorithm, data) },
      checksumType: 'FULL_OBJECT',
      headers: { serverSideEncryption: 'aws:kms' },
    })
    expect(compareContent(localDigestOf(data), remote)).toEqual({ same: true, evidence: `checksum ${algorithm}` })
  })

  it.each(CHECKSUM_ALGORITHMS)('%s: another value means other bytes, even when the ETag says otherwise', (algorithm) => {
    const remote = remoteObject({ etag: md5Hex(data), size: data.length, checksums: { [algorithm]: checksumOf(algorithm, other) } })
    expect(compareContent(localDigestOf(data), remote)).toMatchObject({ same: false, evidence: `checksum ${algorithm}` })
  })

  it('reads a checksum without a type as full-object', () => {
    const remote = remoteObject({ etag: opaqueEtag(), size: data.length, checksums: { CRC32: checksumOf('CRC32', data) } })
    expect(compareContent(localDigestOf(data), remote).same).toBe(true)
  })

  it('falls back to the ETag when the bucket has a checksum in an algorithm the file was not hashed with', () => {
    const local = localDigestOf(data, { algorithms: ['CRC64NVME'] })
    const same = remoteObject({ etag: md5Hex(data), size: data.length, checksums: { SHA256: checksumOf('SHA256', data) } })
    expect(compareContent(local, same)).toEqual({ same: true, evidence: 'ETag (MD5)' })
    const changed = remoteObject({ etag: md5Hex(other), size: data.length, checksums: { SHA256: checksumOf('SHA256', other) } })
    expect(compareContent(local, changed)).toMatchObject({ same: false, evidence: 'ETag (MD5)' })
  })

  it('cannot decide when that fallback ETag is of an SSE-KMS object', () => {
    const local = localDigestOf(data, { algorithms: ['CRC64NVME'] })
    const remote = remoteObject({ etag: md5Hex(data), size: data.length, checksums: { SHA256: checksumOf('SHA256', data) }, headers: { serverSideEncryption: 'aws:kms' } })
    expect(compareContent(local, remote).same).toBeUndefined()
  })
})

describe('compareContent: composite checksums of multipart objects', () => {
  // 12 bytes in parts of 4: three parts. Under SSE-KMS the ETag says nothing, so only the composite can decide.
  // `learnt`: every part's size is known; `part 1`: only part 1's, which suggests parts of its size.
  const composite = (algorithm: ChecksumAlgorithm, body: Buffer, partSize: number, known: 'learnt' | 'part 1' | 'unknown' = 'learnt') =>
    remoteObject({
      etag: `${opaqueEtag()}-${Math.ceil(body.length / partSize)}`,
      size: body.length,
      checksums: { [algorithm]: compositeChecksumOf(algorithm, body, partSize) },
      checksumType: 'COMPOSITE',
      partCount: Math.ceil(body.length / partSize),
      ...(known !== 'unknown' && { firstPartSize: partSize }),
      ...(known === 'learnt' && { partSizes: uniformCut(body.length, partSize) }),
      headers: { serverSideEncryption: 'aws:kms' },
    })

  it.each(CHECKSUM_ALGORITHMS)('%s: same part size and bytes -> same', (algorithm) => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, composite(algorithm, data, 4))).toEqual({ same: true, evidence: `composite checksum ${algorithm}` })
  })

  it.each(CHECKSUM_ALGORITHMS)('%s: same part size, other bytes -> different', (algorithm) => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, composite(algorithm, other, 4))).toMatchObject({ same: false, evidence: `composite checksum ${algorithm}` })
  })

  it('cannot decide when the part count differs', () => {
    const local = localDigestOf(data, { partSize: 4 })
    const verdict = compareContent(local, composite('SHA256', data, 5))
    expect(verdict.same).toBeUndefined()
  })

  it('cannot decide when the part size differs but the count is the same', () => {
    // 12 bytes: parts of 4 are 4+4+4, parts of 5 are 5+5+2; both three parts.
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, composite('SHA256', data, 5)).same).toBeUndefined()
  })

  it('with an unknown part size, a matching composite is proof, a differing one is not', () => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, composite('SHA256', data, 4, 'unknown')).same).toBe(true)
    // Parts of 5 are also three parts: the composite differs although the bytes are the same.
    expect(compareContent(local, composite('SHA256', data, 5, 'unknown')).same).toBeUndefined()
  })

  it('with part 1 alone, parts of its size are assumed: a match is proof, a mismatch is not', () => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, composite('CRC32C', data, 4, 'part 1'))).toEqual({ same: true, evidence: 'composite checksum CRC32C' })
    expect(compareContent(localDigestOf(other, { partSize: 4 }), composite('CRC32C', data, 4, 'part 1'))).toEqual({
      same: undefined,
      why: 'the object is SSE-KMS encrypted, so its ETag is no digest of the bytes; its CRC32C checksum is composite, over 3 parts whose sizes putplan could not learn',
    })
  })

  it('is not mistaken for a full-object checksum', () => {
    const local = localDigestOf(data)
    const remote = composite('SHA256', data, 4)
    // The file is not planned in parts: nothing to recompute the composite with.
    expect(compareContent(local, remote).same).toBeUndefined()
  })
})

describe('compareContent: single-part ETag', () => {
  it('an ETag equal to the MD5 means the same bytes', () => {
    const remote = remoteObject({ etag: md5Hex(data), size: data.length })
    expect(compareContent(localDigestOf(data), remote)).toEqual({ same: true, evidence: 'ETag (MD5)' })
  })

  it('another MD5 means other bytes (SSE-S3 ETags are MD5s too)', () => {
    const remote = remoteObject({ etag: md5Hex(other), size: data.length, headers: { serverSideEncryption: 'AES256' } })
    expect(compareContent(localDigestOf(data), remote)).toMatchObject({ same: false, evidence: 'ETag (MD5)' })
  })

  it.each(['not-an-md5', md5Hex(data).toUpperCase(), `${md5Hex(data)}00000000`, 'W/abc', ''])('cannot decide on the ETag %j of another store', (etag) => {
    const verdict = compareContent(localDigestOf(data), remoteObject({ etag, size: data.length }))
    expect(verdict.same).toBeUndefined()
    if (verdict.same === undefined) expect(verdict.why).toContain('is not an MD5')
  })
})

describe('compareContent: encrypted objects', () => {
  const encryptions = [
    ['SSE-KMS', { serverSideEncryption: 'aws:kms' }],
    ['DSSE-KMS', { serverSideEncryption: 'aws:kms:dsse' }],
    ['SSE-C', { sseCustomerAlgorithm: 'AES256', sseCustomerKeyMD5: 'x' }],
  ] as const

  it.each(encryptions)('%s without a checksum: never "same", even when the ETag happens to equal the MD5', (name, headers) => {
    for (const etag of [md5Hex(data), opaqueEtag(), md5Hex(other)]) {
      const verdict = compareContent(localDigestOf(data), remoteObject({ etag, size: data.length, headers }))
      expect(verdict.same).toBeUndefined()
      if (verdict.same === undefined) expect(verdict.why).toContain(name.replace('DSSE', 'SSE'))
    }
  })

  it.each(encryptions)('%s with a checksum: decided by the checksum', (_name, headers) => {
    const same = remoteObject({ etag: opaqueEtag(), size: data.length, checksums: { CRC64NVME: checksumOf('CRC64NVME', data) }, headers })
    expect(compareContent(localDigestOf(data), same)).toEqual({ same: true, evidence: 'checksum CRC64NVME' })
    const changed = remoteObject({ etag: opaqueEtag(), size: data.length, checksums: { CRC64NVME: checksumOf('CRC64NVME', other) }, headers })
    expect(compareContent(localDigestOf(data), changed)).toMatchObject({ same: false, evidence: 'checksum CRC64NVME' })
  })

  it.each(encryptions)('%s multipart without a checksum: undecided', (_name, headers) => {
    const remote = remoteObject({ etag: `${opaqueEtag()}-3`, size: data.length, partCount: 3, firstPartSize: 4, headers })
    expect(compareContent(localDigestOf(data, { partSize: 4 }), remote).same).toBeUndefined()
  })
})

describe('compareContent: multipart ETags', () => {
  // Every part's size learnt, unless only part 1's (`firstPartSize`) or nothing is known.
  const multipart = (body: Buffer, partSize: number, firstPartSize: number | 'unknown' = partSize) =>
    remoteObject({
      etag: multipartEtagOf(body, partSize),
      size: body.length,
      partCount: Math.max(1, Math.ceil(body.length / partSize)),
      ...(firstPartSize !== 'unknown' && { firstPartSize }),
      ...(firstPartSize === partSize && { partSizes: uniformCut(body.length, partSize) }),
    })

  it('same part size and bytes -> same', () => {
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 4))).toEqual({ same: true, evidence: 'multipart ETag' })
  })

  it('same part size, other bytes -> different', () => {
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(other, 4))).toMatchObject({ same: false, evidence: 'multipart ETag' })
  })

  it("another uploader's part size, revealed by part 1 and recomputed locally: a match is proof, a mismatch is not", () => {
    const remote = { ...multipart(data, 3), partSizes: undefined } // four parts of 3, as part 1 suggests
    expect(compareContent(localDigestOf(data, { partSize: 3 }), remote)).toEqual({ same: true, evidence: 'multipart ETag' })
    expect(compareContent(localDigestOf(other, { partSize: 3 }), remote)).toEqual({ same: undefined, why: 'the object was uploaded in 4 parts whose sizes putplan could not learn' })
    // Once every part's size is learnt, a mismatch is a change.
    expect(compareContent(localDigestOf(other, { partSize: 3 }), multipart(data, 3))).toMatchObject({ same: false, evidence: 'multipart ETag' })
  })

  it("another uploader's part size not recomputed locally -> undecided", () => {
    const verdict = compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 5))
    expect(verdict).toEqual({ same: undefined, why: 'the object was uploaded in 3 parts of sizes the file was not hashed in' })
  })

  it('unknown part size and a file not planned in parts -> undecided', () => {
    expect(compareContent(localDigestOf(data), multipart(data, 4, 'unknown')).same).toBeUndefined()
  })

  it('unknown part size and another part count -> undecided', () => {
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 3, 'unknown')).same).toBeUndefined()
  })

  it('unknown part size and the same count: a matching ETag is proof, a differing one is not', () => {
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 4, 'unknown')).same).toBe(true)
    // Parts of 5 (5+5+2) are three parts too: the ETag differs although the bytes are the same.
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 5, 'unknown')).same).toBeUndefined()
  })

  it('a one-part upload compares whatever part size either side uses', () => {
    // Part 1 of a one-part upload is the whole object: firstPartSize is its size, not the uploader's setting.
    const remote = multipart(data, 8 * 1024, data.length)
    expect(compareContent(localDigestOf(data, { partSize: 16 * 1024 }), remote)).toEqual({ same: true, evidence: 'multipart ETag' })
  })

  it('reads the part count from the ETag when the bucket did not report it', () => {
    const remote = remoteObject({ etag: multipartEtagOf(data, 4), size: data.length, firstPartSize: 4 })
    expect(compareContent(localDigestOf(data, { partSize: 4 }), remote).same).toBe(true)
    // Planned as one part, uploaded as three: the cut differs, not necessarily the bytes.
    expect(compareContent(localDigestOf(data, { partSize: 64 }), remote).same).toBeUndefined()
  })

  it('a plain MD5 ETag is compared with the MD5 even for a file planned in parts', () => {
    const remote = remoteObject({ etag: md5Hex(data), size: data.length })
    expect(compareContent(localDigestOf(data, { partSize: 4 }), remote)).toEqual({ same: true, evidence: 'ETag (MD5)' })
  })
})

describe('compareContent: right after putplan uploaded the file', () => {
  const key = KEY
  const cases = [
    ['SSE-S3', { serverSideEncryption: 'AES256' }],
    ['bucket default', {}],
    ['SSE-KMS', { serverSideEncryption: 'aws:kms', ssekmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }],
    ['DSSE-KMS', { serverSideEncryption: 'aws:kms:dsse' }],
    ['SSE-C', { sseCustomerKey: key }],
  ] as const
  const algorithms = [undefined, ...CHECKSUM_ALGORITHMS]

  for (const [name, encryption] of cases) {
    for (const checksumAlgorithm of algorithms) {
      for (const partSize of [undefined, 4]) {
        it(`${name}, ${checksumAlgorithm ?? 'default checksum'}, ${partSize ? 'multipart' : 'single part'}: same`, () => {
          const options = { ...encryption, ...(checksumAlgorithm && { checksumAlgorithm }) }
          const remote = uploadedObject(data, options, { partSize })
          const local = localDigestOf(data, { algorithms: [checksumAlgorithm ?? 'CRC64NVME'], ...(partSize && { partSize }) })
          // The state record of putplan's own upload knows every part's size.
          const recorded = { ...remote, ...(partSize && { firstPartSize: partSize, partSizes: uniformCut(data.length, partSize) }) }
          expect(compareContent(local, recorded).same).toBe(true)
          const changed = localDigestOf(other, { algorithms: [checksumAlgorithm ?? 'CRC64NVME'], ...(partSize && { partSize }) })
          expect(compareContent(changed, recorded).same).toBe(false)
        })
      }
    }
  }
})

describe('compareContent: objects other uploaders cut unevenly', () => {
  // 12 bytes as 5 + 4 + 3: not parts of 5, the size part 1 suggests.
  const UNEVEN = [5, 4, 3]
  const uneven = (body: Buffer, known: 'learnt' | 'part 1', extra: RemoteOverrides = {}) =>
    remoteObject({ etag: multipartEtagOf(body, UNEVEN), size: body.length, partCount: 3, firstPartSize: 5, ...(known === 'learnt' && { partSizes: UNEVEN }), ...extra })

  it('with part 1 alone, the bytes are never called different: the cut is only assumed', () => {
    // Parts of 5 would be 5 + 5 + 2: the recomputed ETag differs although the bytes are the same.
    const verdict = compareContent(localDigestOf(data, { partSize: 5 }), uneven(data, 'part 1'))
    expect(verdict).toEqual({ same: undefined, why: 'the object was uploaded in 3 parts whose sizes putplan could not learn' })
  })

  it('with every part’s size learnt: same bytes are the same, other bytes different', () => {
    expect(compareContent(localDigestOf(data, { partSizes: UNEVEN }), uneven(data, 'learnt'))).toEqual({ same: true, evidence: 'multipart ETag' })
    expect(compareContent(localDigestOf(other, { partSizes: UNEVEN }), uneven(data, 'learnt'))).toMatchObject({ same: false, evidence: 'multipart ETag' })
  })

  it('a file hashed in another cut than the learnt one is undecided, never different', () => {
    expect(compareContent(localDigestOf(other, { partSize: 4 }), uneven(data, 'learnt')).same).toBeUndefined()
  })

  it.each(['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const)('an SSE-KMS object with a composite %s: decided by it in the learnt cut', (algorithm) => {
    const kms = (body: Buffer) =>
      uneven(body, 'learnt', { etag: `${opaqueEtag()}-3`, checksums: { [algorithm]: compositeChecksumOf(algorithm, body, UNEVEN) }, checksumType: 'COMPOSITE', headers: { serverSideEncryption: 'aws:kms' } })
    const local = localDigestOf(data, { partSizes: UNEVEN })
    expect(compareContent(local, kms(data))).toEqual({ same: true, evidence: `composite checksum ${algorithm}` })
    expect(compareContent(local, kms(other))).toMatchObject({ same: false, evidence: `composite checksum ${algorithm}` })
  })
})

describe('compareContent: composite CRC checksums as stores report them', () => {
  const crc = (algorithm: 'CRC32' | 'CRC32C', body: Buffer) => compositeChecksumOf(algorithm, body, 4)
  const object = (checksums: RemoteObject['checksums'], extra: RemoteOverrides = {}) =>
    remoteObject({ etag: `${opaqueEtag()}-3`, size: data.length, partCount: 3, firstPartSize: 4, partSizes: [4, 4, 4], checksums, headers: { serverSideEncryption: 'aws:kms' }, ...extra })

  it.each(['CRC32', 'CRC32C'] as const)('%s with S3’s -N suffix: same or different', (algorithm) => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, object({ [algorithm]: crc(algorithm, data) }))).toEqual({ same: true, evidence: `composite checksum ${algorithm}` })
    expect(compareContent(local, object({ [algorithm]: crc(algorithm, other) }))).toMatchObject({ same: false, evidence: `composite checksum ${algorithm}` })
  })

  it.each(['CRC32', 'CRC32C'] as const)('%s typed COMPOSITE without its suffix (as GetObjectAttributes gives it): same or different', (algorithm) => {
    const local = localDigestOf(data, { partSize: 4 })
    const bare = (body: Buffer) => object({ [algorithm]: crc(algorithm, body).replace(/-3$/, '') }, { checksumType: 'COMPOSITE' })
    expect(compareContent(local, bare(data)).same).toBe(true)
    expect(compareContent(local, bare(other)).same).toBe(false)
  })

  it('of unknown type (moto’s HeadObject: no suffix, no type): a match with the composite proves the bytes, a mismatch nothing', () => {
    const local = localDigestOf(data, { partSize: 4 })
    const bare = (body: Buffer) => object({ CRC32: crc('CRC32', body).replace(/-3$/, '') })
    expect(compareContent(local, bare(data))).toEqual({ same: true, evidence: 'composite checksum CRC32' })
    expect(compareContent(local, bare(other)).same).toBeUndefined()
    // Nor is it a full-object CRC32 that differs from the file's.
    expect(checksumOf('CRC32', data)).not.toBe(crc('CRC32', data).replace(/-3$/, ''))
  })

  it('a FULL_OBJECT CRC of a multipart object is compared with the whole file’s', () => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, object({ CRC32C: checksumOf('CRC32C', data) }, { checksumType: 'FULL_OBJECT' }))).toEqual({ same: true, evidence: 'checksum CRC32C' })
    expect(compareContent(local, object({ CRC32C: checksumOf('CRC32C', other) }, { checksumType: 'FULL_OBJECT' }))).toMatchObject({ same: false, evidence: 'checksum CRC32C' })
  })
})

describe('compareContent: empty objects', () => {
  it.each([
    ['one empty part', remoteObject({ etag: `${md5Hex(Buffer.from(md5Hex(Buffer.alloc(0)), 'hex'))}-1`, size: 0, partCount: 1 })],
    ['one empty part under SSE-KMS', remoteObject({ etag: `${opaqueEtag()}-1`, size: 0, partCount: 1, headers: { serverSideEncryption: 'aws:kms' } })],
    ['SSE-C, no checksum', remoteObject({ etag: opaqueEtag(), size: 0, headers: { sseCustomerAlgorithm: 'AES256' } })],
  ])('an empty file is the same as an empty object: %s', (_name, remote) => {
    expect(compareContent({ size: 0, checksums: {} }, remote)).toEqual({ same: true, evidence: 'size (both empty)' })
  })
})

describe('compareContent: malformed checksum headers', () => {
  it.each([
    ['too short', 'AAAA'],
    ['not base64', 'not*base64'],
    ['eight bytes for a CRC32', checksumOf('CRC64NVME', data)],
    ['a non-canonical encoding', 'y/Q5Jh=='],
  ])('a CRC32 that is %s is no evidence: the ETag decides, and an undecided verdict says why', (_name, value) => {
    const withEtag = remoteObject({ etag: md5Hex(data), size: data.length, checksums: { CRC32: value } })
    expect(compareContent(localDigestOf(data), withEtag)).toEqual({ same: true, evidence: 'ETag (MD5)' })
    const kms = remoteObject({ etag: opaqueEtag(), size: data.length, checksums: { CRC32: value }, headers: { serverSideEncryption: 'aws:kms' } })
    expect(compareContent(localDigestOf(data), kms)).toEqual({
      same: undefined,
      why: `the object is SSE-KMS encrypted, so its ETag is no digest of the bytes; its CRC32 checksum ${JSON.stringify(value)} is not 4 bytes in base64, so it was ignored`,
    })
  })

  it('a well-formed checksum beside a malformed one still decides', () => {
    const remote = remoteObject({ etag: opaqueEtag(), size: data.length, checksums: { CRC32: '!!', SHA256: checksumOf('SHA256', other) }, headers: { serverSideEncryption: 'aws:kms' } })
    expect(compareContent(localDigestOf(data), remote)).toMatchObject({ same: false, evidence: 'checksum SHA256' })
  })
})
