import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { describe, expect, it } from 'vitest'
import { Crc64NvmeWasm } from '../../../src/local/crc64-nvme-wasm.js'
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

/** The independent reference: the AWS SDK's own CRC64NVME (pure JavaScript, async digest). */
async function referenceHex(data: Uint8Array): Promise<string> {
  const crc = new Crc64Nvme()
  crc.update(data)
  return Buffer.from(await crc.digest()).toString('hex')
}

const hex = (crc: Crc64NvmeWasm) => Buffer.from(crc.digestBytes()).toString('hex')

describe('Crc64NvmeWasm', () => {
  it('gives the check values of the NVMe specification for 4 KiB blocks', () => {
    const block = (byte: (i: number) => number) => Uint8Array.from({ length: 4096 }, (_, i) => byte(i))
    const vectors: [Uint8Array, string][] = [
      [block(() => 0x00), '6482d367eb22b64e'],
      [block(() => 0xff), 'c0ddba7302eca3ac'],
      [block((i) => i & 0xff), '3e729f5f6750449c'],
      [block((i) => 0xff - (i & 0xff)), '9a2df64b8e9e517e'],
    ]
    for (const [data, want] of vectors) {
      const crc = new Crc64NvmeWasm()
      crc.update(data)
      expect(hex(crc)).toBe(want)
    }
  })

  it('agrees with @aws-sdk/crc64-nvme on every length around the 16- and 8-byte strides', async () => {
    const data = patternBytes(300, 7)
    for (let length = 0; length <= 300; length += length < 40 ? 1 : 37) {
      const ours = new Crc64NvmeWasm()
      // Odd splits exercise the 8-byte step and the tail loop after the 16-byte blocks.
      ours.update(data.subarray(0, length >> 1))
      ours.update(data.subarray(length >> 1, length))
      expect(hex(ours), `length ${length}`).toBe(await referenceHex(data.subarray(0, length)))
    }
  })

  it('keeps separate registers for interleaved hashers sharing one instance, across memory growth', async () => {
    const small = patternBytes(1000, 11)
    const large = patternBytes(3 * 65536 + 5, 12)
    const a = new Crc64NvmeWasm()
    const b = new Crc64NvmeWasm()
    a.update(small.subarray(0, 500))
    b.update(large)
    a.update(small.subarray(500))
    expect(hex(a)).toBe(await referenceHex(small))
    expect(hex(b)).toBe(await referenceHex(large))
  })
})
