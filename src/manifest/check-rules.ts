import type { Scalar } from 'yaml'
import type { Diagnostic } from '../errors/index.js'
import type { RawEntry, RawManifest } from './manifest.js'
import { keyNodeAt, nodeAt, nodeRange, type JsonPath, type YamlSource } from './yaml-source.js'
import fg from 'fast-glob'
import { SECRET_OPTIONS } from '../plan/option-table.js'
import { sseCustomerKeyBytes } from '../plan/sse-customer-key.js'
import { checkHeaderValues } from './check-header-values.js'
import { checkOptionPairs } from './check-option-pairs.js'

const WHOLE_VARIABLE = /^(["']?)\$\{[A-Za-z_][A-Za-z0-9_]*\}\1$/

/** Rules that need more than one field, or the manifest's text, to judge. */
export function checkRules(source: YamlSource, manifest: RawManifest, interpolated: ReadonlyMap<Scalar, unknown>): Diagnostic[] {
  const diagnostics = manifest.uploads.flatMap((entry, index) => checkEntry(source, entry, index))
  for (const path of secretPaths(manifest)) diagnostics.push(...checkSecret(source, path, interpolated))
  diagnostics.push(...checkOptionPairs(source, manifest), ...checkHeaderValues(source, manifest))
  return diagnostics
}

/** Where a secret option (the option table marks them) may be declared: in `defaults`, in each entry and in each rule. */
export function secretPaths(manifest: RawManifest): JsonPath[] {
  return SECRET_OPTIONS.flatMap((name): JsonPath[] => [
    ['defaults', name],
    ...manifest.uploads.map((_, index): JsonPath => ['uploads', index, name]),
    ...(manifest.rules ?? []).map((_, index): JsonPath => ['rules', index, name]),
  ])
}

function checkEntry(source: YamlSource, entry: RawEntry, index: number): Diagnostic[] {
  if (entry.key === undefined) return []
  const sources = Array.isArray(entry.source) ? entry.source : [entry.source]
  const problems: Diagnostic[] = []
  const conflict = (field: string, summary: string, detail: string) =>
    problems.push({
      code: 'conflicting-fields',
      summary,
      detail,
      file: source.file,
      range: nodeRange(source, keyNodeAt(source, ['uploads', index, field])),
    })
  for (const field of ['prefix', 'root'] as const) {
    if (entry[field] !== undefined) conflict(field, `"${field}" cannot be used with "key"`, `"key" names the object exactly; use "${field}" only with globs`)
  }
  if (sources.length !== 1 || fg.isDynamicPattern(sources[0]!)) {
    conflict('key', '"key" needs a single file as "source"', 'a glob or a list of sources names many objects: use "prefix" (and "root") instead of "key"')
  }
  return problems
}

/** A secret written in the manifest would live in git: only `${VARIABLE}` is accepted. */
function checkSecret(source: YamlSource, path: JsonPath, interpolated: ReadonlyMap<Scalar, unknown>): Diagnostic[] {
  const node = nodeAt(source, path)
  if (node === nodeAt(source, path.slice(0, -1))) return [] // not declared here
  const [start, end] = node.range ?? [0, 0]
  const written = source.text.slice(start, end).trim()
  if (interpolated.has(node as Scalar) && WHOLE_VARIABLE.test(written)) {
    const value = (node as Scalar).value
    if (typeof value === 'string' && sseCustomerKeyBytes(value) !== undefined) return []
    return [secretDiagnostic(source, node, 'format', 'sseCustomerKey must be a base64-encoded 256-bit key', 'expected the variable to hold a 256-bit key: 32 bytes in base64 (openssl rand -base64 32), or 32 characters')]
  }
  return [
    secretDiagnostic(
      source,
      node,
      'secret-not-variable',
      'sseCustomerKey must not be written in the manifest',
      'expected a variable reference such as sseCustomerKey: ${SSE_C_KEY}, set with --var or the environment',
    ),
  ]
}

function secretDiagnostic(source: YamlSource, node: ReturnType<typeof nodeAt>, code: Diagnostic['code'], summary: string, detail: string): Diagnostic {
  return { code, summary, detail, file: source.file, range: nodeRange(source, node), hideSource: true }
}
