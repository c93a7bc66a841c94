import { createHash } from 'node:crypto'
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
 * What, besides the coding, decides the bytes `compressFile` makes: a state record that
 * names other settings describes another compression, and the file is compressed again.
 * Derived from the constants, so changing one of them changes it.
 */
export function compressionSettings(coding: Compression): string {
  const level = coding === 'gzip' ? `level ${GZIP_LEVEL}, os ${GZIP_OS_UNIX}` : `quality ${BROTLI_QUALITY}, generic, size hint`
  return `${coding} ${level}, read ${CHUNK}`
}

/** What `compressFile` made: the copy's size, and the source's size and SHA-256 (base64) as read for it. */
export interface Compressed {
  size: number
  source: { size: number; sha256: string }
}

/**
 * Compresses `source` into `target`, deterministically: the same bytes in give the same
 * bytes out on every run and machine (with Node's bundled zlib and brotli), so an
 * unchanged file plans as unchanged. gzip at level 9 with the header zlib writes (no file
 * name, modification time 0) and the OS byte fixed; brotli at a fixed quality, generic
 * mode, and the file's size as the size hint. Streams: a file is never held whole.
 * The same read hashes the source (SHA-256), which the state record keeps to know the file
 * again without compressing it. The source is opened as the regular file `identity` names,
 * when given (the one the manifest's confinement checked).
 */
export async function compressFile(source: string, target: string, coding: Compression, identity?: FileIdentity): Promise<Compressed> {
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
  const sha256 = createHash('sha256')
  let read = 0
  const hash = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      sha256.update(chunk)
      read += chunk.length
      done(null, chunk)
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
  await pipeline(handle.createReadStream({ highWaterMark: CHUNK }), hash, compressor, count, createWriteStream(target))
  return { size: written, source: { size: read, sha256: sha256.digest('base64') } }
}
