/**
 * The decision whether a compressed object's state record vouches for its bytes, so that
 * the file is hashed but not compressed: the record's fingerprint must name today's coding,
 * settings and the file's size and digest; the record must hold every digest the plan
 * needs of the bytes; and no upload may be due (an upload sends the compressed copy).
 */
import { describe, expect, it } from 'vitest'
import { compressionSettings, type DigestRequest } from '../../../src/local/index.js'
import type { CompressedFrom } from '../../../src/state/index.js'
import { recordedBody, sameSource, sourceToMatch } from '../../../src/workflow/recorded-body.js'
import { bytes, checksumOf, md5Hex, uploadedObject } from '../plan/builders.js'

const fingerprint: CompressedFrom = { size: 1000, sha256: 'c2hhMjU2', coding: 'gzip', settings: compressionSettings('gzip') }
const compressed = bytes(300, 9)
const request = (over: Partial<DigestRequest> = {}): DigestRequest => ({ md5: false, checksums: ['CRC64NVME'], parts: { cut: { sizes: [] }, etag: false, composite: [] }, ...over })

describe('sourceToMatch', () => {
  it('gives the fingerprint to compare when coding, settings and size are today’s', () => {
    expect(sourceToMatch(fingerprint, { size: 1000, compress: 'gzip' })).toBe(fingerprint)
  })

  it.each<[string, CompressedFrom | undefined, { size: number; compress?: 'gzip' | 'br' }]>([
    ['no fingerprint (a record from before putplan kept one)', undefined, { size: 1000, compress: 'gzip' }],
    ['another coding (gzip -> br)', fingerprint, { size: 1000, compress: 'br' }],
    ['other settings (another level)', { ...fingerprint, settings: 'gzip level 6' }, { size: 1000, compress: 'gzip' }],
    ['a file of another size', fingerprint, { size: 1001, compress: 'gzip' }],
    ['an object no longer compressed', fingerprint, { size: 1000 }],
  ])('gives none, so the file is compressed: %s', (_, recorded, desired) => {
    expect(sourceToMatch(recorded, desired)).toBeUndefined()
  })
})

describe('sameSource', () => {
  it('is the same file only with the same digest, size, coding and settings', () => {
    expect(sameSource(fingerprint, { ...fingerprint })).toBe(true)
    expect(sameSource(fingerprint, { ...fingerprint, sha256: 'b3RoZXI=' })).toBe(false)
    expect(sameSource(fingerprint, { ...fingerprint, size: 999 })).toBe(false)
    expect(sameSource(fingerprint, { ...fingerprint, coding: 'br' })).toBe(false)
    expect(sameSource(fingerprint, { ...fingerprint, settings: 'x' })).toBe(false)
  })
})

describe('recordedBody', () => {
  const remote = uploadedObject(compressed, { contentEncoding: 'gzip' })

  it('gives the recorded bytes’ digest when the record holds what the comparison needs', () => {
    const local = recordedBody(remote, request(), 'none')
    expect(local).toEqual({ size: compressed.length, checksums: { CRC64NVME: checksumOf('CRC64NVME', compressed) } })
  })

  it('for a repair in place too, which needs the checksum the copy keeps', () => {
    expect(recordedBody(remote, request(), 'repair')).toBeDefined()
  })

  it('gives the MD5 from a plain ETag when the comparison asks for it', () => {
    const plain = { ...remote, checksums: {} }
    expect(recordedBody(plain, request({ md5: true, checksums: [] }), 'none')).toEqual({ size: compressed.length, md5: md5Hex(compressed), checksums: {} })
  })

  it('gives none when an upload is due: the upload sends (and hashes) the compressed copy', () => {
    expect(recordedBody(remote, request({ md5: { unlessMultipartUnder: { threshold: 8, partSize: 8 } } }), 'upload')).toBeUndefined()
  })

  it('gives none when the record lacks a checksum the plan needs (another algorithm, a pinned one)', () => {
    expect(recordedBody(remote, request({ checksums: ['CRC64NVME', 'SHA256'] }), 'repair')).toBeUndefined()
  })

  it('gives none when digests of parts are asked for', () => {
    expect(recordedBody(remote, request({ parts: { cut: { sizes: [100, 100, 100] }, etag: true, composite: [] } }), 'none')).toBeUndefined()
    expect(recordedBody(remote, request({ parts: { cut: { sizes: [100, 100, 100] }, etag: false, composite: ['SHA256'] } }), 'none')).toBeUndefined()
  })

  it('gives none when a composite checksum is all the record has', () => {
    const composite = uploadedObject(compressed, { checksumAlgorithm: 'SHA256' }, { partSize: 100 })
    expect(recordedBody(composite, request({ checksums: ['SHA256'] }), 'none')).toBeUndefined()
  })

  it('gives none when nothing in the record proves the bytes (an encrypted ETag, no checksum)', () => {
    const kms = { ...uploadedObject(compressed, { serverSideEncryption: 'aws:kms' }), checksums: {} }
    expect(recordedBody(kms, request({ checksums: [] }), 'none')).toBeUndefined()
    expect(recordedBody(kms, request({ md5: true, checksums: [] }), 'none')).toBeUndefined()
  })
})
