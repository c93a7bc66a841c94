/**
 * The manifest's digest, which a saved plan carries and apply checks, is the SHA-256 of
 * the text and, per object, `JSON.stringify([key, source, size, options])`: objects that
 * share one options object must give the same bytes as ones that do not.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadManifest } from '../../../src/manifest/index.js'

const dir = mkdtempSync(join(tmpdir(), 'putplan-digest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TEXT = `version: 1
bucket: digest-test
region: us-east-1
defaults:
  cacheControl: max-age=60
rules:
  - match: "**/*.css"
    cacheControl: max-age=31536000
uploads:
  - source: "site/**"
    root: site
`

describe('manifest digest', () => {
  mkdirSync(join(dir, 'site', 'css'), { recursive: true })
  for (const [file, body] of [
    ['site/a.html', '<p>a</p>'],
    ['site/b.html', '<p>bb</p>'],
    ['site/css/one.css', 'p{}'],
    ['site/css/two.css', 'a{}'],
  ] as const) writeFileSync(join(dir, file), body)
  writeFileSync(join(dir, 'uploads.yaml'), TEXT)

  it('covers the text and every object as JSON, options included', async () => {
    const manifest = await loadManifest({ file: join(dir, 'uploads.yaml'), env: {} })
    expect(manifest.objects.map((o) => o.key)).toEqual(['a.html', 'b.html', 'css/one.css', 'css/two.css'])
    expect(manifest.objects[0]!.options).toBe(manifest.objects[1]!.options)
    const expected = createHash('sha256').update(TEXT)
    for (const o of manifest.objects) expected.update(JSON.stringify([o.key, o.source, o.size, o.options]))
    expect(manifest.digest).toBe(expected.digest('hex'))
  })

  it('changes when one file of a shared options object changes size', async () => {
    const before = (await loadManifest({ file: join(dir, 'uploads.yaml'), env: {} })).digest
    writeFileSync(join(dir, 'site', 'b.html'), '<p>bbb</p>')
    expect((await loadManifest({ file: join(dir, 'uploads.yaml'), env: {} })).digest).not.toBe(before)
  })
})
