/**
 * The example manifests are meant to be copied, so they must stay valid against the
 * schema, point editors at it, and name only files that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fg from 'fast-glob'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { compileSchema } from './load-schema.js'

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url))
const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  // Folders holding a manifest; others (ci/) hold workflows that run putplan.
  .filter((d) => d.isDirectory() && existsSync(`${EXAMPLES}${d.name}/uploads.yaml`))
  .map((d) => d.name)
  .sort()
const validate = compileSchema()

/** Stand-ins for `${NAME}` (as `--var` would give), so the schema sees real values. */
function substitute(text: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => `sample-${name.toLowerCase()}`)
}

type Entry = { source: string | string[]; exclude?: string | string[]; allowEmpty?: boolean }
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v])

describe('examples', () => {
  it('has some', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2)
  })

  describe.each(examples)('%s/uploads.yaml', (name) => {
    const dir = `${EXAMPLES}${name}/`
    const text = readFileSync(`${dir}uploads.yaml`, 'utf8')

    it('points editors at the schema on its first line', () => {
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/uploads.schema.json')
    })

    it('is valid against the schema', () => {
      validate(parse(substitute(text)))
      expect(validate.errors ?? []).toEqual([])
    })

    it('names files that exist: every entry matches at least one', () => {
      const manifest = parse(substitute(text)) as { uploads: Entry[] }
      for (const entry of manifest.uploads) {
        const files = fg.sync(list(entry.source), { cwd: dir, ignore: list(entry.exclude), onlyFiles: true, dot: true })
        if (!entry.allowEmpty) expect(files, JSON.stringify(entry.source)).not.toEqual([])
      }
    })
  })
})
