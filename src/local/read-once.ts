import { closeSync, fstatSync, readSync, type Stats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { openRegular, openRegularSync, type FileIdentity } from '../util/open-regular-file.js'
import { FileChangedError } from './file-changed-error.js'

export interface ReadOnceOptions {
  /** Bytes per read; the memory a read holds is twice this (two alternating buffers). */
  chunkSize?: number
  signal?: AbortSignal
  /** Called before the first chunk with the size the file has at open. */
  onOpen?: (size: number) => void
  /** The file the path must still be when opened (the one checked to lie inside the work tree). */
  identity?: FileIdentity
}

export const DEFAULT_CHUNK_SIZE = 1024 * 1024

/**
 * Files up to this size are read with blocking calls: for a small file the trips through
 * libuv's thread pool (open, stat, read, stat, close) cost several times the reading.
 */
export const SYNC_READ_LIMIT = 64 * 1024

/**
 * Reads a file from start to end exactly once, handing every chunk to `onChunk`, which
 * must consume it synchronously: the buffer is reused. The next read is already under
 * way while `onChunk` runs, so disk and hashing overlap. A promise `onChunk` returns holds
 * the next chunk back until it settles (a consumer on another thread catching up); files
 * of at most SYNC_READ_LIMIT bytes are read without waiting, so it must not matter there.
 *
 * Throws FileChangedError when the bytes read differ from the size at open, or when size
 * or modification time differ after the read: digests of a moving file are worthless.
 */
export async function readOnce(
  path: string,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
  options: ReadOnceOptions = {},
): Promise<number> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
  const small = readSmallOnce(path, onChunk, options, chunkSize)
  if (small !== undefined) return small
  await chunkReads.enter()
  const taken: Buffer[] = []
  let handle: FileHandle | undefined
  let pending: Promise<unknown> | undefined
  try {
    handle = await openRegular(path, options.identity)
    const before = await handle.stat()
    const expected = before.size
    options.onOpen?.(expected)
    // No bigger than the file: two chunk-sized buffers per small file are mostly garbage
    // collection. One byte more than the size, so that a file that grew shows.
    const bufferSize = Math.min(chunkSize, expected + 1)
    let current = chunkReads.buffer(bufferSize)
    let spare = chunkReads.buffer(bufferSize)
    taken.push(current, spare)
    let position = 0
    let read = handle.read(current, 0, bufferSize, 0)
    pending = read
    for (;;) {
      const { bytesRead } = await read
      if (bytesRead === 0) break
      position += bytesRead
      // A file that keeps growing would otherwise be read forever.
      if (position > expected) break
      const chunk = current.subarray(0, bytesRead)
      ;[current, spare] = [spare, current]
      read = handle.read(current, 0, bufferSize, position)
      pending = read
      options.signal?.throwIfAborted()
      const caughtUp = onChunk(chunk)
      if (caughtUp) await caughtUp
    }
    checkUnchanged(path, expected, position, before, await handle.stat())
    return position
  } finally {
    try {
      // A read may still be in flight when a chunk handler or the signal threw.
      await pending?.catch(() => undefined)
      await handle?.close()
    } finally {
      chunkReads.leave(taken)
    }
  }
}

/**
 * Turns to read a file in chunks, each with two buffers that are kept for the next turn
 * (so never more than twice `maxReading`). Hashing runs on this thread, so more readers
 * gain nothing; and fresh buffers per file are garbage V8 collects late (it counts them as
 * external memory): a plan of two hundred files of a few MiB, hashed sixteen at a time
 * with fresh buffers, peaked at about 170 MB RSS against 100 MB.
 */
class ChunkReads {
  private readonly spare: Buffer[] = []
  private reading = 0
  private readonly queue: (() => void)[] = []

  constructor(
    private readonly chunkSize: number,
    private readonly maxReading: number,
  ) {}

  /** Waits for a turn to read. */
  async enter(): Promise<void> {
    if (this.reading < this.maxReading) this.reading++
    // A reader that leaves hands its turn over.
    else await new Promise<void>((resolve) => this.queue.push(resolve))
  }

  /** `length` bytes: a kept chunk when it is more than half one (else a buffer of its own). */
  buffer(length: number): Buffer {
    if (length <= this.chunkSize / 2 || length > this.chunkSize) return Buffer.allocUnsafe(length)
    return (this.spare.pop() ?? Buffer.allocUnsafeSlow(this.chunkSize)).subarray(0, length)
  }

  /** Ends a turn; `buffers` are no longer read into or held by anyone. */
  leave(buffers: readonly Buffer[]): void {
    for (const b of buffers) if (b.buffer.byteLength === this.chunkSize) this.spare.push(Buffer.from(b.buffer, 0, this.chunkSize))
    const next = this.queue.shift()
    if (next) next()
    else this.reading--
  }
}

const MAX_CHUNKED_READS = 4
const chunkReads = new ChunkReads(DEFAULT_CHUNK_SIZE, MAX_CHUNKED_READS)

/**
 * readOnce for a file of at most SYNC_READ_LIMIT bytes at open, with the same checks, in
 * blocking calls; `undefined` (file closed, nothing read) when the file is larger.
 */
function readSmallOnce(path: string, onChunk: (chunk: Uint8Array) => unknown, options: ReadOnceOptions, chunkSize: number): number | undefined {
  const fd = openRegularSync(path, options.identity)
  try {
    const before = fstatSync(fd)
    if (before.size > SYNC_READ_LIMIT) return undefined
    const expected = before.size
    options.onOpen?.(expected)
    const bufferSize = Math.min(chunkSize, expected + 1)
    const buffer = Buffer.allocUnsafe(bufferSize)
    let position = 0
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, bufferSize, position)
      if (bytesRead === 0) break
      position += bytesRead
      if (position > expected) break
      options.signal?.throwIfAborted()
      onChunk(buffer.subarray(0, bytesRead))
    }
    checkUnchanged(path, expected, position, before, fstatSync(fd))
    return position
  } finally {
    closeSync(fd)
  }
}

/**
 * The file read is the file opened: every byte of it, and nothing changed meanwhile.
 * `mtimeMs` resolves a fraction of a microsecond; BigInt stats, exact to the nanosecond,
 * cost two heavy objects per file, a tenth of what a plan of small files allocated.
 */
function checkUnchanged(path: string, expected: number, position: number, before: Stats, after: Stats): void {
  if (position !== expected) {
    throw new FileChangedError(path, expected, position, `${expected} bytes at open, ${position} read`)
  }
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new FileChangedError(path, expected, position, 'modified during the read')
  }
}
