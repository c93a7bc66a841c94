import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compressionSettings } from '../../../src/local/index.js'
import type { DesiredObject } from '../../../src/plan/index.js'
import { CompressedBodies } from '../../../src/workflow/compressed-bodies.js'

describe('CompressedBodies', () => {
  let dir: string
  let objects: DesiredObject[]
  const keys = ['a.html', 'b.html']
  const text = (key: string) => `<p>${key}</p>\n`.repeat(20)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'putplan-compressed-test-'))
    objects = await Promise.all(
      keys.map(async (key): Promise<DesiredObject> => {
        const sourcePath = join(dir, key)
        await writeFile(sourcePath, text(key))
        return { key, source: key, sourcePath, size: text(key).length, options: {}, entry: { index: 0, line: 1, col: 1 }, compress: 'gzip' }
      }),
    )
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const fingerprintOf = (key: string) => ({
    size: text(key).length,
    sha256: createHash('sha256').update(text(key)).digest('base64'),
    coding: 'gzip',
    settings: compressionSettings('gzip'),
  })

  it('compresses an object when first asked, once, into a copy that decompresses to the file, and removes the copies', async () => {
    const bodies = new CompressedBodies()
    const copy = await bodies.body(objects[0]!)
    expect(await bodies.body(objects[0]!)).toBe(copy)
    expect([...bodies.bodyPaths.keys()]).toEqual(['a.html'])
    expect(gunzipSync(await readFile(copy.sourcePath)).toString()).toBe(text('a.html'))
    expect([copy.sourcePath, copy.size]).toEqual([bodies.bodyPaths.get('a.html'), (await readFile(copy.sourcePath)).length])
    // What the state record keeps: the file as read for the copy.
    expect(bodies.sources.get('a.html')).toEqual(fingerprintOf('a.html'))
    await bodies.dispose()
    await expect(readFile(copy.sourcePath)).rejects.toThrow()
  })

  it('passes an object without compress through, and makes no folder until a copy is needed', async () => {
    const temp = await mkdtemp(join(dir, 'tmp-'))
    const saved = process.env.TMPDIR
    process.env.TMPDIR = temp
    try {
      const bodies = new CompressedBodies()
      const plain = { ...objects[1]!, compress: undefined }
      expect(await bodies.body(plain)).toBe(plain)
      // The fingerprint reads the file without compressing it.
      expect(await bodies.fingerprint(objects[1]!)).toEqual(fingerprintOf('b.html'))
      expect(await readdir(temp)).toEqual([])
      expect(bodies.bodyPaths.size).toBe(0)
      await bodies.body(objects[1]!)
      expect(await readdir(temp)).toHaveLength(1)
      await bodies.dispose()
      expect(await readdir(temp)).toEqual([])
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
    }
  })
})
