import { createHash } from 'node:crypto'
import { appendFileSync, truncateSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { FileChangedError, hashFile, type DigestRequest, type MultipartPolicy } from '../../../src/local/index.js'
import { patternBytes, useTempDir } from './temp-dir.js'

const KiB = 1024
const MiB = 1024 * KiB
/** Small parts so that a multipart file stays small. */
const SMALL_PARTS: MultipartPolicy = { threshold: 1 * MiB, partSize: 1 * MiB, minPartSize: 1 }

/** The multipart ETag and composite, computed from slices, independently of the code under test. */
function expectedMultipart(data: Buffer, cut: number | readonly number[], hash: 'md5' | 'sha256'): string {
  const sizes = typeof cut === 'number' ? Array.from({ length: Math.max(1, Math.ceil(data.length / cut)) }, () => cut) : cut
  const parts: Buffer[] = []
  let offset = 0
  for (const size of sizes) parts.push(createHash(hash).update(data.subarray(offset, (offset += size))).digest())
  const combined = createHash(hash).update(Buffer.concat(parts))
  return `${combined.digest(hash === 'md5' ? 'hex' : 'base64')}-${parts.length}`
}

/** A request for the MD5 and `checksums` alone. */
const only = (...checksums: DigestRequest['checksums']): DigestRequest => ({ md5: true, checksums })

describe('hashFile', () => {
  const tmp = useTempDir()

  it('computes the MD5 and the requested checksums of a small file, without parts', async () => {
    const path = tmp.write('a.txt', '123456789')
    const digest = await hashFile(path, only('CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'))
    expect(digest).toEqual({
      size: 9,
      md5: '25f9e794323b453885f5181f1b624d0b',
      checksums: {
        CRC32: 'y/Q5Jg==',
        CRC32C: '4waSgw==',
        CRC64NVME: 'rosUhgp5mIg=',
        SHA1: createHash('sha1').update('123456789').digest('base64'),
        SHA256: createHash('sha256').update('123456789').digest('base64'),
      },
    })
  })

  it('hashes an empty file', async () => {
    const digest = await hashFile(tmp.write('empty', ''), only('CRC64NVME'))
    expect(digest).toEqual({ size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e', checksums: { CRC64NVME: 'AAAAAAAAAAA=' } })
  })

  it('adds the multipart ETag and SHA composites above the threshold, however reads cut the parts', async () => {
    const data = patternBytes(2 * MiB + 12_345)
    const path = tmp.write('big.bin', data)
    // A chunk size that does not divide the part size makes chunks straddle part boundaries.
    const request: DigestRequest = { md5: true, checksums: ['SHA256', 'CRC64NVME', 'SHA1'], parts: { cut: { policy: SMALL_PARTS }, etag: true, composite: ['SHA256', 'SHA1'] } }
    const digest = await hashFile(path, request, { chunkSize: 100_003 })
    expect(digest.size).toBe(data.length)
    expect(digest.md5).toBe(createHash('md5').update(data).digest('hex'))
    expect(digest.multipart).toEqual({
      partSize: MiB,
      partCount: 3,
      etag: expectedMultipart(data, MiB, 'md5'),
      compositeChecksums: {
        SHA256: expectedMultipart(data, MiB, 'sha256'),
        SHA1: expect.stringMatching(/^[A-Za-z0-9+/]{27}=-3$/),
      },
    })
  })

  it('cuts a file of exactly N part sizes into N parts, with no empty last part', async () => {
    const data = patternBytes(2 * MiB, 3)
    const digest = await hashFile(tmp.write('exact.bin', data), { md5: true, checksums: [], parts: { cut: { policy: { ...SMALL_PARTS, threshold: MiB - 1 } }, etag: true, composite: [] } })
    expect(digest.multipart?.partCount).toBe(2)
    expect(digest.multipart?.etag).toBe(expectedMultipart(data, MiB, 'md5'))
  })

  it('gives no multipart digest at or below the threshold, when no parts are asked for, or for a cut of another size', async () => {
    const path = tmp.write('edge.bin', patternBytes(MiB))
    const parts = (cut: NonNullable<DigestRequest['parts']>['cut']): DigestRequest => ({ md5: true, checksums: [], parts: { cut, etag: true, composite: [] } })
    expect((await hashFile(path, parts({ policy: SMALL_PARTS }))).multipart).toBeUndefined()
    expect((await hashFile(path, only())).multipart).toBeUndefined()
    expect((await hashFile(path, parts({ sizes: [MiB / 2, MiB / 2 + 1] }))).multipart).toBeUndefined()
  })

  it('computes the whole-file MD5 only for a file the upload policy sends whole', async () => {
    const whole = tmp.write('whole.bin', patternBytes(MiB, 7))
    const inParts = tmp.write('in-parts.bin', patternBytes(MiB + 1, 7))
    const request: DigestRequest = { md5: { unlessMultipartUnder: SMALL_PARTS }, checksums: [] }
    expect((await hashFile(whole, request)).md5).toBe(createHash('md5').update(patternBytes(MiB, 7)).digest('hex'))
    expect((await hashFile(inParts, request)).md5).toBeUndefined()
  })

  it('cuts the file at exactly the sizes asked for, however reads cut it, and names them when they are uneven', async () => {
    const data = patternBytes(2 * MiB + 777, 8)
    const path = tmp.write('uneven.bin', data)
    const sizes = [MiB + 100, MiB - 100, 777]
    const request: DigestRequest = { md5: false, checksums: [], parts: { cut: { sizes }, etag: true, composite: ['SHA256', 'CRC32', 'CRC32C'] } }
    const digest = await hashFile(path, request, { chunkSize: 65_537 })
    const crcs = (crc: (bytes: Buffer) => number) => {
      const raw = sizes.map((_, i) => {
        const start = sizes.slice(0, i).reduce((a, b) => a + b, 0)
        return uint32(crc(data.subarray(start, start + sizes[i]!)))
      })
      return `${uint32(crc(Buffer.concat(raw))).toString('base64')}-3`
    }
    expect(digest.multipart).toEqual({
      partSize: MiB + 100,
      partCount: 3,
      partSizes: sizes,
      etag: expectedMultipart(data, sizes, 'md5'),
      compositeChecksums: { SHA256: expectedMultipart(data, sizes, 'sha256'), CRC32: crcs(crc32), CRC32C: crcs(crc32cByHand) },
    })
    // Sizes of a uniform cut are not repeated.
    const even = await hashFile(path, { ...request, parts: { ...request.parts!, cut: { sizes: [MiB, MiB, 777] } } })
    expect(even.multipart).toMatchObject({ partSize: MiB, partCount: 3, etag: expectedMultipart(data, MiB, 'md5') })
    expect(even.multipart?.partSizes).toBeUndefined()
  })

  it('leaves out the whole-file MD5 and the multipart ETag when told, keeping parts and composites', async () => {
    const data = patternBytes(2 * MiB + 5, 4)
    const path = tmp.write('parts.bin', data)
    const digest = await hashFile(path, { md5: false, checksums: ['CRC64NVME', 'SHA256'], parts: { cut: { policy: SMALL_PARTS }, etag: false, composite: ['SHA256'] } })
    expect(digest).toEqual({
      size: data.length,
      checksums: { CRC64NVME: expect.any(String), SHA256: createHash('sha256').update(data).digest('base64') },
      multipart: { partSize: MiB, partCount: 3, compositeChecksums: { SHA256: expectedMultipart(data, MiB, 'sha256') } },
    })
  })

  it('counts the parts when it hashes none of them', async () => {
    const data = patternBytes(3 * MiB, 6)
    const digest = await hashFile(tmp.write('count.bin', data), { md5: false, checksums: ['CRC64NVME'], parts: { cut: { policy: SMALL_PARTS }, etag: false, composite: [] } })
    expect(digest.multipart).toEqual({ partSize: MiB, partCount: 3, compositeChecksums: {} })
    expect(digest.md5).toBeUndefined()
  })

  it('fails with FileChangedError when the file grows during the read', async () => {
    const path = tmp.write('grows.bin', patternBytes(256 * KiB))
    let appended = false
    const hashing = hashFile(path, only(), {
      chunkSize: 64 * KiB,
      onBytes: () => {
        if (!appended) appendFileSync(path, 'more')
        appended = true
      },
    })
    await expect(hashing).rejects.toBeInstanceOf(FileChangedError)
    await expect(hashing).rejects.toMatchObject({ code: 'file-changed', path, expectedSize: 256 * KiB })
  })

  it('fails with FileChangedError when the file shrinks during the read', async () => {
    const path = tmp.write('shrinks.bin', patternBytes(256 * KiB))
    let truncated = false
    const hashing = hashFile(path, only(), {
      chunkSize: 64 * KiB,
      onBytes: () => {
        if (!truncated) truncateSync(path, 100 * KiB)
        truncated = true
      },
    })
    const error = await hashing.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileChangedError)
    // The read ahead of the chunk being hashed may have landed before the truncation.
    expect((error as FileChangedError).readSize).toBeLessThan(256 * KiB)
  })

  it('fails with FileChangedError when the file is modified in place during the read', async () => {
    const path = tmp.write('touched.bin', patternBytes(256 * KiB))
    let touched = false
    const hashing = hashFile(path, only(), {
      chunkSize: 64 * KiB,
      onBytes: () => {
        if (!touched) utimesSync(path, new Date(), new Date(Date.now() + 60_000))
        touched = true
      },
    })
    await expect(hashing).rejects.toBeInstanceOf(FileChangedError)
  })

  it('rejects a missing file with the system error', async () => {
    await expect(hashFile(join(tmp.dir(), 'missing'), only())).rejects.toMatchObject({ code: 'ENOENT' })
  })
})


function uint32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value >>> 0)
  return out
}

/** CRC-32C bit by bit from its definition (reflected polynomial 0x82F63B78): slow, and independent of the library. */
function crc32cByHand(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}
