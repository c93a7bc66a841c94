/**
 * A declared contentEncoding that the file's bytes contradict is a warning of the manifest,
 * at the declaration, one per entry; it never makes the manifest invalid. Real files in a
 * temporary folder, loaded as validate and plan load them.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadManifest } from '../../../src/manifest/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-encoding-'))
  await mkdir(join(dir, 'site'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Bytes no encoder would write at the start: text, repeated past the 4 KiB probe. */
const TEXT = Buffer.from('body { color: red }\n'.repeat(400))

async function load(manifest: string, files: Record<string, Buffer>) {
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes)
  await writeFile(join(dir, 'uploads.yaml'), manifest)
  return loadManifest({ file: join(dir, 'uploads.yaml') })
}

describe('contentEncoding against the bytes', () => {
  it('gzip on gzip data and br on brotli data (whole, or longer than the probe): no warning', async () => {
    // Random bytes do not compress: the stream stays longer than the 4 KiB probe.
    const big = brotliCompressSync(randomBytes(20_000))
    expect(big.length).toBeGreaterThan(4096)
    const manifest = await load(
      'version: 1\nbucket: b-site\nuploads:\n  - source: site/*.gz\n    root: site\n    contentEncoding: gzip\n  - source: site/*.br\n    root: site\n    contentEncoding: br\n',
      { 'site/a.css.gz': gzipSync(TEXT), 'site/small.br': brotliCompressSync(Buffer.from('hi')), 'site/big.br': big },
    )
    expect(manifest.objects).toHaveLength(3)
    expect(manifest.warnings).toBeUndefined()
  })

  it('gzip on plain files: one warning for the entry, at its contentEncoding, naming the files', async () => {
    const manifest = await load('version: 1\nbucket: b-site\nuploads:\n  - source: site/*\n    root: site\n    contentEncoding: gzip\n', {
      'site/a.css': TEXT,
      'site/b.js': Buffer.from('x'),
      'site/c.js': gzipSync(TEXT),
    })
    expect(manifest.warnings).toEqual([
      expect.objectContaining({
        code: 'content-encoding-mismatch',
        severity: 'warning',
        summary: 'contentEncoding "gzip" is declared for 2 files that are not gzip data (which begins with the bytes 1f 8b): site/a.css, site/b.js',
        range: expect.objectContaining({ line: 6, col: 22 }),
      }),
    ])
  })

  it('br on text: warned, whether the file is shorter or longer than the probe', async () => {
    const manifest = await load('version: 1\nbucket: b-site\nuploads:\n  - source: site/*\n    root: site\n    contentEncoding: br\n', {
      'site/short.txt': Buffer.from('plain\n'),
      'site/long.txt': TEXT,
    })
    expect(manifest.warnings?.map((w) => w.summary)).toEqual(['contentEncoding "br" is declared for 2 files that are not brotli data: site/long.txt, site/short.txt'])
  })

  it('a declaration in defaults is pointed at there; the outermost of a list is the one checked; empty files are left alone', async () => {
    const manifest = await load(
      'version: 1\nbucket: b-site\ndefaults:\n  contentEncoding: "br, gzip"\nuploads:\n  - source: site/a.txt\n    key: a.txt\n  - source: site/empty.txt\n    key: empty.txt\n  - source: site/b.txt\n    key: b.txt\n    contentEncoding: identity\n',
      { 'site/a.txt': TEXT, 'site/empty.txt': Buffer.alloc(0), 'site/b.txt': TEXT },
    )
    expect(manifest.warnings).toEqual([
      expect.objectContaining({ key: 'a.txt', range: expect.objectContaining({ line: 4, col: 20 }), summary: expect.stringContaining('"br, gzip" is declared for a file that is not gzip data') }),
    ])
  })
})
