import { createHash } from 'node:crypto'

/**
 * One of `count` shards of the manifest's keys (`--shard index/count`, 1-based), for
 * splitting plan and apply across CI runners. Each key belongs to exactly one shard, fixed
 * by a hash of the key alone: adding or removing other keys never moves it.
 */
export interface Shard {
  index: number
  count: number
}

/**
 * The shard `key` belongs to for `count` shards (1-based): the first four bytes of the
 * SHA-256 of its UTF-8 bytes, as an unsigned big-endian integer, modulo `count`, plus one.
 * SHA-256 spreads keys that differ in one character (`a/1.css`, `a/2.css`) evenly, and
 * any implementation reproduces it.
 */
export function shardOfKey(key: string, count: number): number {
  return (createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0) % count) + 1
}

export function inShard(key: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOfKey(key, shard.count) === shard.index
}

/** `K/N` as written on the command line; undefined when it is not of that form or 1 <= K <= N does not hold. */
export function parseShard(text: string): Shard | undefined {
  const match = /^([1-9]\d{0,5})\/([1-9]\d{0,5})$/.exec(text.trim())
  if (!match) return undefined
  const shard = { index: Number(match[1]), count: Number(match[2]) }
  return shard.index <= shard.count ? shard : undefined
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`
}
