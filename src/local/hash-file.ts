import type { ChecksumAlgorithm, LocalDigest } from '../plan/local-digest.js'
import { createChecksumHasher, createMd5Hasher, type Hasher } from './hasher.js'
import { MultipartHasher } from './multipart-hasher.js'
import { DEFAULT_MULTIPART_POLICY, isMultipart, partSizeFor, type MultipartPolicy } from './part-size.js'
import { readOnce } from './read-once.js'

export interface HashFileOptions {
  /** Full-object checksums to compute, besides the MD5 that is always computed. */
  algorithms?: readonly ChecksumAlgorithm[]
  /** How apply would split the file; `false` when it never would. */
  multipart?: MultipartPolicy | false
  /** Bytes per read. */
  chunkSize?: number
  signal?: AbortSignal
  /** Called after each chunk with its length, for progress. */
  onBytes?: (bytes: number) => void
}

/**
 * Everything the plan needs to know about a file's bytes, from a single read: the MD5, the
 * requested full-object checksums and, for a file apply would upload in parts, the
 * multipart ETag and composite checksums. Throws FileChangedError if the file changes
 * while it is read.
 */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<LocalDigest> {
  const algorithms = [...new Set(options.algorithms ?? [])]
  const policy = options.multipart === undefined ? DEFAULT_MULTIPART_POLICY : options.multipart
  const md5 = createMd5Hasher()
  const checksums = algorithms.map((a) => [a, createChecksumHasher(a)] as const)
  const hashers: Hasher[] = [md5, ...checksums.map(([, h]) => h)]
  let multipart: MultipartHasher | undefined

  const size = await readOnce(
    path,
    (chunk) => {
      for (const h of hashers) h.update(chunk)
      multipart?.update(chunk)
      options.onBytes?.(chunk.length)
    },
    {
      chunkSize: options.chunkSize,
      signal: options.signal,
      // The size at open decides the parts; readOnce fails if the size read differs.
      onOpen: (openSize) => {
        if (policy && isMultipart(openSize, policy)) {
          multipart = new MultipartHasher(partSizeFor(openSize, policy), algorithms)
        }
      },
    },
  )

  const digest: LocalDigest = {
    size,
    md5: md5.digest(),
    checksums: Object.fromEntries(checksums.map(([a, h]) => [a, h.digest()])),
  }
  if (multipart) digest.multipart = multipart.digest()
  return digest
}

/**
 * The ETag a multipart upload of this file in parts of `partSize` would have, for objects
 * another tool uploaded with its own part size (which HeadObject with `partNumber=1`
 * reveals). Reads the file once more; throws FileChangedError if it changes meanwhile.
 */
export async function recomputeMultipartEtag(
  path: string,
  partSize: number,
  options: Pick<HashFileOptions, 'chunkSize' | 'signal' | 'onBytes'> = {},
): Promise<string> {
  const parts = new MultipartHasher(partSize)
  await readOnce(
    path,
    (chunk) => {
      parts.update(chunk)
      options.onBytes?.(chunk.length)
    },
    { chunkSize: options.chunkSize, signal: options.signal },
  )
  return parts.digest().etag
}
