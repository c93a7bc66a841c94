import type { LocalDigest } from '../plan/local-digest.js'
import { hashFile, type HashFileOptions } from './hash-file.js'
import { mapBounded } from '../util/map-bounded.js'

export interface HashProgress {
  filesDone: number
  filesTotal: number
  /** Files being read right now; never more than the concurrency. */
  filesActive: number
  bytesDone: number
}

export interface HashFilesOptions extends Omit<HashFileOptions, 'onBytes'> {
  /** Files read at once. Each holds two chunk buffers, so memory stays bounded. */
  concurrency?: number
  onProgress?: (progress: HashProgress) => void
}

export const DEFAULT_HASH_CONCURRENCY = 8

/**
 * Hashes many files, a bounded number at a time, returning digests in input order.
 * Progress leaves as events; nothing is printed. Fails with the first file's error.
 */
export async function hashFiles(paths: readonly string[], options: HashFilesOptions = {}): Promise<LocalDigest[]> {
  const { concurrency = DEFAULT_HASH_CONCURRENCY, onProgress, ...hashOptions } = options
  const progress: HashProgress = { filesDone: 0, filesTotal: paths.length, filesActive: 0, bytesDone: 0 }
  const report = () => onProgress?.({ ...progress })

  return mapBounded(paths, concurrency, async (path) => {
    progress.filesActive++
    report()
    try {
      return await hashFile(path, {
        ...hashOptions,
        onBytes: (bytes) => {
          progress.bytesDone += bytes
          report()
        },
      })
    } finally {
      progress.filesActive--
      progress.filesDone++
      report()
    }
  })
}
