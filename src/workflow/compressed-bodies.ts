import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { PutplanError } from '../errors/index.js'
import { compressFile } from '../local/index.js'
import type { Manifest } from '../manifest/index.js'
import { inShard, type Shard } from '../plan/index.js'
import { mapBounded } from '../util/map-bounded.js'

export interface CompressedBodies {
  /** The manifest with each compressed object's `sourcePath` and `size` those of its compressed copy. */
  manifest: Manifest
  /** Key -> the compressed copy apply sends, for the objects with `compress`. */
  bodyPaths: ReadonlyMap<string, string>
  /** Removes the copies. */
  dispose(): Promise<void>
}

/**
 * Compresses each object with `compress` once, into a private temporary folder, before it
 * is hashed: hashing, the plan's digests, the upload (in parts too) and the checks of a
 * saved plan then read the compressed copy like any file, streamed from disk, never held
 * in memory. A plan and the apply that follows it compress the same bytes, as compression
 * is deterministic; the body check of every upload proves it. With `shard`, only that
 * shard's objects: the others are never read in this run.
 */
export async function compressBodies(manifest: Manifest, shard?: Shard): Promise<CompressedBodies> {
  const wanted = manifest.objects.filter((object) => object.compress !== undefined && (shard === undefined || inShard(object.key, shard)))
  if (wanted.length === 0) return { manifest, bodyPaths: new Map(), dispose: async () => {} }
  const dir = await mkdtemp(path.join(tmpdir(), 'putplan-compressed-'))
  const dispose = () => rm(dir, { recursive: true, force: true })
  try {
    const bodyPaths = new Map<string, string>()
    const copies = await mapBounded(wanted, availableParallelism(), async (object, index) => {
      const target = path.join(dir, `${index}.${object.compress === 'gzip' ? 'gz' : 'br'}`)
      try {
        return { key: object.key, sourcePath: target, size: await compressFile(object.sourcePath, target, object.compress!, object.identity) }
      } catch (error) {
        throw new PutplanError('file-unreadable', `cannot compress ${object.source} for ${JSON.stringify(object.key)}: ${(error as Error).message}`)
      }
    })
    const byKey = new Map(copies.map((copy) => [copy.key, copy]))
    for (const copy of copies) bodyPaths.set(copy.key, copy.sourcePath)
    const objects = manifest.objects.map((object) => {
      const copy = byKey.get(object.key)
      if (copy === undefined) return object
      // The copy is putplan's own file: the source's identity was checked when it was read.
      const { identity: _checked, ...rest } = object
      return { ...rest, sourcePath: copy.sourcePath, size: copy.size }
    })
    return { manifest: { ...manifest, objects }, bodyPaths, dispose }
  } catch (error) {
    await dispose()
    throw error
  }
}
