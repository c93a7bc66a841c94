import { createWriteStream } from 'node:fs'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, createBrotliCompress, createGzip } from 'node:zlib'
import type { Compression } from '../plan/desired-object.js'
import { openRegular, type FileIdentity } from '../util/open-regular-file.js'

/** Highest gzip level: a site's files are compressed once per plan, and served many times. */
export const GZIP_LEVEL = 9
/**
 * Brotli quality 9 of 11: within a few percent of 11's size at about a tenth of its time,
 * which a plan that compresses a whole site pays every run.
 */
export const BROTLI_QUALITY = 9
/** The operating-system byte of gzip's header, fixed to Unix: zlib writes the platform's own. */
const GZIP_OS_UNIX = 3
const GZIP_OS_OFFSET = 9
/** Read size: fixed, so that the compressor sees the same input pieces on every run. */
const CHUNK = 64 * 1024

/**
 * Compresses `source` into `target`, deterministically: the same bytes in give the same
 * bytes out on every run and machine (with Node's bundled zlib and brotli), so an
 * unchanged file plans as unchanged. gzip at level 9 with the header zlib writes (no file
 * name, modification time 0) and the OS byte fixed; brotli at a fixed quality, generic
 * mode, and the file's size as the size hint. Streams: a file is never held whole.
 * Returns the compressed size. The source is opened as the regular file `identity` names,
 * when given (the one the manifest's confinement checked).
 */
export async function compressFile(source: string, target: string, coding: Compression, identity?: FileIdentity): Promise<number> {
  const handle = await openRegular(source, identity)
  const size = await handle.stat().then(
    (stats) => stats.size,
    async (error: unknown) => {
      await handle.close()
      throw error
    },
  )
  const compressor =
    coding === 'gzip'
      ? createGzip({ level: GZIP_LEVEL })
      : createBrotliCompress({
          params: {
            [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_GENERIC,
            [constants.BROTLI_PARAM_SIZE_HINT]: Math.min(size, 0xffffffff),
          },
        })
  let written = 0
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (coding === 'gzip' && written <= GZIP_OS_OFFSET && written + chunk.length > GZIP_OS_OFFSET) chunk[GZIP_OS_OFFSET - written] = GZIP_OS_UNIX
      written += chunk.length
      done(null, chunk)
    },
  })
  // The stream owns the handle from here and closes it.
  await pipeline(handle.createReadStream({ highWaterMark: CHUNK }), compressor, count, createWriteStream(target))
  return written
}
