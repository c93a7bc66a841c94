import { describe, expect, it } from 'vitest'
import { compareContent } from '../../../src/plan/content-identity.js'
import { CHECKSUM_ALGORITHMS } from '../../../src/plan/local-digest.js'
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
  const composite = (algorithm: 'SHA1' | 'SHA256', body: Buffer, partSize: number, firstPartSize: number | 'unknown' = partSize) =>
    remoteObject({
      etag: `${opaqueEtag()}-${Math.ceil(body.length / partSize)}`,
      size: body.length,
      checksums: { [algorithm]: compositeChecksumOf(algorithm, body, partSize) },
      checksumType: 'COMPOSITE',
      partCount: Math.ceil(body.length / partSize),
      ...(firstPartSize !== 'unknown' && { firstPartSize }),
      headers: { serverSideEncryption: 'aws:kms' },
    })

  it.each(['SHA1', 'SHA256'] as const)('%s: same part size and bytes -> same', (algorithm) => {
    const local = localDigestOf(data, { partSize: 4 })
    expect(compareContent(local, composite(algorithm, data, 4))).toEqual({ same: true, evidence: `composite checksum ${algorithm}` })
  })

  it.each(['SHA1', 'SHA256'] as const)('%s: same part size, other bytes -> different', (algorithm) => {
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
  const multipart = (body: Buffer, partSize: number, firstPartSize: number | 'unknown' = partSize) =>
    remoteObject({
      etag: multipartEtagOf(body, partSize),
      size: body.length,
      partCount: Math.max(1, Math.ceil(body.length / partSize)),
      ...(firstPartSize !== 'unknown' && { firstPartSize }),
    })

  it('same part size and bytes -> same', () => {
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 4))).toEqual({ same: true, evidence: 'multipart ETag' })
  })

  it('same part size, other bytes -> different', () => {
    expect(compareContent(localDigestOf(data, { partSize: 4 }), multipart(other, 4))).toMatchObject({ same: false, evidence: 'multipart ETag' })
  })

  it("another uploader's part size, revealed by part 1 and recomputed locally -> same", () => {
    const remote = multipart(data, 3) // four parts of 3
    expect(compareContent(localDigestOf(data, { partSize: 3 }), remote)).toEqual({ same: true, evidence: 'multipart ETag' })
    expect(compareContent(localDigestOf(other, { partSize: 3 }), remote).same).toBe(false)
  })

  it("another uploader's part size not recomputed locally -> undecided", () => {
    const verdict = compareContent(localDigestOf(data, { partSize: 4 }), multipart(data, 5))
    expect(verdict).toEqual({ same: undefined, why: 'the object was uploaded in 3 parts of a size putplan could not learn' })
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
          expect(compareContent(local, { ...remote, ...(partSize && { firstPartSize: partSize }) }).same).toBe(true)
          const changed = localDigestOf(other, { algorithms: [checksumAlgorithm ?? 'CRC64NVME'], ...(partSize && { partSize }) })
          expect(compareContent(changed, { ...remote, ...(partSize && { firstPartSize: partSize }) }).same).toBe(false)
        })
      }
    }
  }
})
