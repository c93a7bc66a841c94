import { readFileSync } from 'node:fs'

/**
 * A JSON Schema shipped beside the code, in `schema/` at the package root. The URL is
 * relative to the module that runs this line: `src/manifest/` under test, the command's
 * bundle in `dist/commands/` when built (scripts/bundle.mjs), both two levels down.
 */
export function schemaUrl(file: string): URL {
  return new URL(`../../schema/${file}`, import.meta.url)
}

/** The manifest's JSON Schema. */
const SCHEMA_URL = schemaUrl('uploads.schema.json')

let cached: Record<string, unknown> | undefined

export function manifestSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>
  return cached
}

export function manifestSchemaText(): string {
  return readFileSync(SCHEMA_URL, 'utf8')
}
