import type { Diagnostic } from '../errors/index.js'
import { optionsWhere } from '../plan/option-table.js'
import type { PutOptions } from '../plan/put-options.js'
import type { RawManifest } from './manifest.js'
import { keyNodeAt, nodeAt, nodeRange, type JsonPath, type YamlSource } from './yaml-source.js'

/**
 * S3's limit on user metadata: the sum of the UTF-8 bytes of every name and value (the
 * `x-amz-meta-` prefix not counted), at most 2 KB on a PUT.
 */
export const MAX_METADATA_BYTES = 2048

/** Options sent as their text in one header (free text; enums and patterns are the schema's). */
const TEXT_HEADERS = optionsWhere((spec) => spec.encoding === 'text' && spec.role !== 'pin' && spec.role !== 'condition')

/** What one HTTP header value can carry: visible ASCII, and spaces or tabs between. */
const HEADER_TEXT = /^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/

/**
 * Values that S3 cannot store as written, checked where they are declared (`defaults` and
 * each entry; maps are replaced whole, never merged, so each declared map is what some
 * objects get): user metadata over 2 KB or with two names S3 would fold into one (it
 * lower-cases them), metadata values with leading or trailing white space (HTTP drops it,
 * so the object would never equal the manifest), and text options with characters a header
 * cannot carry. Non-ASCII metadata values are fine: putplan sends them RFC 2047 encoded.
 */
export function checkHeaderValues(source: YamlSource, manifest: RawManifest): Diagnostic[] {
  const places: [JsonPath, PutOptions | undefined][] = [[['defaults'], manifest.defaults], ...manifest.uploads.map((entry, index): [JsonPath, PutOptions] => [['uploads', index], entry])]
  return places.flatMap(([at, options]) => (options === undefined ? [] : checkPlace(source, at, options)))
}

function checkPlace(source: YamlSource, at: JsonPath, options: PutOptions): Diagnostic[] {
  const problems: Diagnostic[] = []
  const report = (path: JsonPath, summary: string, detail: string, key = false) =>
    problems.push({ code: 'header-value', summary, detail, file: source.file, range: nodeRange(source, key ? keyNodeAt(source, path) : nodeAt(source, path)) })
  for (const name of TEXT_HEADERS) {
    const value = options[name]
    if (typeof value === 'string' && !HEADER_TEXT.test(value)) {
      report([...at, name], `${name} holds characters an HTTP header cannot carry as written`, 'expected visible ASCII characters, with spaces only between them: no line breaks, control characters, non-ASCII letters or leading/trailing spaces (for a non-ASCII file name use filename*=UTF-8\'\'...)')
    }
  }
  if (options.metadata === undefined) return problems
  const metadata = Object.entries(options.metadata)
  const bytes = metadata.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0)
  if (bytes > MAX_METADATA_BYTES) {
    report([...at, 'metadata'], `metadata is ${bytes} bytes, over S3's limit of ${MAX_METADATA_BYTES}`, 'S3 counts the UTF-8 bytes of every name and value together; expected at most 2048: move large values into the object or tags', true)
  }
  const seen = new Set<string>()
  for (const [name, value] of metadata) {
    const folded = name.toLowerCase()
    if (seen.has(folded)) report([...at, 'metadata', name], `metadata name "${name}" is another name of the map in other case`, 'S3 lower-cases metadata names, so the two would be one: expected names that differ in more than case', true)
    seen.add(folded)
    if (value !== value.trim() && /^[\x20-\x7e]*$/.test(value)) {
      report([...at, 'metadata', name], `metadata value of "${name}" begins or ends with white space`, 'HTTP drops white space around a header value, so S3 would store it trimmed and every plan would see a change: expected the value without it')
    }
  }
  return problems
}
