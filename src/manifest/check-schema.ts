import type { ErrorObject, ValidateFunction } from 'ajv'
import type { Diagnostic, DiagnosticCode } from '../errors/index.js'
import { describeExpected, describeNeed, describeValue } from './describe.js'
import { didYouMean } from './did-you-mean.js'
import { manifestSchema } from './schema-file.js'
import compiledValidator from './generated/uploads-validator.js'
import { keyNodeAt, nodeAt, nodeRange, type JsonPath, type YamlSource } from './yaml-source.js'

/** schema/uploads.schema.json compiled at build time (scripts/compile-manifest-validator.mjs). */
const validate = compiledValidator as unknown as ValidateFunction

/** Validates the (interpolated) manifest data; every violation becomes a positioned diagnostic. */
export function checkSchema(source: YamlSource, data: unknown): Diagnostic[] {
  if (validate(data)) return []
  const errors = relevant(validate.errors ?? [])
  return unique(mergeTypeErrors(errors).map((error) => toDiagnostic(source, data, error)))
}

/** Several rules of one field (the bucket name's) can fail together; say it once. */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return diagnostics.filter((d) => {
    const id = JSON.stringify([d.code, d.range, d.summary, d.detail])
    return !seen.has(id) && seen.add(id) !== undefined
  })
}

/** Drops the umbrella errors of `anyOf`/`oneOf`/`allOf` when a more specific one explains them. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((error) => {
    // The rule a map's name broke says it; the umbrella `propertyNames` adds nothing.
    if (error.keyword === 'propertyNames') return false
    if (!['anyOf', 'oneOf', 'if'].includes(error.keyword)) return true
    return !errors.some((other) => other !== error && other.instancePath.startsWith(error.instancePath) && other.keyword !== error.keyword)
  })
}

/** `source: 5` fails both `type: string` and `type: array`: one message listing both. */
function mergeTypeErrors(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>()
  const out: ErrorObject[] = []
  for (const error of errors) {
    if (error.keyword !== 'type') {
      out.push(error)
      continue
    }
    const seen = byPath.get(error.instancePath)
    if (seen) {
      seen.params = { type: `${String(seen.params['type'])},${String(error.params['type'])}` }
      continue
    }
    const copy = { ...error, params: { ...error.params } }
    byPath.set(error.instancePath, copy)
    out.push(copy)
  }
  // A value of the right type that still fails (e.g. an array item) keeps its own errors;
  // but "wrong type" at a path makes the other alternatives' complaints about it noise.
  return out.filter((error) => error.keyword === 'type' || !byPath.has(error.instancePath) || !isAlternativeNoise(error))
}

function isAlternativeNoise(error: ErrorObject): boolean {
  return ['minItems', 'minLength', 'pattern', 'enum', 'const', 'format', 'not'].includes(error.keyword)
}

function toDiagnostic(source: YamlSource, data: unknown, error: ErrorObject): Diagnostic {
  const path = pointerToPath(error.instancePath, data)
  const field = fieldName(path)
  const base = { file: source.file }
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(error.params['additionalProperty'] ?? error.params['unevaluatedProperty'])
      const suggestion = didYouMean(name, propertyNames(error.parentSchema))
      return {
        ...base,
        code: 'unknown-field',
        summary: `unknown field "${name}"${where(path)}`,
        detail: suggestion ? `did you mean "${suggestion}"?` : `expected one of: ${[...propertyNames(error.parentSchema)].join(', ')}`,
        range: nodeRange(source, keyNodeAt(source, [...path, name])),
      }
    }
    case 'required': {
      const name = String(error.params['missingProperty'])
      return {
        ...base,
        code: 'required',
        summary: `missing required field "${name}"${where(path)}`,
        detail: describeExpected([...path, name], undefined) ?? `add "${name}"`,
        range: nodeRange(source, nodeAt(source, path)),
      }
    }
    case 'dependentRequired': {
      // One field needs another (prune needs state): point at the one written.
      const name = String(error.params['property'])
      const missing = String(error.params['missingProperty'])
      return {
        ...base,
        code: 'required',
        summary: `"${name}" needs "${missing}"${path.length === 0 ? '' : where(path)}`,
        detail: describeNeed(name, missing),
        range: nodeRange(source, keyNodeAt(source, [...path, name])),
      }
    }
    default: {
      if (error.propertyName !== undefined) {
        // A map's name (a tag key, a metadata name) broke a rule: point at the name.
        return {
          ...base,
          code: CODE_BY_KEYWORD[error.keyword] ?? 'schema',
          summary: `${field} name ${describeValue(error.propertyName)} is not valid`,
          detail: expectation(error, path),
          range: nodeRange(source, keyNodeAt(source, [...path, error.propertyName])),
        }
      }
      const value = valueAt(data, path)
      return {
        ...base,
        code: CODE_BY_KEYWORD[error.keyword] ?? 'schema',
        summary: `${field} ${describeValue(value)} is not valid`,
        detail: expectation(error, path),
        range: nodeRange(source, nodeAt(source, path)),
      }
    }
  }
}

