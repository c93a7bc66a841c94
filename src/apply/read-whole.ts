import { open } from 'node:fs/promises'
import { SourceChangedError } from './source-changed-error.js'

/**
 * The whole file into `into` (at least one byte longer than `size`, so that a file that
 * grew shows), exactly the `size` bytes the plan saw: a file of another size, or one
 * modified while it is read (size or modification time differ afterwards), fails with
 * SourceChangedError rather than hand over bytes that are not one state of the file.
 */
export async function readWhole(path: string, size: number, into: Buffer): Promise<Buffer> {
  if (into.length <= size) throw new RangeError(`a buffer of ${into.length} bytes cannot tell a file of ${size} bytes that grew`)
  const handle = await open(path, 'r')
  try {
    const before = await handle.stat()
    if (before.size !== size) throw new SourceChangedError(`the file changed since the plan: ${before.size} bytes now, ${size} planned`)
    let filled = 0
    for (;;) {
      const { bytesRead } = await handle.read(into, filled, into.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
      if (filled > size) break
    }
    const after = await handle.stat()
    if (filled !== size || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new SourceChangedError(`the file changed while it was read for the upload: ${size} bytes planned, ${filled} read`)
    }
    return into.subarray(0, size)
  } finally {
    await handle.close()
  }
}
