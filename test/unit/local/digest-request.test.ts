/**
 * The digest request is a value: what it asks of a file of a given size is decided by data
 * alone (the MD5 under the upload's policy, the cut into parts), and two requests compare.
 */
import { describe, expect, it } from 'vitest'
import { coversRequest, partsAt, wantsMd5, type DigestRequest } from '../../../src/local/index.js'

const policy = { threshold: 16, partSize: 16, minPartSize: 1 }

describe('DigestRequest', () => {
  it('asks for the whole-file MD5 always, never, or unless the file goes up in parts under the policy', () => {
    const request = (md5: DigestRequest['md5']): DigestRequest => ({ md5, checksums: [] })
    expect([wantsMd5(request(true), 100), wantsMd5(request(false), 1)]).toEqual([true, false])
    expect(wantsMd5(request({ unlessMultipartUnder: policy }), 16)).toBe(true)
    expect(wantsMd5(request({ unlessMultipartUnder: policy }), 17)).toBe(false)
  })

  it('cuts as the policy uploads, only above its threshold; at given sizes, only when they make the file', () => {
    expect(partsAt({ policy }, 16)).toBeUndefined()
    expect(partsAt({ policy }, 40)).toEqual({ partSize: 16, sizes: [16, 16, 8] })
    expect(partsAt({ sizes: [18, 16, 6] }, 40)).toEqual({ partSize: 18, sizes: [18, 16, 6] })
    expect(partsAt({ sizes: [18, 16, 6] }, 41)).toBeUndefined()
    expect(partsAt({ sizes: [40, 0] }, 40)).toBeUndefined()
  })

  describe('coversRequest', () => {
    const base: DigestRequest = { md5: true, checksums: ['CRC64NVME', 'SHA256'], parts: { cut: { policy }, etag: true, composite: ['SHA256'] } }

    it('a request covers itself and anything asking less', () => {
      expect(coversRequest(base, base, 40)).toBe(true)
      expect(coversRequest(base, { md5: false, checksums: ['SHA256'], parts: { cut: { policy }, etag: false, composite: [] } }, 40)).toBe(true)
    })

    it('not a request asking for another checksum, an MD5 it did not compute, or another composite', () => {
      expect(coversRequest(base, { ...base, checksums: ['CRC32'] }, 40)).toBe(false)
      expect(coversRequest({ ...base, md5: { unlessMultipartUnder: policy } }, base, 40)).toBe(false)
      expect(coversRequest({ ...base, md5: { unlessMultipartUnder: policy } }, base, 10)).toBe(true)
      expect(coversRequest(base, { ...base, parts: { ...base.parts!, composite: ['CRC32C'] } }, 40)).toBe(false)
    })

    it('the same cut by value, however it is stated; another cut is not covered', () => {
      expect(coversRequest(base, { ...base, parts: { ...base.parts!, cut: { sizes: [16, 16, 8] } } }, 40)).toBe(true)
      expect(coversRequest(base, { ...base, parts: { ...base.parts!, cut: { sizes: [18, 16, 6] } } }, 40)).toBe(false)
      // A cut that asks for no parts at this size needs none.
      expect(coversRequest({ md5: true, checksums: base.checksums }, base, 16)).toBe(true)
    })
  })
})
