import type { ChecksumAlgorithm, LocalDigest } from '../plan/local-digest.js'
import { Crc64Worker } from './crc64-worker.js'
import { createChecksumHasher, createMd5Hasher, type Hasher } from './hasher.js'
import { MultipartHasher } from './multipart-hasher.js'
import { DEFAULT_MULTIPART_POLICY, isMultipart, partSizeFor, type MultipartPolicy } from './part-size.js'
import { readOnce, SYNC_READ_LIMIT } from './read-once.js'

export interface HashFileOptions {
  /** Full-object checksums to compute. */
  algorithms?: readonly ChecksumAlgorithm[]
  /** How apply would split the file; `false` when it never would. */
  multipart?: MultipartPolicy | false
  /**
   * Whether to compute the whole-file MD5, given the size at open; always when absent. A
   * single PutObject sends it as Content-MD5; a file uploaded in parts needs it only as
   * evidence against a single-part copy in the bucket.
   */
  md5?: (size: number) => boolean
  /** Whether a file cut into parts gets its multipart ETag (an MD5 per part); true when absent. */
  multipartEtag?: boolean
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
}

export const DEFAULT_WORKER_THRESHOLD = 64 * 1024 * 1024

/**
 * Everything the plan needs to know about a file's bytes, from a single read: the MD5 (as
 * `md5` decides), the requested full-object checksums and, for a file apply would upload
 * in parts, its part size and count, the multipart ETag (as `multipartEtag` decides) and
 * composite checksums. Throws FileChangedError if the file changes while it is read.
 */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<LocalDigest> {
  const algorithms = [...new Set(options.algorithms ?? [])]
  const policy = options.multipart === undefined ? DEFAULT_MULTIPART_POLICY : options.multipart
  const workerThreshold = Math.max(options.workerThreshold ?? DEFAULT_WORKER_THRESHOLD, SYNC_READ_LIMIT)
  let md5: Hasher | undefined
  let checksums: [ChecksumAlgorithm, Hasher][] = []
  let hashers: Hasher[] = []
  let multipart: MultipartHasher | undefined
  let crcWorker: Crc64Worker | undefined

  // The size at open decides the parts and the work; readOnce fails if the size read differs.
  const onOpen = (size: number): void => {
    if (options.md5?.(size) ?? true) md5 = createMd5Hasher()
    if (policy && isMultipart(size, policy)) {
      multipart = new MultipartHasher(partSizeFor(size, policy), algorithms, { etag: options.multipartEtag ?? true })
    }
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
        options.onBytes?.(chunk.length)
        return caughtUp
      },
      { chunkSize: options.chunkSize, signal: options.signal, onOpen },
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
