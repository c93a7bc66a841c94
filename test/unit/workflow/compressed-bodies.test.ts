import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Manifest } from '../../../src/manifest/index.js'
import { inShard, type DesiredObject } from '../../../src/plan/index.js'
import { compressBodies } from '../../../src/workflow/compressed-bodies.js'

describe('compressBodies', () => {
  let dir: string
  let manifest: Manifest
  const keys = Array.from({ length: 8 }, (_, i) => `page-${i}.html`)
  const shard = { index: 1, count: 2 }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'putplan-compressed-test-'))
    const objects = await Promise.all(
      keys.map(async (key): Promise<DesiredObject> => {
        const sourcePath = join(dir, key)
        await writeFile(sourcePath, `<p>${key}</p>\n`.repeat(20))
        return { key, source: key, sourcePath, size: 0, options: {}, entry: { index: 0, line: 1, col: 1 }, compress: 'gzip' }
      }),
    )
    manifest = { file: join(dir, 'uploads.yaml'), digest: 'd', textDigest: 't', variables: [], objects, bucket: 'b' } as Manifest
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('compresses each object once into a copy that decompresses to the file, and removes the copies', async () => {
    const bodies = await compressBodies(manifest)
    expect([...bodies.bodyPaths.keys()].sort()).toEqual([...keys].sort())
    const copy = bodies.bodyPaths.get('page-0.html')!
    expect(gunzipSync(await readFile(copy)).toString()).toBe('<p>page-0.html</p>\n'.repeat(20))
    const object = bodies.manifest.objects.find((o) => o.key === 'page-0.html')!
    expect([object.sourcePath, object.size]).toEqual([copy, (await readFile(copy)).length])
    await bodies.dispose()
    await expect(readFile(copy)).rejects.toThrow()
  })

  it('with a shard, compresses only the objects of that shard: a runner reads no other file', async () => {
    const mine = keys.filter((key) => inShard(key, shard))
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.length).toBeLessThan(keys.length)
    const bodies = await compressBodies(manifest, shard)
    try {
      expect([...bodies.bodyPaths.keys()].sort()).toEqual([...mine].sort())
    } finally {
      await bodies.dispose()
    }
  })
})
