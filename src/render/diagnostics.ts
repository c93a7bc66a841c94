import type { Diagnostic, SourceRange } from '../errors/index.js'
import { NO_COLORS, type Colors } from './colors.js'

/** Reads a manifest's text for code frames; undefined when it cannot. */
export type SourceReader = (file: string) => string | undefined

/**
 * `file:line:col: error[code]: summary` (or `warning[code]`), the source line with a caret under the problem,
 * then what was expected. One block per diagnostic, in the order given.
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], read: SourceReader, c: Colors = NO_COLORS): string {
  return diagnostics.map((d) => renderOne(d, read, c)).join('\n')
}

function renderOne(d: Diagnostic, read: SourceReader, c: Colors): string {
  const where = d.file ? `${d.file}${d.range ? `:${d.range.line}:${d.range.col}` : ''}: ` : d.key ? `${d.key}: ` : ''
  const label = d.severity === 'warning' ? c.yellow(`warning[${d.code}]`) : c.red(`error[${d.code}]`)
  const lines = [`${c.bold(where)}${label}: ${c.bold(d.summary)}`]
  if (d.file && d.range && !d.hideSource) lines.push(...frame(read(d.file), d.range, c))
  if (d.detail) lines.push(`  ${c.cyan('=')} ${d.detail}`)
  for (const related of d.related ?? []) {
    lines.push(`  ${c.cyan('=')} ${related.message}: ${related.file}:${related.range.line}:${related.range.col}`)
    lines.push(...frame(read(related.file), related.range, c))
  }
  return `${lines.join('\n')}\n`
}

function frame(text: string | undefined, range: SourceRange, c: Colors): string[] {
  const line = text?.split(/\r?\n/)[range.line - 1]
  if (line === undefined) return []
  const number = String(range.line)
  const gutter = ' '.repeat(number.length)
  const end = range.endLine === range.line ? range.endCol : line.length + 1
  const width = Math.max(1, end - range.col)
  return [
    `  ${c.dim(`${number} |`)} ${line}`,
    `  ${c.dim(`${gutter} |`)} ${' '.repeat(range.col - 1)}${c.red('^'.repeat(width))}`,
  ]
}
