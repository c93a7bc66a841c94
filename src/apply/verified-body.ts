import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable, Transform, pipeline } from 'node:stream'
import { SourceChangedError } from './source-changed-error.js'

/** Bytes per read: a body in flight holds about two of these (file stream and check). */
export const BODY_CHUNK_SIZE = 256 * 1024

export interface VerifiedBodyOptions {
  path: string
  /** Byte range of the file this body sends. */
  start: number
  length: number
  /** Hex MD5 the range must have; the last chunk is held back until it is confirmed. */
  expectedMd5: string
  /** Names the range in messages: "the file", "part 3". */
  what: string
  signal?: AbortSignal
  /** New bytes of this range read for the first time (retries re-read without counting again). */
  onBytes?: (delta: number) => void
}

/**
 * A request body that reopens the file on every attempt (so the client can retry it),
 * streams a byte range of it, and fails the request rather than send bytes the plan did
 * not hash: the MD5 is computed while streaming and the final chunk goes out only when
 * it matches. Once a mismatch is seen, later attempts fail at once. An abort of the
 * signal cuts the body in flight.
 */
export class VerifiedBody {
  /** Times the body was opened: the request's attempts. */
  attempts = 0
  /** Set when the bytes differed from the expected MD5. */
  mismatch: SourceChangedError | undefined
  private counted = 0

  constructor(private readonly options: VerifiedBodyOptions) {}

  /** The `RequestBody` factory. */
  readonly open = (): Readable => {
    this.attempts++
    const { signal } = this.options
    if (this.mismatch) return failed(this.mismatch)
    if (signal?.aborted) return failed(signal.reason)
    if (this.options.length === 0) return Readable.from([], { objectMode: false })
    const source = createReadStream(this.options.path, {
      start: this.options.start,
      end: this.options.start + this.options.length - 1,
      highWaterMark: BODY_CHUNK_SIZE,
    })
    const checked = pipeline(source, this.check(), () => undefined)
    if (signal) {
      const onAbort = (): void => {
        checked.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      checked.once('close', () => signal.removeEventListener('abort', onAbort))
    }
    return checked
  }

  private check(): Transform {
    const { length, expectedMd5, what } = this.options
    const md5 = createHash('md5')
    let read = 0
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        md5.update(chunk)
        read += chunk.length
        if (read > this.counted) {
          this.options.onBytes?.(read - this.counted)
          this.counted = read
        }
        if (read === length) {
          const actual = md5.digest('hex')
          if (actual !== expectedMd5) {
            this.mismatch = new SourceChangedError(`${what} changed since the plan: its bytes no longer have the planned MD5`)
            callback(this.mismatch)
            return
          }
        }
        callback(null, chunk)
      },
      flush: (callback) => {
        if (read < length) {
          this.mismatch = new SourceChangedError(`${what} changed since the plan: ${read} bytes read, ${length} planned`)
          callback(this.mismatch)
          return
        }
        callback()
      },
    })
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
