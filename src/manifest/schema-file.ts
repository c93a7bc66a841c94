import { readFileSync } from 'node:fs'

/** The manifest's JSON Schema, shipped beside the code (`schema/` at the package root). */
export const SCHEMA_URL = new URL('../../schema/uploads.schema.json', import.meta.url)

let cached: Record<string, unknown> | undefined

export function manifestSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>
  return cached
}

export function manifestSchemaText(): string {
  return readFileSync(SCHEMA_URL, 'utf8')
}
