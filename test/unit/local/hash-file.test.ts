import { createHash } from 'node:crypto'
import { appendFileSync, truncateSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileChangedError, hashFile, type MultipartPolicy } from '../../../src/local/index.js'
import { patternBytes, useTempDir } from './temp-dir.js'

const KiB = 1024
const MiB = 1024 * KiB
/** Small parts so that a multipart file stays small. */
const SMALL_PARTS: MultipartPolicy = { threshold: 1 * MiB, partSize: 1 * MiB, minPartSize: 1 }

/** The multipart ETag and composite, computed from slices, independently of the code under test. */
function expectedMultipart(data: Buffer, partSize: number, hash: 'md5' | 'sha256'): string {
  const parts: Buffer[] = []
  for (let offset = 0; offset < data.length || parts.length === 0; offset += partSize) {
    parts.push(createHash(hash).update(data.subarray(offset, offset + partSize)).digest())
  }
  const combined = createHash(hash).update(Buffer.concat(parts))
  return `${combined.digest(hash === 'md5' ? 'hex' : 'base64')}-${parts.length}`
}

describe('hashFile', () => {
  const tmp = useTempDir()

  it('computes the MD5 and the requested checksums of a small file, without parts', async () => {
    const path = tmp.write('a.txt', '123456789')
    const digest = await hashFile(path, { algorithms: ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] })
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
    const digest = await hashFile(tmp.write('empty', ''), { algorithms: ['CRC64NVME'] })
    expect(digest).toEqual({ size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e', checksums: { CRC64NVME: 'AAAAAAAAAAA=' } })
  })

  it('adds the multipart ETag and SHA composites above the threshold, however reads cut the parts', async () => {
    const data = patternBytes(2 * MiB + 12_345)
    const path = tmp.write('big.bin', data)
    // A chunk size that does not divide the part size makes chunks straddle part boundaries.
    const digest = await hashFile(path, { algorithms: ['SHA256', 'CRC64NVME', 'SHA1'], multipart: SMALL_PARTS, chunkSize: 100_003 })
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
    const digest = await hashFile(tmp.write('exact.bin', data), { multipart: { ...SMALL_PARTS, threshold: MiB - 1 } })
    expect(digest.multipart?.partCount).toBe(2)
    expect(digest.multipart?.etag).toBe(expectedMultipart(data, MiB, 'md5'))
  })

  it('gives no multipart digest at or below the threshold, or when parts are off', async () => {
    const path = tmp.write('edge.bin', patternBytes(MiB))
    expect((await hashFile(path, { multipart: SMALL_PARTS })).multipart).toBeUndefined()
    expect((await hashFile(path, { multipart: false })).multipart).toBeUndefined()
  })

  it('leaves out the whole-file MD5 and the multipart ETag when told, keeping parts and composites', async () => {
    const data = patternBytes(2 * MiB + 5, 4)
    const path = tmp.write('parts.bin', data)
    const sizes: number[] = []
    const md5 = (size: number) => (sizes.push(size), false)
    const digest = await hashFile(path, { algorithms: ['CRC64NVME', 'SHA256'], multipart: SMALL_PARTS, md5, multipartEtag: false })
    expect(sizes).toEqual([data.length])
    expect(digest).toEqual({
      size: data.length,
      checksums: { CRC64NVME: expect.any(String), SHA256: createHash('sha256').update(data).digest('base64') },
      multipart: { partSize: MiB, partCount: 3, compositeChecksums: { SHA256: expectedMultipart(data, MiB, 'sha256') } },
    })
  })

  it('counts the parts when it hashes none of them', async () => {
    const data = patternBytes(3 * MiB, 6)
    const digest = await hashFile(tmp.write('count.bin', data), { algorithms: ['CRC64NVME'], multipart: SMALL_PARTS, md5: () => false, multipartEtag: false })
    expect(digest.multipart).toEqual({ partSize: MiB, partCount: 3, compositeChecksums: {} })
    expect(digest.md5).toBeUndefined()
  })

  it('fails with FileChangedError when the file grows during the read', async () => {
    const path = tmp.write('grows.bin', patternBytes(256 * KiB))
    let appended = false
    const hashing = hashFile(path, {
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
    const hashing = hashFile(path, {
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
    const hashing = hashFile(path, {
      chunkSize: 64 * KiB,
      onBytes: () => {
        if (!touched) utimesSync(path, new Date(), new Date(Date.now() + 60_000))
        touched = true
      },
    })
    await expect(hashing).rejects.toBeInstanceOf(FileChangedError)
  })

  it('rejects a missing file with the system error', async () => {
    await expect(hashFile(join(tmp.dir(), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

