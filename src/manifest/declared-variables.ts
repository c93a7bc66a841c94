import { isMap, isPair, isScalar, visit, type Node, type Scalar } from 'yaml'
import type { Diagnostic } from '../errors/index.js'
import type { Variables } from './interpolate.js'
import { ENTRY_SELECTORS, type VariableDeclaration } from './manifest.js'
import { nodeAt, nodeRange, type YamlSource } from './yaml-source.js'

/**
 * The manifest's `variables` block, read before anything is interpolated (the schema
 * checks its shape later; a malformed declaration is skipped here, and reported there).
 */
export function declaredVariables(source: YamlSource): Map<string, VariableDeclaration> {
  const block = (source.doc.toJS({ maxAliasCount: 100 }) as { variables?: unknown } | null)?.variables
  const declared = new Map<string, VariableDeclaration>()
  if (typeof block !== 'object' || block === null) return declared
  for (const [name, declaration] of Object.entries(block)) {
    declared.set(name, typeof declaration === 'object' && declaration !== null ? (declaration as VariableDeclaration) : {})
  }
  return declared
}

/** Each declared variable's value: `--var`, else the environment, else its default. Nothing undeclared is read. */
export function variableValues(declared: ReadonlyMap<string, VariableDeclaration>, vars: Variables, env: Variables): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {}
  for (const [name, declaration] of declared) {
    const value = vars[name] ?? env[name] ?? declaration.default
    values[name] = value === undefined ? undefined : String(value)
  }
  return values
}

/**
 * A secret may be used only as a put option's value (headers, metadata, tags), which the
 * plan shows as `(secret)`. Keys, prefixes, paths and the bucket's settings are printed
 * and saved as they are, so a secret there is an error.
 */
export function checkSecretPlacement(source: YamlSource, interpolated: ReadonlyMap<Scalar, readonly string[]>, secret: ReadonlySet<string>): Diagnostic[] {
  if (secret.size === 0) return []
  const allowed = new Set<unknown>()
  const collect = (node: Node | null | undefined) => {
    if (node) visit(node, { Scalar: (_, scalar) => void allowed.add(scalar) })
  }
  collect(nodeAt(source, ['defaults']) === source.doc.contents ? undefined : nodeAt(source, ['defaults']))
  const uploads = nodeAt(source, ['uploads'])
  if (uploads !== source.doc.contents && 'items' in uploads) {
    for (const entry of uploads.items as unknown[]) {
      if (!isMap(entry)) continue
      for (const pair of entry.items) {
        if (isPair(pair) && isScalar(pair.key) && !(ENTRY_SELECTORS as readonly unknown[]).includes(pair.key.value)) collect(pair.value as Node)
      }
    }
  }
  const diagnostics: Diagnostic[] = []
  for (const [scalar, names] of interpolated) {
    const used = names.filter((name) => secret.has(name))
    if (used.length === 0 || allowed.has(scalar)) continue
    diagnostics.push({
      code: 'secret-not-allowed',
      summary: `secret variable ${used.join(', ')} cannot be used here`,
      detail: 'expected secrets only in put options (headers, metadata, tags), which plans show as (secret); keys, prefixes, paths and bucket settings are printed and saved as they are',
      file: source.file,
      range: nodeRange(source, scalar),
    })
  }
  return diagnostics
}
