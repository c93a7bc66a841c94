import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { UnexpectedAnswerError, type S3ErrorContext } from './s3-errors.js'

/** Elements S3 repeats; always parsed as arrays so one item and many read alike. */
const REPEATED = new Set(['Contents', 'CommonPrefixes', 'Tag', 'Grant', 'Upload', 'Part'])

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Keys, ETags and tag values are strings: "007" must stay "007".
  parseTagValue: false,
  trimValues: false,
  // The isArray callback reads only the name: no path strings built per element.
  jPath: false,
  isArray: (name) => REPEATED.has(name),
})

export type XmlNode = Record<string, unknown>

/**
 * Parses an S3 XML document; the root element is a property of the result. The parser
 * reads a cut or broken document as whatever it can (empty tags, missing elements), so
 * the text is validated first: a document that is not well-formed throws (an empty
 * body reads as an empty document).
 * @throws UnexpectedAnswerError naming `context`'s operation and key
 */
export function parseXml(text: string, context: S3ErrorContext = { operation: 'S3 request' }): XmlNode {
  if (text.trim() === '') return {}
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new UnexpectedAnswerError(context, `malformed XML: ${valid.err.msg} at line ${valid.err.line}, column ${valid.err.col}`)
  const parsed: unknown = parser.parse(text)
  return isNode(parsed) ? parsed : {}
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The child element `name` as a node, or an empty node. */
export function child(node: unknown, name: string): XmlNode {
  if (!isNode(node)) return {}
  const value = node[name]
  return isNode(value) ? value : {}
}

/** Repeated child elements, as nodes. */
export function children(node: unknown, name: string): XmlNode[] {
  if (!isNode(node)) return []
  const value = node[name]
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return list.map((item) => (isNode(item) ? item : {}))
}

/** The text of a child element: `<A/>` is "", a missing element is undefined. */
export function text(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined
  const value = node[name]
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (isNode(value)) return typeof value['#text'] === 'string' ? value['#text'] : ''
  return String(value)
}

export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
