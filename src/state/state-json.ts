import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { StateDocument } from './state-record.js'

/** Pieces of about this many characters: some fifty for ten thousand records, none of them large. */
const PIECE_CHARACTERS = 64 * 1024

/**
 * The state record's body as S3 needs it (length and hex MD5 first, then the bytes), without
 * ever holding the whole text: ten thousand records are megabytes, and holding them once
 * as a string and once as bytes was the peak of a small apply. The text is made twice
 * instead, which costs milliseconds.
 */
export function stateBody(document: StateDocument): { open: () => Readable; contentLength: number; md5: string } {
  const md5 = createHash('md5')
  let contentLength = 0
  for (const piece of stateJsonPieces(document)) {
    md5.update(piece, 'utf8')
    contentLength += Buffer.byteLength(piece, 'utf8')
  }
  return {
    open: () => Readable.from(stateJsonPieces(document), { objectMode: false }),
    contentLength,
    md5: md5.digest('hex'),
  }
}

/** `JSON.stringify(document)` and a newline, in pieces: the same text, character for character. */
export function* stateJsonPieces(document: StateDocument): Generator<string> {
  const { objects, ...rest } = document
  let piece = `${JSON.stringify(rest).slice(0, -1)},"objects":{`
  let first = true
  // Object.keys orders keys as JSON.stringify does (integer-like keys first).
  for (const key of Object.keys(objects)) {
    piece += `${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(objects[key])}`
    first = false
    if (piece.length >= PIECE_CHARACTERS) {
      yield piece
      piece = ''
    }
  }
  yield `${piece}}}\n`
}
