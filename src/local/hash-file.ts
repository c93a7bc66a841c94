import type { ChecksumAlgorithm, LocalDigest } from '../plan/local-digest.js'
import { Crc64Worker } from './crc64-worker.js'
import { partsAt, wantsMd5, type DigestRequest } from './digest-request.js'
import { createChecksumHasher, createMd5Hasher, type Hasher } from './hasher.js'
import { MultipartHasher } from './multipart-hasher.js'
import { readOnce, SYNC_READ_LIMIT } from './read-once.js'
import type { FileIdentity } from '../util/open-regular-file.js'

/** How a file is read and hashed; what is computed is the `DigestRequest`. */
export interface HashRunOptions {
  /**
   * Files larger than this compute CRC64NVME on a worker thread while this one does the
   * MD5s. Starting a thread costs about 20 ms, which the parallel hashing of a smaller file
   * does not win back.
   */
  workerThreshold?: number
  /** Bytes per read. */
  chunkSize?: number
  signal?: AbortSignal
  /** Called after each chunk with its length, for progress. */
  onBytes?: (bytes: number) => void
  /** The file the path must still be when opened (see `readOnce`). */
  identity?: FileIdentity
}

export const DEFAULT_WORKER_THRESHOLD = 64 * 1024 * 1024

/**
 * Everything `request` asks of a file's bytes, from a single read: the MD5, the full-object
 * checksums and, for a file cut into parts at its size, the multipart ETag and composite
 * checksums. Throws FileChangedError if the file changes while it is read.
 */
export async function hashFile(path: string, request: DigestRequest, run: HashRunOptions = {}): Promise<LocalDigest> {
  const algorithms = [...new Set(request.checksums)]
  const workerThreshold = Math.max(run.workerThreshold ?? DEFAULT_WORKER_THRESHOLD, SYNC_READ_LIMIT)
  let md5: Hasher | undefined
  let checksums: [ChecksumAlgorithm, Hasher][] = []
  let hashers: Hasher[] = []
  let multipart: MultipartHasher | undefined
  let crcWorker: Crc64Worker | undefined

  // The size at open decides the parts and the work; readOnce fails if the size read differs.
  const onOpen = (size: number): void => {
    if (wantsMd5(request, size)) md5 = createMd5Hasher()
    const parts = request.parts && partsAt(request.parts.cut, size)
    if (parts) multipart = new MultipartHasher(parts.sizes, { etag: request.parts!.etag, composite: request.parts!.composite }, parts.partSize)
    // A second core pays only while this one has MD5s or other digests to compute meanwhile.
    const otherWork = md5 !== undefined || multipart?.hashing === true || algorithms.length > 1
    const offload = algorithms.includes('CRC64NVME') && size > workerThreshold && otherWork
    if (offload) crcWorker = new Crc64Worker()
    checksums = algorithms.filter((a) => !(offload && a === 'CRC64NVME')).map((a) => [a, createChecksumHasher(a)])
    hashers = [...(md5 ? [md5] : []), ...checksums.map(([, h]) => h)]
  }

  try {
    const size = await readOnce(
      path,
      (chunk) => {
        // First, so that the worker hashes while this thread does.
        const caughtUp = crcWorker?.update(chunk)
        for (const h of hashers) h.update(chunk)
        multipart?.update(chunk)
        run.onBytes?.(chunk.length)
        return caughtUp
      },
      { chunkSize: run.chunkSize, signal: run.signal, onOpen, identity: run.identity },
    )
    const digest: LocalDigest = { size, checksums: Object.fromEntries(checksums.map(([a, h]) => [a, h.digest()])) }
    if (md5) digest.md5 = md5.digest()
    if (crcWorker) digest.checksums.CRC64NVME = await crcWorker.digest()
    if (multipart) digest.multipart = multipart.digest()
    return digest
  } finally {
    await crcWorker?.close()
  }
}
