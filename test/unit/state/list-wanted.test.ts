import { describe, expect, it } from 'vitest'
import { S3ServiceError } from '../../../src/s3/index.js'
import type { ListedObject, ListWhere } from '../../../src/s3/object-store.js'
import { shardOfKey } from '../../../src/plan/index.js'
import { listWithin } from '../../../src/state/bucket-state.js'
import { keyRanges, listWanted } from '../../../src/state/list-wanted.js'
import { MemoryStore, s3Error } from '../apply/memory-store.js'

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

/** A bucket that lists as S3 does: UTF-8 order, prefix, start-after, pages of `pageSize`. */
class ListingBucket extends MemoryStore {
  readonly lists: ListWhere[] = []
  pagesServed = 0
  listsInFlight = 0
  mostListsInFlight = 0
  failAfterPages = Infinity

  constructor(
    readonly keys: string[],
    readonly pageSize: number,
  ) {
    super()
    keys.sort(utf8Order)
  }

  override async *listObjectsV2(where: ListWhere = {}): AsyncIterable<ListedObject[]> {
    this.lists.push(where)
    const { prefix = '', startAfter } = where
    const matching = this.keys.filter((key) => key.startsWith(prefix) && (startAfter === undefined || utf8Order(key, startAfter) > 0))
    // A listing with nothing to show is still one request, answering an empty page.
    for (let first = 0; first === 0 || first < matching.length; first += this.pageSize) {
      this.listsInFlight++
      this.mostListsInFlight = Math.max(this.mostListsInFlight, this.listsInFlight)
      // A round trip: other ranges run meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1))
      this.listsInFlight--
      if (this.pagesServed >= this.failAfterPages) throw s3Error(500, 'InternalError', 'ListObjectsV2', '')
      this.pagesServed++
      yield matching.slice(first, first + this.pageSize).map((key) => ({ key, etag: 'e', size: 1, storageClass: 'STANDARD' }))
    }
  }
}

describe('keyRanges', () => {
  it('cuts sorted keys into ranges, each from after the one before to its own last key', () => {
    expect(keyRanges(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([
      { prefix: '', last: 'b' },
      { prefix: '', startAfter: 'b', last: 'd' },
      { prefix: 'e', startAfter: 'd', last: 'e' },
    ])
    expect(keyRanges(['a', 'b'], 2)).toEqual([{ prefix: '', last: 'b' }])
    expect(keyRanges([], 2)).toEqual([])
  })

  it("gives each range its own keys' prefix, the first range that of all the keys", () => {
    const keys = ['site/a/1', 'site/a/2', 'site/b/1', 'site/b/2', 'site/b/3', 'site/c/1']
    expect(keyRanges(keys, 2).map((range) => range.prefix)).toEqual(['site/', 'site/b/', 'site/'])
  })
})

describe('listWanted', () => {
  const wanted = Array.from({ length: 50 }, (_, i) => `site/${String(i).padStart(3, '0')}`)
  // Keys nobody asked for, before, between and after the wanted ones.
  const others = ['site/', 'site/000a', 'site/024z', 'site/025', 'site/zzz', 'other/x']

  it('finds every wanted key and nothing else, listing ranges several at once', async () => {
    const bucket = new ListingBucket([...wanted.filter((_, i) => i % 7 !== 3), ...others], 4)
    const listed = await listWanted(bucket, wanted, {}, { perRange: 10, rangesAtOnce: 3 })
    expect([...listed!.keys()].sort()).toEqual(wanted.filter((_, i) => i % 7 !== 3))
    expect(bucket.lists.map((l) => l.startAfter)).toEqual([undefined, 'site/009', 'site/019', 'site/029', 'site/039'])
    // The first range lists the keys' common prefix, every other its own keys' prefix.
    expect(bucket.lists.map((l) => l.prefix)).toEqual(['site/0', 'site/01', 'site/02', 'site/03', 'site/04'])
    expect(bucket.mostListsInFlight).toBe(3)
  })

  it('stops each range at its last key: a range that fits in a page costs one page', async () => {
    const bucket = new ListingBucket([...wanted, 'site/100', 'site/101'], 10)
    await listWanted(bucket, wanted, {}, { perRange: 10 })
    expect(bucket.pagesServed).toBe(5)
  })

  it('lists no further range once one has run to the end of the prefix', async () => {
    const bucket = new ListingBucket(['site/000', 'site/001', 'other/x'], 10)
    const listed = await listWanted(bucket, wanted, {}, { perRange: 10, rangesAtOnce: 2 })
    expect([...listed!.keys()]).toEqual(['site/000', 'site/001'])
    // The first two ranges were asked at once; both saw the end, so the other three were not.
    expect(bucket.lists.map((l) => l.startAfter)).toEqual([undefined, 'site/009'])
  })

  it('lists, after a range that found the end of its own prefix, a later range under another prefix', async () => {
    const keys = ['x/a1', 'x/a2', 'x/b1', 'x/b2', 'x/c1', 'x/c2']
    const bucket = new ListingBucket(['x/c1', 'x/d'], 10)
    const listed = await listWanted(bucket, keys, {}, { perRange: 2, rangesAtOnce: 1 })
    expect([...listed!.keys()]).toEqual(['x/c1'])
    expect(bucket.lists).toEqual([{ prefix: 'x/' }, { prefix: 'x/b', startAfter: 'x/a2' }, { prefix: 'x/c', startAfter: 'x/b2' }])
  })

  it('orders ranges as S3 does, by UTF-8 bytes', async () => {
    // In JS string order the emoji would sort before U+FFFD; S3 lists it after.
    const keys = ['k/a', 'k/\uFFFD', 'k/\u{1F600}', 'k/\u{1F600}x']
    const bucket = new ListingBucket([...keys, 'k/\uFFFE'], 1)
    const listed = await listWanted(bucket, keys, {}, { perRange: 1 })
    expect([...listed!.keys()].sort(utf8Order)).toEqual(keys)
    expect(bucket.lists.map((l) => l.startAfter)).toEqual([undefined, 'k/a', 'k/\uFFFD', 'k/\u{1F600}'])
  })

  it('gives up, answering undefined, when the pages exceed the budget', async () => {
    const bucket = new ListingBucket([...wanted, ...Array.from({ length: 200 }, (_, i) => `site/000-${i}`)], 10)
    expect(await listWanted(bucket, wanted, {}, { perRange: 25, rangesAtOnce: 2, pageBudget: 6 })).toBeUndefined()
    // The ranges in flight stop at their next page.
    expect(bucket.pagesServed).toBeLessThanOrEqual(8)
  })

  it('rejects with the first failure, after stopping the other ranges', async () => {
    const bucket = new ListingBucket([...wanted], 2)
    bucket.failAfterPages = 3
    await expect(listWanted(bucket, wanted, {}, { perRange: 10, rangesAtOnce: 4 })).rejects.toBeInstanceOf(S3ServiceError)
    const served = bucket.pagesServed
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(bucket.pagesServed).toBe(served)
  })
})

describe('listWithin for one shard of the keys', () => {
  it('lists a shard’s keys within a budget grown by the shard count, where the plain budget would give up', async () => {
    const all = Array.from({ length: 8000 }, (_, i) => `site/page-${String(i).padStart(5, '0')}.html`)
    const shard = all.filter((key) => shardOfKey(key, 4) === 1)
    const alone = new ListingBucket([...all], 1000)
    expect(await listWithin(alone, shard)).toBeUndefined()
    const spread = new ListingBucket([...all], 1000)
    const listed = await listWithin(spread, shard, {}, 4)
    expect([...listed!.keys()].sort()).toEqual([...shard].sort())
  })
})
