import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Crc64Worker } from '../../../src/local/crc64-worker.js'
import { createChecksumHasher } from '../../../src/local/hasher.js'
import { hashFile, type DigestRequest } from '../../../src/local/index.js'
import { SYNC_READ_LIMIT } from '../../../src/local/read-once.js'
import { patternBytes, useTempDir } from './temp-dir.js'

const KiB = 1024
const CHUNK = 64 * KiB

function crcOnMainThread(data: Uint8Array): string {
  const hasher = createChecksumHasher('CRC64NVME')
  hasher.update(data)
  return hasher.digest()
}

describe('Crc64Worker', () => {
  const tmp = useTempDir()
  /** A thread module of the test's own, in place of the real one, to make the worker fail. */
  const thread = (code: string) => pathToFileURL(tmp.write('thread.mjs', code))

  it('gives the CRC64NVME of the main thread, over many chunks of changing sizes', async () => {
    const data = patternBytes(300 * KiB + 13, 5)
    const worker = new Crc64Worker()
    try {
      // More chunks than may be in flight, so buffers come back and are reused, some too small.
      const cuts = [0, 1, 8, 9, 4096, 70_000, 70_001, 140_000, 200_003, 290_000, data.length]
      for (let i = 1; i < cuts.length; i++) await worker.update(data.subarray(cuts[i - 1], cuts[i]))
      expect(await worker.digest()).toBe(crcOnMainThread(data))
    } finally {
      await worker.close()
    }
  })

  it('gives the CRC of nothing when sent nothing', async () => {
    const worker = new Crc64Worker()
    try {
      expect(await worker.digest()).toBe('AAAAAAAAAAA=')
    } finally {
      await worker.close()
    }
  })

  it('rejects the digest when the worker fails to start', async () => {
    const worker = new Crc64Worker(thread('throw new Error("no module here")'))
    try {
      await expect(worker.digest()).rejects.toThrow('no module here')
      expect(() => worker.update(new Uint8Array(8))).toThrow('no module here')
    } finally {
      await worker.close()
    }
  })

  it('rejects a waiting update when the worker fails midway', async () => {
    const worker = new Crc64Worker(
      thread(`import { parentPort } from 'node:worker_threads'\nparentPort.on('message', () => { throw new Error('bad chunk') })`),
    )
    try {
      const sending = (async () => {
        for (let i = 0; i < 100; i++) await worker.update(new Uint8Array(16))
      })()
      await expect(sending).rejects.toThrow('bad chunk')
      await expect(worker.digest()).rejects.toThrow('bad chunk')
    } finally {
      await worker.close()
    }
  })

  it('rejects the digest when the worker exits on its own', async () => {
    const worker = new Crc64Worker(thread('process.exit(3)'))
    try {
      await expect(worker.digest()).rejects.toThrow('exited early (code 3)')
    } finally {
      await worker.close()
    }
  })
})

describe('hashFile with CRC64NVME on a worker thread', () => {
  const tmp = useTempDir()

  it.each([SYNC_READ_LIMIT + 1, CHUNK - 1, 2 * CHUNK, 2 * CHUNK + 1, 5 * CHUNK - 7])('gives the same digests as the main thread for %i bytes', async (size) => {
    const data = patternBytes(size, size)
    const path = tmp.write('f.bin', data)
    const request: DigestRequest = { md5: true, checksums: ['CRC64NVME', 'SHA256'], parts: { cut: { policy: { threshold: 0, partSize: 100_000, minPartSize: 1 } }, etag: true, composite: ['SHA256'] } }
    const onWorker = await hashFile(path, request, { chunkSize: CHUNK, workerThreshold: 0 })
    const onMain = await hashFile(path, request, { chunkSize: CHUNK, workerThreshold: Infinity })
    expect(onWorker).toEqual(onMain)
    expect(onWorker.checksums.CRC64NVME).toBe(crcOnMainThread(data))
  })

  it('stops at the abort signal, with the worker ended', async () => {
    const path = tmp.write('f.bin', patternBytes(1024 * KiB))
    const controller = new AbortController()
    let chunks = 0
    const hashing = hashFile(path, { md5: true, checksums: ['CRC64NVME'] }, {
      chunkSize: CHUNK,
      workerThreshold: 0,
      signal: controller.signal,
      onBytes: () => {
        if (++chunks === 3) controller.abort()
      },
    })
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' })
    expect(chunks).toBe(3)
  })
})
