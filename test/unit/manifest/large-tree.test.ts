/** Keeps the many-files path exercised: a generated tree of 5,000 files through loadManifest. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadManifest } from '../../../src/manifest/index.js'

const COUNT = 5_000
const script = fileURLToPath(new URL('../../../scripts/make-large-tree.mjs', import.meta.url))
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'putplan-large-'))
  execFileSync(process.execPath, [script, dir, String(COUNT)])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a manifest of 5,000 files', () => {
  it('validates, with every file a sorted, unique key', async () => {
    const manifest = await loadManifest({ file: join(dir, 'uploads.yaml'), env: {} })
    expect(manifest.objects).toHaveLength(COUNT)
    const keys = manifest.objects.map((o) => o.key)
    expect(new Set(keys).size).toBe(COUNT)
    expect([...keys].sort()).toEqual(keys)
    expect(keys[0]).toMatch(/^large\/d0\/d0\/file-\d+\.txt$/)
    expect(manifest.objects.every((o) => o.options.cacheControl === 'no-cache' && o.options.contentType === 'text/plain; charset=utf-8')).toBe(true)
    // One entry, one extension: one options object, not one per file.
    expect(new Set(manifest.objects.map((o) => o.options)).size).toBe(1)
  })
})
