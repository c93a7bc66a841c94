import type { Manifest } from '../manifest/index.js'
import { inShard, type Shard } from '../plan/index.js'

/**
 * The manifest as one shard sees it: only the objects whose keys fall in `shard`. Its
 * digest stays the whole manifest's, so a saved shard plan is stale exactly when the
 * whole manifest changed.
 */
export function manifestShard(manifest: Manifest, shard: Shard | undefined): Manifest {
  if (shard === undefined) return manifest
  return { ...manifest, objects: manifest.objects.filter((object) => inShard(object.key, shard)) }
}
