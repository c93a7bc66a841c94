/**
 * gatherPruneFacts against an in-memory bucket that lists as S3 does: which recorded keys
 * putplan still owns (written by it, and still that write), what it lists as not its own,
 * and HeadObject where LIST is refused.
 */
import { describe, expect, it } from 'vitest'
import type { Manifest } from '../../../src/manifest/index.js'
import type { ListedObject, ListWhere, RequestOptions } from '../../../src/s3/object-store.js'
import { STATE_FORMAT_VERSION, type LoadedState, type StateRecord } from '../../../src/state/index.js'
import { gatherPruneFacts } from '../../../src/workflow/prune-facts.js'
import { MemoryStore, s3Error } from '../apply/memory-store.js'
import { desiredObject } from '../plan/builders.js'

const LAST_MODIFIED = '2025-03-04T05:06:07.000Z'
const STATE_KEY = '.putplan/state.json'

/** A bucket whose LIST honours the prefix and reports LastModified, as S3's does; `listing: false` refuses LIST. */
class ListingStore extends MemoryStore {
  listing = true
  readonly lists: ListWhere[] = []

  override async *listObjectsV2(where: ListWhere = {}, _options?: RequestOptions): AsyncIterable<ListedObject[]> {
    this.lists.push(where)
    if (!this.listing) throw s3Error(403, 'AccessDenied', 'ListObjectsV2', '')
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(where.prefix ?? '')).sort()
    yield keys.map((key) => ({ key, etag: this.objects.get(key)!.etag, size: this.objects.get(key)!.bytes.length, lastModified: LAST_MODIFIED, storageClass: 'STANDARD' }))
  }

  override async headObject(key: string) {
    const remote = await super.headObject(key)
    return remote && { ...remote, lastModified: LAST_MODIFIED }
  }
}

function manifest(keys: string[], stateBucket?: string): Manifest {
  return {
    file: '/project/uploads.yaml',
    digest: 'd',
    textDigest: 't',
    variables: [],
    bucket: 'site',
    objects: keys.map((key) => desiredObject({ key })),
    state: { key: STATE_KEY, ...(stateBucket ? { bucket: stateBucket } : {}) },
    prune: { maxDeletes: 1000, protect: [] },
  }
}

/** The record of what `store` holds under `key` now; `written` as apply's own write. */
function recordOf(store: MemoryStore, key: string, written: boolean): StateRecord {
  const object = store.objects.get(key)!
  return { etag: object.etag, size: object.bytes.length, lastModified: LAST_MODIFIED, checksums: {}, headers: { metadata: {}, storageClass: 'STANDARD' }, ...(written ? { written: true } : {}) }
}

function state(objects: Record<string, StateRecord>): Promise<LoadedState> {
  return Promise.resolve({ document: { formatVersion: STATE_FORMAT_VERSION, bucket: 'site', objects } })
}

const keysOf = (objects: readonly { key: string }[]) => objects.map((o) => o.key).sort()

describe('gatherPruneFacts', () => {
  it('owns only recorded keys putplan wrote whose write the bucket still holds; the rest it found is not its own', async () => {
    const store = new ListingStore()
    for (const key of ['site/index.html', 'site/old.html', 'site/verified.html', 'site/rewritten.html', 'site/stray.html', STATE_KEY]) store.putDirect(key, key)
    const records = {
      'site/index.html': recordOf(store, 'site/index.html', true),
      'site/old.html': recordOf(store, 'site/old.html', true),
      'site/verified.html': recordOf(store, 'site/verified.html', false),
      'site/rewritten.html': recordOf(store, 'site/rewritten.html', true),
      'site/gone.html': { ...recordOf(store, 'site/old.html', true), etag: 'gone' },
    }
    store.putDirect('site/rewritten.html', 'another client')
    const facts = await gatherPruneFacts(store, manifest(['site/index.html']), { maxDeletes: 9, protect: ['x/**'] }, state(records), {}, 2)

    expect(facts).toMatchObject({ maxDeletes: 9, protect: ['x/**'], folders: ['site/'], complete: true })
    expect(facts.owned).toEqual([expect.objectContaining({ key: 'site/old.html', etag: store.objects.get('site/old.html')!.etag, size: 13 })])
    // The listing of site/ finds everything there (the state record sits outside it); a recorded key also found under the folder appears twice, which the diff counts once.
    expect(keysOf(facts.found)).toEqual(['site/index.html', 'site/old.html', 'site/rewritten.html', 'site/rewritten.html', 'site/stray.html', 'site/verified.html', 'site/verified.html'])
    expect(store.callsOf('headObject')).toEqual([])
  })

  it('never counts its own state record as a stray when it lives in the bucket', async () => {
    const store = new ListingStore()
    store.putDirect('index.html', 'i')
    store.putDirect(STATE_KEY, '{}')
    const inBucket = await gatherPruneFacts(store, manifest(['index.html']), { maxDeletes: 1, protect: [] }, state({}), {}, 2)
    expect(inBucket.folders).toEqual([''])
    expect(keysOf(inBucket.found)).toEqual(['index.html'])
    const elsewhere = await gatherPruneFacts(store, manifest(['index.html'], 'records'), { maxDeletes: 1, protect: [] }, state({}), {}, 2)
    expect(keysOf(elsewhere.found)).toEqual([STATE_KEY, 'index.html'])
  })

  it('asks HeadObject for the recorded keys when LIST is refused, and says the listing is incomplete', async () => {
    const store = new ListingStore()
    store.putDirect('site/index.html', 'i')
    store.putDirect('site/old.html', 'o')
    store.listing = false
    const records = { 'site/old.html': recordOf(store, 'site/old.html', true), 'site/gone.html': recordOf(store, 'site/old.html', true) }
    const facts = await gatherPruneFacts(store, manifest(['site/index.html']), { maxDeletes: 1, protect: [] }, state(records), {}, 2)
    expect(keysOf(facts.owned)).toEqual(['site/old.html'])
    expect(facts).toMatchObject({ found: [], complete: false })
    expect(store.callsOf('headObject').map((c) => c.key).sort()).toEqual(['site/gone.html', 'site/old.html'])
  })

  it('asks nothing of the recorded keys without a record', async () => {
    const store = new ListingStore()
    const facts = await gatherPruneFacts(store, manifest(['a']), { maxDeletes: 1, protect: [] }, undefined, {}, 2)
    expect(facts.owned).toEqual([])
    expect(store.lists).toEqual([{ prefix: '' }])
  })
})
