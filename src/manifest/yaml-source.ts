import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLError } from 'yaml'
import type { Diagnostic, SourceRange } from '../errors/index.js'

/** A parsed manifest with what is needed to point back into its text. */
export interface YamlSource {
  file: string
  text: string
  doc: Document.Parsed
  lineCounter: LineCounter
}

export type JsonPath = readonly (string | number)[]

export function parseYaml(file: string, text: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const source = { file, text, doc, lineCounter }
  const diagnostics = withoutEchoes(doc.errors).map((error): Diagnostic => {
    const duplicate = error.code === 'DUPLICATE_KEY'
    if (error.code === 'MULTILINE_IMPLICIT_KEY') return overIndented(source, error.pos)
    return {
      code: duplicate ? 'yaml-duplicate-field' : 'yaml-syntax',
      summary: duplicate ? 'a field is given twice in the same mapping' : firstLine(error.message),
      detail: duplicate ? 'each field may appear once; remove or merge the repeated one' : (SYNTAX_HINTS[error.code] ?? SYNTAX_HINT),
      file,
      range: rangeOf(source, error.pos[0], error.pos[1]),
    }
  })
  return { source, diagnostics }
}

/**
 * A line indented deeper than the field before it continues that field's value, which the
 * parser reports twice at the value (a multi-line key, and a mapping nested in a compact
 * one). The mistake is the deeper line: say it once, there.
 */
function withoutEchoes(errors: readonly YAMLError[]): YAMLError[] {
  const multiline = new Set(errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]))
  return errors.filter((e) => e.code !== 'BLOCK_AS_IMPLICIT_KEY' || !multiline.has(e.pos[0]))
}

function overIndented(source: YamlSource, [start, end]: [number, number]): Diagnostic {
  const newline = source.text.indexOf('\n', start)
  const nextLine = newline >= 0 && newline < end ? newline + 1 : start
  const indent = /^[ \t]*/.exec(source.text.slice(nextLine))![0].length
  const from = nextLine + indent
  const lineEnd = /\r?\n|$/.exec(source.text.slice(from))!.index + from
  return {
    code: 'yaml-syntax',
    summary: 'this line is indented deeper than the field before it',
    detail: 'expected the fields of one mapping to start in the same column',
    file: source.file,
    range: rangeOf(source, from, lineEnd),
  }
}

const SYNTAX_HINT = 'expected valid YAML: check quotes, brackets and indentation here and on the lines above'
const SYNTAX_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'expected spaces for indentation (YAML does not allow tabs there)',
}

/** Source range of character offsets [start, end). */
export function rangeOf(source: YamlSource, start: number, end: number): SourceRange {
  const from = source.lineCounter.linePos(start)
  const to = source.lineCounter.linePos(Math.max(end, start + 1))
  return { line: from.line, col: from.col, endLine: to.line, endCol: to.col }
}

export function nodeRange(source: YamlSource, node: Node | null | undefined): SourceRange {
  const [start, valueEnd] = node?.range ?? [0, 0]
  return rangeOf(source, start, valueEnd)
}

/** The node at a path, or its nearest existing ancestor (for "missing field" errors). */
export function nodeAt(source: YamlSource, path: JsonPath): Node {
  let node = source.doc.contents as Node
  for (const segment of path) {
    const next = childOf(node, segment)
    if (!next) break
    node = next
  }
  return node
}

/** The key node of the field at `path` (its last segment), for "unknown field" errors. */
export function keyNodeAt(source: YamlSource, path: JsonPath): Node {
  const parent = nodeAt(source, path.slice(0, -1))
  const pair = isMap(parent) ? findPair(parent.items, path[path.length - 1]) : undefined
  return (pair?.key as Node | undefined) ?? parent
}

function childOf(node: Node, segment: string | number): Node | undefined {
  if (isSeq(node) && typeof segment === 'number') return node.items[segment] as Node | undefined
  if (isMap(node)) return (findPair(node.items, segment)?.value as Node | undefined) ?? undefined
  return undefined
}

function findPair(items: Pair[], name: string | number | undefined): Pair | undefined {
  return items.find((pair) => isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(name))
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}
