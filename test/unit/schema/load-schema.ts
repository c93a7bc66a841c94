/**
 * The manifest schema as the tests see it: read from disk (the file that ships), and
 * compiled the way putplan compiles it, with ajv's strict mode on so a keyword typo in
 * the schema fails here rather than being silently ignored.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Ajv2020Module from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'

export const SCHEMA_PATH = fileURLToPath(new URL('../../../schema/uploads.schema.json', import.meta.url))

export type JsonSchema = { [keyword: string]: unknown }

export function readSchema(): JsonSchema {
  return JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as JsonSchema
}

// ajv and ajv-formats are CommonJS; under NodeNext their default export sits on `.default`.
const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

export function compileSchema(schema: JsonSchema = readSchema()) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true })
  addFormats(ajv)
  return ajv.compile(schema)
}

/** The property map of the schema object at a JSON pointer like `#/$defs/putOptions`. */
export function propertiesAt(schema: JsonSchema, pointer: string): Record<string, JsonSchema> {
  const target = resolvePointer(schema, pointer)
  return (target.properties ?? {}) as Record<string, JsonSchema>
}

/** Resolves a local `#/...` JSON pointer. */
export function resolvePointer(schema: JsonSchema, pointer: string): JsonSchema {
  let node: unknown = schema
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as JsonSchema)[part.replace(/~1/g, '/').replace(/~0/g, '~')]
    if (node === undefined) throw new Error(`schema has nothing at ${pointer}`)
  }
  return node as JsonSchema
}
