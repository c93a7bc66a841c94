import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { Crc64NvmeWasm } from '../../../src/local/crc64-nvme-wasm.js'
import { Crc64Nvme } from '../../../src/local/crc64-nvme.js'
import { createChecksumHasher, createMd5Hasher } from '../../../src/local/hasher.js'
import type { ChecksumAlgorithm } from '../../../src/plan/local-digest.js'
import { patternBytes } from './temp-dir.js'

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')

function checksum(algorithm: ChecksumAlgorithm, ...chunks: (string | Uint8Array)[]): string {
  const h = createChecksumHasher(algorithm)
  for (const c of chunks) h.update(typeof c === 'string' ? Buffer.from(c) : c)
  return h.digest()
}

describe('checksum hashers', () => {
  it('match the check values of "123456789", big-endian then base64 as S3 sends them', () => {
    expect(checksum('CRC32', '123456789')).toBe('y/Q5Jg==')
    expect(checksum('CRC32', '123456789')).toBe(b64('cbf43926'))
    expect(checksum('CRC32C', '123456789')).toBe(b64('e3069283'))
    expect(checksum('CRC64NVME', '123456789')).toBe(b64('ae8b14860a799888'))
    expect(checksum('CRC64NVME', '123456789')).toBe('rosUhgp5mIg=')
  })

  it('match known SHA and MD5 digests', () => {
    expect(checksum('SHA1', 'abc')).toBe(b64('a9993e364706816aba3e25717850c26c9cd0d89d'))
    expect(checksum('SHA256', 'abc')).toBe(b64('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'))
    const md5 = createMd5Hasher()
    md5.update(Buffer.from('abc'))
    expect(md5.digest()).toBe('900150983cd24fb0d6963f7d28e17f72')
  })

  it('give the values of no bytes at all', () => {
    expect(checksum('CRC32')).toBe('AAAAAA==')
    expect(checksum('CRC32C')).toBe('AAAAAA==')
    expect(checksum('CRC64NVME')).toBe('AAAAAAAAAAA=')
    expect(checksum('SHA256')).toBe(b64('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'))
    expect(createMd5Hasher().digest()).toBe('d41d8cd98f00b204e9800998ecf8427e')
  })

  it('do not depend on how the bytes are chunked', () => {
    const data = patternBytes(10_007)
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const whole = checksum(algorithm, data)
      expect(checksum(algorithm, data.subarray(0, 1), data.subarray(1, 13), data.subarray(13, 4096), data.subarray(4096))).toBe(whole)
    }
  })
})

describe.each([
  ['Crc64Nvme', Crc64Nvme],
  ['Crc64NvmeWasm', Crc64NvmeWasm],
])('%s', (_, Crc) => {
  it('agrees with @aws-sdk/crc64-nvme on every length around the 8-byte stride', async () => {
    const require = createRequire(import.meta.url)
    const { Crc64Nvme: Reference } = require('@aws-sdk/crc64-nvme') as {
      Crc64Nvme: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }
    }
    const data = patternBytes(300, 7)
    for (let length = 0; length <= 300; length += length < 40 ? 1 : 37) {
      const ours = new Crc()
      const reference = new Reference()
      // Odd splits exercise the tail loop between 8-byte blocks.
      ours.update(data.subarray(0, length >> 1))
      ours.update(data.subarray(length >> 1, length))
      reference.update(data.subarray(0, length))
      expect(Buffer.from(ours.digestBytes()).toString('hex'), `length ${length}`).toBe(
        Buffer.from(await reference.digest()).toString('hex'),
      )
    }
  })
})

describe('Crc64NvmeWasm', () => {
  it('keeps separate registers for interleaved hashers sharing one instance, across memory growth', () => {
    const small = patternBytes(1000, 11)
    const large = patternBytes(3 * 65536 + 5, 12)
    const a = new Crc64NvmeWasm()
    const b = new Crc64NvmeWasm()
    a.update(small.subarray(0, 500))
    b.update(large)
    a.update(small.subarray(500))
    const ref = (data: Uint8Array) => {
      const crc = new Crc64Nvme()
      crc.update(data)
      return Buffer.from(crc.digestBytes()).toString('hex')
    }
    expect(Buffer.from(a.digestBytes()).toString('hex')).toBe(ref(small))
    expect(Buffer.from(b.digestBytes()).toString('hex')).toBe(ref(large))
  })
})
