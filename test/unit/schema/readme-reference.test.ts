/**
 * The README's manifest reference is generated from the schema; this keeps the copy in
 * README.md equal to what the generator renders now.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readSchema, type JsonSchema } from './load-schema.js'

interface ReferenceLib {
  renderManifestReference(schema: JsonSchema): string
  extractBlock(readme: string): string | undefined
  replaceBlock(readme: string, body: string): string
  START: string
  END: string
}

// A plain-JS module without type declarations: imported by URL and typed here.
const libUrl = new URL('../../../scripts/manifest-reference-lib.mjs', import.meta.url).href
const lib = (await import(libUrl)) as ReferenceLib
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

describe('README manifest reference', () => {
  it('equals the reference rendered from the schema', () => {
    const block = lib.extractBlock(readme)
    expect(block, `README.md lacks the ${lib.START} / ${lib.END} markers`).toBeDefined()
    expect(block, 'README manifest reference is stale: run `node scripts/manifest-reference.mjs --write`').toBe(
      lib.renderManifestReference(readSchema()),
    )
  })

  it('lists every top-level field, entry field and put option', () => {
    const schema = readSchema()
    const rendered = lib.renderManifestReference(schema)
    const defs = schema.$defs as Record<string, { properties: object }>
    const names = [schema.properties as object, defs.entry!.properties, defs.putOptions!.properties].flatMap(Object.keys)
    for (const name of names) expect(rendered).toContain(`| \`${name}\` |`)
  })

  it('replaces only what lies between the markers', () => {
    const before = `# T\n\nintro\n\n${lib.START}\nold\n${lib.END}\n\nafter\n`
    const after = lib.replaceBlock(before, 'new\n')
    expect(after).toBe(`# T\n\nintro\n\n${lib.START}\nnew\n${lib.END}\n\nafter\n`)
    expect(lib.extractBlock(after)).toBe('new\n')
    expect(() => lib.replaceBlock('# no markers\n', 'x')).toThrow(/markers/)
  })
})