const CODE_BY_KEYWORD: Record<string, DiagnosticCode> = {
  type: 'type',
  enum: 'enum',
  const: 'enum',
  format: 'format',
  pattern: 'pattern',
  not: 'pattern',
  minItems: 'out-of-range',
  maxItems: 'out-of-range',
  minLength: 'out-of-range',
  maxLength: 'out-of-range',
  minProperties: 'out-of-range',
  maxProperties: 'out-of-range',
  minimum: 'out-of-range',
  maximum: 'out-of-range',
}

function expectation(error: ErrorObject, path: JsonPath): string {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'type':
      return `expected ${String(params['type']).split(',').map(article).join(' or ')}`
    case 'enum':
      return enumExpectation(params['allowedValues'] as unknown[], error.data)
    case 'const':
      return `expected ${JSON.stringify(params['allowedValue'])}`
    case 'format':
      return describeExpected(path, String(params['format'])) ?? `expected a ${String(params['format'])}`
    case 'pattern':
    case 'not':
      return describeExpected(path, undefined) ?? `expected a value matching ${String(params['pattern'] ?? 'the schema')}`
    default:
      return `expected a value that ${String(error.message)}`
  }
}

function enumExpectation(allowed: unknown[], written: unknown): string {
  const names = allowed.map(String)
  const suggestion = typeof written === 'string' ? didYouMean(written, names) : undefined
  const list = `expected one of: ${names.join(', ')}`
  return suggestion ? `${list} (did you mean "${suggestion}"?)` : list
}

function article(type: string): string {
  if (type === 'array') return 'a list'
  if (type === 'object') return 'a mapping'
  if (type === 'integer') return 'an integer'
  return `a ${type}`
}

function where(path: JsonPath): string {
  return path.length === 0 ? ' at the top level' : ` in ${fieldName(path)}`
}

function fieldName(path: JsonPath): string {
  return path.length === 0 ? 'the manifest' : path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').slice(1)
}

/** JSON pointer to path; indices into arrays become numbers so YAML lookups work. */
function pointerToPath(pointer: string, data: unknown): JsonPath {
  const path: (string | number)[] = []
  let cursor: unknown = data
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    const key = Array.isArray(cursor) ? Number(segment) : segment
    path.push(key)
    cursor = (cursor as Record<string | number, unknown> | undefined)?.[key]
  }
  return path
}

function valueAt(data: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((cursor, key) => (cursor as Record<string | number, unknown> | undefined)?.[key], data)
}

/** The property names a (sub)schema allows, following `$ref` and `allOf`. */
function propertyNames(schema: unknown, seen = new Set<unknown>()): Set<string> {
  const names = new Set<string>()
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return names
  seen.add(schema)
  const node = schema as Record<string, unknown>
  for (const name of Object.keys((node['properties'] as object | undefined) ?? {})) names.add(name)
  const ref = node['$ref']
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref.slice(2).split('/').reduce<unknown>((c, k) => (c as Record<string, unknown> | undefined)?.[k], manifestSchema())
    for (const name of propertyNames(target, seen)) names.add(name)
  }
  for (const part of (node['allOf'] as unknown[] | undefined) ?? []) for (const name of propertyNames(part, seen)) names.add(name)
  return names
}
