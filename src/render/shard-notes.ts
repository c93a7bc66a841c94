import { shardLabel, type PlanShard } from '../plan/index.js'

/**
 * What a shard's plan covers, and why it deletes nothing: lines for the head of the
 * human and markdown views. None for an unsharded plan.
 */
export function shardNotes(shard: PlanShard | undefined): string[] {
  if (shard === undefined) return []
  const notes = [`Shard ${shardLabel(shard)}: only the keys whose hash falls in this shard; the other ${shard.count - 1} shards plan the rest.`]
  if (shard.pruneDeferred) {
    notes.push(
      'Prune: this plan deletes nothing. A shard sees only its own keys, so it cannot tell a key no shard declares from one another shard declares; deletes run in the unsharded apply after the shards.',
    )
  }
  return notes
}
