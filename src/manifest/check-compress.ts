import path from 'node:path'
import type { Diagnostic } from '../errors/index.js'
import { mapBounded } from '../util/map-bounded.js'
import type { DesiredObject } from './desired-object.js'
import type { RawManifest } from './manifest.js'
import { readHead } from './read-head.js'
import { compileRules, firstRule, type CompiledRule } from './resolve-options.js'
import { nodeAt, nodeRange, type JsonPath, type YamlSource } from './yaml-source.js'

/** Formats that are compressed already: compressing them again costs time and saves nothing, and a browser would decode twice. */
const COMPRESSED_EXTENSIONS = new Set([
  '.gz', '.tgz', '.br', '.zst', '.zstd', '.zip', '.bz2', '.xz', '.lz', '.lzma', '.7z', '.rar',
  '.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.heic', '.jxl',
  '.woff', '.woff2', '.mp3', '.mp4', '.m4a', '.m4v', '.webm', '.ogg', '.mov', '.aac', '.flac',
])

/** First bytes of compressed formats, for files whose name does not say. */
const MAGIC: ReadonlyArray<[string, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['PNG', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG', [0xff, 0xd8, 0xff]],
  ['GIF', [0x47, 0x49, 0x46, 0x38]],
  ['WOFF2', [0x77, 0x4f, 0x46, 0x32]],
  ['WOFF', [0x77, 0x4f, 0x46, 0x46]],
]
const HEAD_BYTES = 8
const FILES_IN_FLIGHT = 16

/**
 * Objects with `compress` whose file is already compressed (by its extension or its first
 * bytes), or that also declare `contentEncoding` (compress sets it): errors at the
 * `compress` that applies to the object, naming the file.
 */
export async function checkCompress(source: YamlSource, manifest: RawManifest, objects: readonly DesiredObject[]): Promise<Diagnostic[]> {
  const rules = compileRules(manifest.rules)
  const compressed = objects.filter((object) => object.compress !== undefined)
  const problems = await mapBounded(compressed, FILES_IN_FLIGHT, async (object): Promise<Diagnostic | undefined> => {
    const at = { file: source.file, range: nodeRange(source, nodeAt(source, compressPath(manifest, rules, object))), key: object.key }
    if (declaredEncoding(manifest, rules, object) !== undefined) {
      return {
        code: 'conflicting-fields',
        summary: `"${object.source}" has both compress and contentEncoding`,
        detail: 'compress sets Content-Encoding itself: remove contentEncoding (which alone suits files compressed already)',
        ...at,
      }
    }
    const format = COMPRESSED_EXTENSIONS.has(path.extname(object.source).toLowerCase()) ? `a ${path.extname(object.source)} file` : await magicFormat(object.sourcePath)
    if (format === undefined) return undefined
    return {
      code: 'already-compressed',
      summary: `"${object.source}" is already compressed (${format}): compress: ${object.compress} would compress it again`,
      detail: 'expected compress only for text-like files (html, css, js, json, svg...): exclude this file from the entry or rule that compresses it',
      ...at,
    }
  })
  return problems.filter((problem): problem is Diagnostic => problem !== undefined)
}

/** Where the object's `compress` is written: its entry, else its first matching rule (entries and rules alone may declare it). */
function compressPath(manifest: RawManifest, rules: readonly CompiledRule[], object: DesiredObject): JsonPath {
  if (manifest.uploads[object.entry.index]?.compress !== undefined) return ['uploads', object.entry.index, 'compress']
  return ['rules', firstRule(rules, object.key)!.index, 'compress']
}

function declaredEncoding(manifest: RawManifest, rules: readonly CompiledRule[], object: DesiredObject): string | undefined {
  return manifest.uploads[object.entry.index]?.contentEncoding ?? firstRule(rules, object.key)?.options.contentEncoding ?? manifest.defaults?.contentEncoding
}

async function magicFormat(file: string): Promise<string | undefined> {
  const head = await readHead(file, HEAD_BYTES)
  if (head === undefined) return undefined
  return MAGIC.find(([, bytes]) => head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte))?.[0].concat(' data')
}
