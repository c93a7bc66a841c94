import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inShard, parseShard, shardLabel, shardOfKey } from '../../../src/plan/index.js'

describe('shardOfKey', () => {
  it('is the first four bytes of the SHA-256 of the key, big-endian, modulo N, plus one', () => {
    for (const key of ['index.html', 'a/b/c.css', 'ünïcode ~ +%.txt', '']) {
      const expected = (createHash('sha256').update(Buffer.from(key, 'utf8')).digest().readUInt32BE(0) % 7) + 1
      expect(shardOfKey(key, 7)).toBe(expected)
    }
  })

  it('pins a few keys to their shards, so the assignment never changes between versions', () => {
    const keys = ['index.html', 'about/index.html', 'assets/app.css', 'robots.txt']
    expect(keys.map((key) => shardOfKey(key, 4))).toEqual([1, 2, 1, 2])
    expect(keys.map((key) => shardOfKey(key, 16))).toEqual([1, 2, 1, 2])
    expect(shardOfKey('index.html', 1)).toBe(1)
  })

  it('puts every key in exactly one shard, spread evenly, whatever other keys exist', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `site/page-${i}.html`)
    const counts = [0, 0, 0, 0]
    for (const key of keys) {
      const owners = [1, 2, 3, 4].filter((index) => inShard(key, { index, count: 4 }))
      expect(owners).toHaveLength(1)
      counts[owners[0]! - 1]!++
    }
    for (const count of counts) expect(count).toBeGreaterThan(900)
    // A key's shard depends on the key alone.
    expect(keys.slice(0, 10).map((key) => shardOfKey(key, 4))).toEqual(keys.slice(0, 10).map((key) => shardOfKey(key, 4)))
    expect(inShard('anything', undefined)).toBe(true)
  })
})

describe('parseShard', () => {
  it('reads K/N with 1 <= K <= N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 })
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 })
    expect(shardLabel({ index: 3, count: 8 })).toBe('3/8')
  })

  it.each(['0/4', '5/4', '4', '/4', '2/', 'a/b', '2/4/8', '-1/4', '1.5/4', '02/4', ' ', '1/0'])('refuses %j', (text) => {
    expect(parseShard(text)).toBeUndefined()
  })
})
