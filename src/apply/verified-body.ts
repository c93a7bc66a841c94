import { closeSync, createReadStream, readSync } from 'node:fs'
import { Readable, Transform, pipeline } from 'node:stream'
import { openRegularSync, type FileIdentity } from '../util/open-regular-file.js'
import type { BodyCheck } from './body-check.js'
import { SourceChangedError } from './source-changed-error.js'

/** Bytes per read: a body in flight holds about two of these (file stream and check). */
export const BODY_CHUNK_SIZE = 256 * 1024

/**
 * Ranges up to this size are read whole with blocking calls and checked before any byte
 * goes out: for a small file, the thread-pool round trips and stream plumbing of a file
 * stream cost several times the reading.
 */
export const SMALL_BODY_LIMIT = 64 * 1024

export interface VerifiedBodyOptions {
  path: string
  /** Byte range of the file this body sends. */
  start: number
  length: number
  /** The digest the range must have; the last chunk is held back until it is confirmed. */
  check: BodyCheck
  /** Names the range in messages: "the file", "part 3". */
  what: string
  /** The file every open must find (see `openRegularSync`): not one a link swapped since leads to. */
  identity?: FileIdentity
  signal?: AbortSignal
  /** New bytes of this range read for the first time (retries re-read without counting again). */
  onBytes?: (delta: number) => void
}

/**
 * A request body that reopens the file on every attempt (so the client can retry it),
 * streams a byte range of it, and fails the request rather than send bytes the plan did
 * not hash: the check's digest is computed while streaming, and the final chunk goes out
 * only when it matches (a small range is read and checked whole first). Once a mismatch
 * is seen, later attempts fail at once. An abort of the signal cuts a streamed body.
 */
export class VerifiedBody {
  /** Times the body was opened: the request's attempts. */
  attempts = 0
  /** Set when the bytes differed from the expected MD5. */
  mismatch: SourceChangedError | undefined
  private counted = 0

  constructor(private readonly options: VerifiedBodyOptions) {}

  /** The `RequestBody` factory. */
  readonly open = (): Readable | Buffer => {
    this.attempts++
    const { signal } = this.options
    if (this.mismatch) return failed(this.mismatch)
    if (signal?.aborted) return failed(signal.reason)
    if (this.options.length === 0) return Readable.from([], { objectMode: false })
    if (this.options.length <= SMALL_BODY_LIMIT) return this.small()
    let fd: number
    try {
      fd = openRegularSync(this.options.path, this.options.identity)
    } catch (error) {
      return failed(error)
    }
    const source = createReadStream(this.options.path, {
      fd,
      start: this.options.start,
      end: this.options.start + this.options.length - 1,
      highWaterMark: BODY_CHUNK_SIZE,
    })
    return destroyOnAbort(pipeline(source, this.checking(), () => undefined), signal)
  }

  /**
   * The whole range in memory, sent only when its length and digest are the planned ones: as
   * bytes, which the client writes at once, without a stream's plumbing.
   */
  private small(): Readable | Buffer {
    const { path, start, length, identity } = this.options
    let bytes: Buffer
    try {
      bytes = readRange(path, start, length, identity)
    } catch (error) {
      return failed(error)
    }
    if (bytes.length > this.counted) {
      this.options.onBytes?.(bytes.length - this.counted)
      this.counted = bytes.length
    }
    if (bytes.length < length) return failed(this.shortBy(bytes.length))
    const hasher = this.options.check.hasher()
    hasher.update(bytes)
    if (hasher.digest() !== this.options.check.value) return failed(this.differs())
    return bytes
  }

  private checking(): Transform {
    const { length, check } = this.options
    const hasher = check.hasher()
    let read = 0
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        hasher.update(chunk)
        read += chunk.length
        if (read > this.counted) {
          this.options.onBytes?.(read - this.counted)
          this.counted = read
        }
        if (read === length && hasher.digest() !== check.value) {
          callback(this.differs())
          return
        }
        callback(null, chunk)
      },
      flush: (callback) => {
        callback(read < length ? this.shortBy(read) : null)
      },
    })
  }

  private differs(): SourceChangedError {
    const { what, check } = this.options
    this.mismatch = new SourceChangedError(`${what} changed since the plan: its bytes no longer have the planned ${check.name}`)
    return this.mismatch
  }

  private shortBy(read: number): SourceChangedError {
    this.mismatch = new SourceChangedError(`${this.options.what} changed since the plan: ${read} bytes read, ${this.options.length} planned`)
    return this.mismatch
  }
}

/** An abort of `signal` cuts the body in flight, failing it with the signal's reason. */
function destroyOnAbort<T extends Readable>(body: T, signal: AbortSignal | undefined): T {
  if (signal) {
    const onAbort = (): void => {
      body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    body.once('close', () => signal.removeEventListener('abort', onAbort))
  }
  return body
}

/** Up to `length` bytes of the file from `start`; fewer when the file is shorter. */
function readRange(path: string, start: number, length: number, identity: FileIdentity | undefined): Buffer {
  const fd = openRegularSync(path, identity)
  try {
    const bytes = Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      const read = readSync(fd, bytes, filled, length - filled, start + filled)
      if (read === 0) break
      filled += read
    }
    return bytes.subarray(0, filled)
  } finally {
    closeSync(fd)
  }
}

/** A body that fails when first read (not before: nobody may be listening yet). */
function failed(reason: unknown): Readable {
  const error = reason instanceof Error ? reason : new Error(String(reason))
  return new Readable({
    read() {
      this.destroy(error)
    },
  })
}
