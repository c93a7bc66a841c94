import { describe, expect, it } from 'vitest'
import { MultipartHasher } from '../../../src/local/multipart-hasher.js'
import { createChecksumHasher } from '../../../src/local/hasher.js'
import { CHECKSUM_ALGORITHMS } from '../../../src/plan/local-digest.js'
import { uniformCut } from '../../../src/plan/part-cut.js'
import { bytes, checksumOf, compositeChecksumOf, md5Hex, multipartDigestOf } from './builders.js'

/** The builders are the tests' ground truth: they must agree with known values and with `local/`. */
describe('digest builders', () => {
  it('give the standard check values', () => {
    const nine = Buffer.from('123456789')
    expect(checksumOf('CRC32', nine)).toBe(Buffer.from('cbf43926', 'hex').toString('base64'))
    expect(checksumOf('CRC32C', nine)).toBe(Buffer.from('e3069283', 'hex').toString('base64'))
    expect(checksumOf('CRC64NVME', nine)).toBe(Buffer.from('ae8b14860a799888', 'hex').toString('base64'))
    expect(md5Hex(Buffer.from('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72')
  })

  it('give composite checksums known from elsewhere (Python zlib, hashlib and a bitwise CRC-32C), in an uneven cut', () => {
    // "123456789" as "1234" + "56789": the checksum of the parts' big-endian checksums, then -2.
    const nine = Buffer.from('123456789')
    expect(compositeChecksumOf('CRC32', nine, [4, 5])).toBe('rBMwBw==-2')
    expect(compositeChecksumOf('CRC32C', nine, [4, 5])).toBe('wClZWQ==-2')
    expect(compositeChecksumOf('SHA256', nine, [4, 5])).toBe('bnRBBTileCDVQlLT/6fZJGrqcf3O3X6G8kD8V7zZqxQ=-2')
    const parts = new MultipartHasher([4, 5], { etag: false, composite: ['CRC32', 'CRC32C', 'SHA256'] })
    parts.update(nine)
    expect(parts.digest()).toEqual({
      partSize: 4,
      partCount: 2,
      partSizes: [4, 5],
      compositeChecksums: { CRC32: 'rBMwBw==-2', CRC32C: 'wClZWQ==-2', SHA256: 'bnRBBTileCDVQlLT/6fZJGrqcf3O3X6G8kD8V7zZqxQ=-2' },
    })
  })

  it('agree with the hashers of local/', () => {
    const data = bytes(1000, 3)
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const hasher = createChecksumHasher(algorithm)
      hasher.update(data)
      expect(checksumOf(algorithm, data)).toBe(hasher.digest())
    }
    for (const partSize of [1, 7, 100, 999, 1000, 4096]) {
      const parts = new MultipartHasher(uniformCut(data.length, partSize), { composite: CHECKSUM_ALGORITHMS }, partSize)
      parts.update(data)
      expect(multipartDigestOf(data, partSize)).toEqual(parts.digest())
    }
    const uneven = [600, 300, 100]
    const parts = new MultipartHasher(uneven, { composite: CHECKSUM_ALGORITHMS })
    parts.update(data)
    expect(multipartDigestOf(data, 600, CHECKSUM_ALGORITHMS, uneven)).toEqual(parts.digest())
  })
})
