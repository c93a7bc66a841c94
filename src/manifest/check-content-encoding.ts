import { brotliDecompressSync, constants } from 'node:zlib'
import type { Diagnostic } from '../errors/index.js'
import { mapBounded } from '../util/map-bounded.js'
import type { DesiredObject } from './desired-object.js'
import type { RawManifest } from './manifest.js'
import { readHead } from './read-head.js'
import { nodeAt, nodeRange, type YamlSource } from './yaml-source.js'

/** Enough of a brotli stream to tell it from anything else (a text file fails in its first bytes). */
const PROBE_BYTES = 4096
const PROBE_OUTPUT = 1 << 20
const FILES_IN_FLIGHT = 16
const NAMED_FILES = 3

/**
 * Files whose declared `contentEncoding` their bytes contradict: putplan uploads bytes as
 * they are, so a browser would fail to decode such an object. A warning, not an error: the
 * declaration may be deliberate. One warning per entry, at the declaration.
 *
 * gzip is told by its magic bytes (1f 8b). Brotli has no magic: the file's first 4 KiB are
 * decoded as a possibly cut-off stream (any prefix of a valid stream decodes; other data
 * fails within its first bytes), and a smaller file as a whole stream, which must also end
 * where the file ends. Only the outermost (last) coding of a list is checked.
 */
export async function checkContentEncoding(source: YamlSource, manifest: RawManifest, objects: readonly DesiredObject[]): Promise<Diagnostic[]> {
  // A compressed object's coding is putplan's own doing, not a claim about the file.
  const declared = objects.filter((object) => object.size > 0 && object.compress === undefined && checkable(object.options.contentEncoding) !== undefined)
  const contradicted = await mapBounded(declared, FILES_IN_FLIGHT, async (object) => {
    const coding = checkable(object.options.contentEncoding)!
    const head = await readHead(object.sourcePath, PROBE_BYTES, object.identity)
    return head !== undefined && !looksEncoded(coding, head, object.size <= PROBE_BYTES) ? object : undefined
  })
  const byEntry = new Map<number, DesiredObject[]>()
  for (const object of contradicted) {
    if (object !== undefined) byEntry.set(object.entry.index, [...(byEntry.get(object.entry.index) ?? []), object])
  }
  return [...byEntry.entries()].sort(([a], [b]) => a - b).map(([index, files]) => warning(source, manifest, index, files))
}

function warning(source: YamlSource, manifest: RawManifest, index: number, files: DesiredObject[]): Diagnostic {
  const coding = files[0]!.options.contentEncoding!
  const inEntry = manifest.uploads[index]?.contentEncoding !== undefined
  const path = inEntry ? ['uploads', index, 'contentEncoding'] : manifest.defaults?.contentEncoding !== undefined ? ['defaults', 'contentEncoding'] : ['uploads', index]
  const named = files.slice(0, NAMED_FILES).map((f) => f.source).join(', ')
  const more = files.length > NAMED_FILES ? ` and ${files.length - NAMED_FILES} more` : ''
  const what = checkable(coding) === 'gzip' ? 'gzip data (which begins with the bytes 1f 8b)' : 'brotli data'
  return {
    code: 'content-encoding-mismatch',
    severity: 'warning',
    summary: `contentEncoding ${JSON.stringify(coding)} is declared for ${files.length === 1 ? 'a file that is' : `${files.length} files that are`} not ${what}: ${named}${more}`,
    detail: 'putplan uploads the bytes as they are, and clients would fail to decode them: compress the files, or remove contentEncoding',
    file: source.file,
    range: nodeRange(source, nodeAt(source, path)),
    ...(files.length === 1 ? { key: files[0]!.key } : {}),
  }
}

/** The outermost coding, when it is one this check can recognise. */
function checkable(contentEncoding: string | undefined): 'gzip' | 'br' | undefined {
  const outermost = contentEncoding?.split(',').at(-1)?.trim().toLowerCase()
  if (outermost === 'gzip' || outermost === 'x-gzip') return 'gzip'
  return outermost === 'br' ? 'br' : undefined
}

/** `whole`: the head is the whole file, so a brotli stream must also end where it ends. */
function looksEncoded(coding: 'gzip' | 'br', head: Buffer, whole: boolean): boolean {
  if (coding === 'gzip') return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  try {
    const finishFlush = whole ? constants.BROTLI_OPERATION_FINISH : constants.BROTLI_OPERATION_FLUSH
    brotliDecompressSync(head, { finishFlush, maxOutputLength: PROBE_OUTPUT })
    return true
  } catch (error) {
    // More output than the probe allows: it decodes, so it is brotli.
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
  }
}
