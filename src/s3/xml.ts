import { XMLParser } from 'fast-xml-parser'

/** Elements S3 repeats; always parsed as arrays so one item and many read alike. */
const REPEATED = new Set(['Contents', 'CommonPrefixes', 'Tag', 'Grant', 'Upload', 'Part'])

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Keys, ETags and tag values are strings: "007" must stay "007".
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => REPEATED.has(name),
})

export type XmlNode = Record<string, unknown>

/** Parses an S3 XML document; the root element is a property of the result. */
export function parseXml(text: string): XmlNode {
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
