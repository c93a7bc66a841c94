import { describe, expect, it } from 'vitest'
import { MultipartHasher } from '../../../src/local/multipart-hasher.js'
import { createChecksumHasher } from '../../../src/local/hasher.js'
import { CHECKSUM_ALGORITHMS } from '../../../src/plan/local-digest.js'
import { uniformCut } from '../../../src/plan/part-cut.js'
import { bytes, checksumOf, md5Hex, multipartDigestOf } from './builders.js'

/** The builders are the tests' ground truth: they must agree with known values and with `local/`. */
describe('digest builders', () => {
  it('give the standard check values', () => {
    const nine = Buffer.from('123456789')
    expect(checksumOf('CRC32', nine)).toBe(Buffer.from('cbf43926', 'hex').toString('base64'))
    expect(checksumOf('CRC32C', nine)).toBe(Buffer.from('e3069283', 'hex').toString('base64'))
    expect(checksumOf('CRC64NVME', nine)).toBe(Buffer.from('ae8b14860a799888', 'hex').toString('base64'))
    expect(md5Hex(Buffer.from('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72')
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
