import { closeSync, fstatSync, readvSync } from 'node:fs'
import { openRegularSync, type FileIdentity } from '../util/open-regular-file.js'
import { SourceChangedError } from './source-changed-error.js'

/**
 * The whole file into the blocks `into` (together at least one byte longer than `size`, so
 * that a file that grew shows), exactly the `size` bytes the plan saw, as views of the
 * blocks in order: a file of another size, or one modified while it is read (size or
 * modification time differ afterwards), fails with SourceChangedError rather than hand
 * over bytes that are not one state of the file. With `identity`, the file opened must be
 * the one the path named when it was checked (see `openRegularSync`).
 *
 * Blocking calls: the thread that hashes the bytes next has nothing else to do meanwhile,
 * and the eight thread-pool round trips of the asynchronous calls per file cost more
 * than the few milliseconds of reading (bench/README.md, eleventh round).
 */
export function readWhole(path: string, size: number, into: readonly Buffer[], identity?: FileIdentity): Buffer[] {
  const capacity = into.reduce((sum, block) => sum + block.length, 0)
  if (capacity <= size) throw new RangeError(`blocks of ${capacity} bytes cannot tell a file of ${size} bytes that grew`)
  const fd = openRegularSync(path, identity)
  try {
    const before = fstatSync(fd)
    if (before.size !== size) throw new SourceChangedError(`the file changed since the plan: ${before.size} bytes now, ${size} planned`)
    let filled = 0
    // One vectored read fills every block; it may stop short, and the next one goes on from there.
    while (filled <= size) {
      const bytesRead = readvSync(fd, viewsOf(into, filled, capacity), filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    const after = fstatSync(fd)
    if (filled !== size || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new SourceChangedError(`the file changed while it was read for the upload: ${size} bytes planned, ${filled} read`)
    }
    return viewsOf(into, 0, size)
  } finally {
    closeSync(fd)
  }
}

/** Bytes `from` to `to` of the blocks laid end to end, as views of them (none empty). */
export function viewsOf(blocks: readonly Buffer[], from: number, to: number): Buffer[] {
  const views: Buffer[] = []
  let start = 0
  for (const block of blocks) {
    const end = start + block.length
    if (end > from && start < to) views.push(block.subarray(Math.max(from, start) - start, Math.min(to, end) - start))
    start = end
  }
  return views
}
