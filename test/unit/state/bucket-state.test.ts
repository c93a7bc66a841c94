import { describe, expect, it, vi } from 'vitest'
import { PutplanError } from '../../../src/errors/index.js'
import { STATE_FORMAT_VERSION, type StateDocument, type StateRecord } from '../../../src/state/state-record.js'
import type { ListedObject, ListWhere } from '../../../src/s3/object-store.js'
import { knownObjects, listKeys, readState, updateState, type StateAccess } from '../../../src/state/bucket-state.js'
import { commonPrefix } from '../../../src/plan/index.js'
import { MemoryStore, s3Error, type Call } from '../apply/memory-store.js'

const BUCKET = 'example-site'
const STATE_KEY = '.putplan/state.json'

/**
 * The in-memory bucket, listing as S3 does: by prefix, with each object's LastModified
 * (milliseconds, as LIST reports them) and storage class.
 */
class ListingStore extends MemoryStore {
  readonly prefixes: (string | undefined)[] = []
  readonly lastModified = new Map<string, string>()
  readonly storageClass = new Map<string, string>()

  override async *listObjectsV2({ prefix, startAfter }: ListWhere = {}): AsyncIterable<ListedObject[]> {
    this.prefixes.push(prefix)
    const page: ListedObject[] = []
    for (const [key, o] of [...this.objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (prefix !== undefined && !key.startsWith(prefix)) continue
      if (startAfter !== undefined && key <= startAfter) continue
      page.push({ key, etag: o.etag, size: o.bytes.length, lastModified: this.lastModified.get(key) ?? '2025-01-01T00:00:00.500Z', storageClass: this.storageClass.get(key) ?? 'STANDARD' })
    }
    // Two pages, so that listing is seen to read them all.
    yield page.slice(0, 1)
    yield page.slice(1)
  }
}

function access(store: MemoryStore, overrides: Partial<StateAccess> = {}): StateAccess {
  return { store, key: STATE_KEY, bucket: BUCKET, conditionalWrites: true, ...overrides }
}

function stateOf(store: MemoryStore, key = STATE_KEY): StateDocument {
  return JSON.parse(store.objects.get(key)!.bytes.toString('utf8')) as StateDocument
}

function recordFor(store: ListingStore, key: string, lastModified = '2025-01-01T00:00:00.000Z'): StateRecord {
  const object = store.objects.get(key)!
  return { etag: object.etag, size: object.bytes.length, lastModified, checksums: {}, headers: { metadata: {}, storageClass: 'STANDARD', cacheControl: `recorded ${key}` } }
}

/** A change that records `keys` (as a placeholder record each), keeping the others. */
function adding(...keys: string[]) {
  return (document: StateDocument): StateDocument => {
    const objects = { ...document.objects }
    for (const key of keys) objects[key] = { etag: key, size: 0, lastModified: '2025-01-01T00:00:00.000Z', checksums: {}, headers: { metadata: {}, storageClass: 'STANDARD' } }
    return { ...document, objects }
  }
}

const statePuts = (store: MemoryStore): Call[] => store.callsOf('putObject').filter((c) => c.key === STATE_KEY)

describe('commonPrefix', () => {
  it.each<[string, string[], string]>([
    ['no keys', [], ''],
    ['one key: itself', ['site/index.html'], 'site/index.html'],
    ['a shared folder', ['site/a.html', 'site/b.html', 'site/css/c.css'], 'site/'],
    ['a shared partial name', ['site/app-1.js', 'site/app-2.js'], 'site/app-'],
    ['a key that is a prefix of another', ['a', 'ab', 'abc'], 'a'],
    ['nothing shared', ['site/a', 'assets/b'], ''],
    ['an empty key', ['', 'a'], ''],
    ['the shortest key decides', ['abcdef', 'abc', 'abcd'], 'abc'],
  ])('%s', (_, keys, prefix) => {
    expect(commonPrefix(keys)).toBe(prefix)
  })

  it('never cuts a surrogate pair: keys whose emoji share only the high surrogate', () => {
    // U+1F600 and U+1F601 are D83D DE00 and D83D DE01 in UTF-16.
    expect(commonPrefix(['p/\u{1F600}a', 'p/\u{1F601}b'])).toBe('p/')
    expect(commonPrefix(['\u{1F600}', '\u{1F601}'])).toBe('')
    expect(commonPrefix(['p/\u{1F600}a', 'p/\u{1F600}b'])).toBe('p/\u{1F600}')
    // The prefix is valid UTF-16, so it survives UTF-8 encoding unchanged.
    const prefix = commonPrefix(['x\u{1F600}1', 'x\u{1F602}2'])
    expect(Buffer.from(prefix, 'utf8').toString('utf8')).toBe(prefix)
  })

  it('is a prefix of every key, in UTF-8 too, so LIST of it shows them all', () => {
    const keys = ['d/é/1', 'd/é/2', 'd/ê', 'd/\u{1F600}']
    const prefix = commonPrefix(keys)
    expect(prefix).toBe('d/')
    for (const key of keys) expect(Buffer.from(key).subarray(0, Buffer.byteLength(prefix)).equals(Buffer.from(prefix))).toBe(true)
  })
})

describe('listKeys', () => {
  it('LISTs the keys’ common prefix once and keeps only the keys asked for, across pages', async () => {
    const store = new ListingStore()
    for (const key of ['site/a', 'site/b', 'site/other', 'elsewhere']) store.putDirect(key, key)
    const listed = await listKeys(store, ['site/a', 'site/b', 'site/missing'])
    expect([...listed.keys()]).toEqual(['site/a', 'site/b'])
    expect(store.prefixes).toEqual(['site/'])
  })

  it('does not LIST for no keys', async () => {
    const store = new ListingStore()
    expect((await listKeys(store, [])).size).toBe(0)
    expect(store.prefixes).toEqual([])
  })
})

describe('readState', () => {
  it('is an empty record, without an ETag, when there is none', async () => {
    const loaded = await readState(access(new MemoryStore()))
    expect(loaded).toEqual({ document: { formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET, objects: {} } })
  })

  it.each<[string, string]>([
    ['not JSON', 'this is not { json'],
    ['empty', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[1, 2]'],
    ['another format version', JSON.stringify({ formatVersion: 99, bucket: BUCKET, objects: {} })],
    ['no format version', JSON.stringify({ bucket: BUCKET, objects: {} })],
    ['another bucket’s record', JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, bucket: 'foreign', objects: { a: {} } })],
    ['objects missing', JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET })],
    ['objects null', JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET, objects: null })],
  ])('treats %s as an empty record, keeping the ETag to replace it with If-Match', async (_, text) => {
    const store = new MemoryStore()
    const stored = store.putDirect(STATE_KEY, text)
    const loaded = await readState(access(store))
    expect(loaded).toEqual({ document: { formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET, objects: {} }, etag: stored.etag })

    await updateState(access(store), adding('k'))
    expect(statePuts(store)[0]?.headers['if-match']).toBe(`"${stored.etag}"`)
    expect(stateOf(store)).toMatchObject({ formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET, objects: { k: { etag: 'k' } } })
  })

  it('reads a record it wrote', async () => {
    const store = new MemoryStore()
    await updateState(access(store), adding('a', 'b'))
    const loaded = await readState(access(store))
    expect(Object.keys(loaded.document.objects)).toEqual(['a', 'b'])
    expect(loaded.etag).toBe(store.objects.get(STATE_KEY)!.etag)
  })

  it('gives records one copy of the values they repeat, each record reading as written', async () => {
    const headers = (cacheControl: string) => ({ metadata: {}, storageClass: 'STANDARD', cacheControl, contentType: 'text/html' })
    const record = (etag: string, cacheControl: string): StateRecord => ({
      etag,
      size: 1,
      lastModified: '2025-01-01T00:00:00.000Z',
      written: true,
      checksums: { CRC64NVME: `crc-${etag}` },
      checksumType: 'FULL_OBJECT',
      headers: headers(cacheControl),
    })
    const objects = { a: record('a', 'max-age=60'), b: record('b', 'max-age=60'), c: record('c', 'no-cache') }
    const store = new MemoryStore()
    store.putDirect(STATE_KEY, JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET, objects }))
    const read = (await readState(access(store))).document.objects
    expect(read).toEqual(objects)
    expect(read.a!.headers).toBe(read.b!.headers)
    expect(read.c!.headers).not.toBe(read.a!.headers)
    expect(read.c!.headers.cacheControl).toBe('no-cache')
    expect(read.a!.checksums).not.toBe(read.b!.checksums)
  })
})

describe('updateState', () => {
  it('creates the record with If-None-Match: *, then replaces it with If-Match on the ETag it read', async () => {
    const store = new MemoryStore()
    await updateState(access(store), adding('a'))
    const first = store.objects.get(STATE_KEY)!
    await updateState(access(store), adding('b'))
    const [create, replace] = statePuts(store)
    expect(create?.headers).toMatchObject({ 'if-none-match': '*', 'content-type': 'application/json' })
    expect(create?.headers).not.toHaveProperty('if-match')
    expect(replace?.headers).toMatchObject({ 'if-match': `"${first.etag}"` })
    expect(replace?.headers).not.toHaveProperty('if-none-match')
    // Content-MD5 is sent (the memory store verifies it), and the change saw the first record.
    expect(replace?.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(Object.keys(stateOf(store).objects)).toEqual(['a', 'b'])
  })

  it('sends no condition when conditional writes are off', async () => {
    const store = new MemoryStore()
    await updateState(access(store, { conditionalWrites: false }), adding('a'))
    await updateState(access(store, { conditionalWrites: false }), adding('b'))
    for (const call of statePuts(store)) {
      expect(call.headers).not.toHaveProperty('if-match')
      expect(call.headers).not.toHaveProperty('if-none-match')
    }
  })

  it('keeps both records when two first writers race: the loser gets 412 on If-None-Match, re-reads and merges', async () => {
    const store = new MemoryStore()
    let raced = false
    store.beforeAct = async (call) => {
      // Writer A has read "no record" and is about to create it; writer B gets there first.
      if (call.op === 'putObject' && call.key === STATE_KEY && !raced) {
        raced = true
        await updateState(access(store), adding('b/1', 'b/2'))
      }
    }
    await updateState(access(store), adding('a/1'))
    expect(Object.keys(stateOf(store).objects).sort()).toEqual(['a/1', 'b/1', 'b/2'])
    const puts = statePuts(store).map((c) => ({ ifNoneMatch: c.headers['if-none-match'], ifMatch: c.headers['if-match'] }))
    // A's create (412), B's create, A's replace of B's record.
    expect(puts).toEqual([{ ifNoneMatch: '*', ifMatch: undefined }, { ifNoneMatch: '*', ifMatch: undefined }, { ifNoneMatch: undefined, ifMatch: expect.stringMatching(/^".+"$/) }])
  })

  it('keeps both records when two updates of an existing record race on If-Match', async () => {
    const store = new MemoryStore()
    await updateState(access(store), adding('old'))
    let raced = false
    store.beforeAct = async (call) => {
      if (call.op === 'putObject' && call.key === STATE_KEY && !raced) {
        raced = true
        await updateState(access(store), adding('theirs'))
      }
    }
    const seen: string[][] = []
    await updateState(access(store), (document) => {
      seen.push(Object.keys(document.objects).sort())
      return adding('ours')(document)
    })
    expect(Object.keys(stateOf(store).objects).sort()).toEqual(['old', 'ours', 'theirs'])
    // The change ran again on the record as the other writer left it.
    expect(seen).toEqual([['old'], ['old', 'theirs']])
  })

  it('keeps every record when many updates run at once', async () => {
    const store = new MemoryStore()
    store.latencyMs = 1
    const writers = Array.from({ length: 4 }, (_, i) => updateState(access(store), adding(`w${i}`), { attempts: 20 }))
    await Promise.all(writers)
    expect(Object.keys(stateOf(store).objects).sort()).toEqual(['w0', 'w1', 'w2', 'w3'])
  })

  it('waits before each new try after a lost race, and not before the first', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', key: STATE_KEY, status: 412, code: 'PreconditionFailed', times: 3 })
    const waits: number[] = []
    await updateState(access(store), adding('a'), { backoff: async (attempt) => void waits.push(attempt) })
    expect(waits).toEqual([1, 2, 3])
    expect(Object.keys(stateOf(store).objects)).toEqual(['a'])
  })

  it('retries a 409 ConditionalRequestConflict as a lost race', async () => {
    const store = new MemoryStore()
    store.maxAttempts = 1 // no client-level retry: updateState's own loop handles it
    store.fail({ op: 'putObject', key: STATE_KEY, status: 409, code: 'ConditionalRequestConflict' })
    await updateState(access(store), adding('a'))
    expect(statePuts(store)).toHaveLength(2)
    expect(Object.keys(stateOf(store).objects)).toEqual(['a'])
  })

  it('gives up after the given number of lost races with an error naming the record', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', key: STATE_KEY, status: 412, code: 'PreconditionFailed', times: 100 })
    const error = await updateState(access(store), adding('a'), { attempts: 3 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PutplanError)
    expect(error).toMatchObject({ code: 's3' })
    expect((error as Error).message).toContain(`could not write the state record ${STATE_KEY}`)
    expect((error as Error).message).toContain('412')
    expect(statePuts(store)).toHaveLength(3)
    expect(store.objects.has(STATE_KEY)).toBe(false)
  })

  it('writes the record the plan read without reading it again, If-Match on its ETag', async () => {
    const store = new MemoryStore()
    await updateState(access(store), adding('old'))
    const current = await readState(access(store))
    const reads = vi.spyOn(store, 'getObject')
    await updateState(access(store), adding('ours'), { current })
    expect(reads).not.toHaveBeenCalled()
    expect(statePuts(store).at(-1)?.headers).toMatchObject({ 'if-match': `"${current.etag}"` })
    expect(Object.keys(stateOf(store).objects).sort()).toEqual(['old', 'ours'])
  })

  it('reads the record afresh when another writer changed it since the plan read it', async () => {
    const store = new MemoryStore()
    await updateState(access(store), adding('old'))
    const current = await readState(access(store))
    await updateState(access(store), adding('theirs'))
    await updateState(access(store), adding('ours'), { current })
    expect(Object.keys(stateOf(store).objects).sort()).toEqual(['old', 'ours', 'theirs'])
  })

  it('reads the record afresh without conditional writes: nothing would catch a stale copy', async () => {
    const store = new MemoryStore()
    await updateState(access(store), adding('old'))
    const current = await readState(access(store))
    await updateState(access(store), adding('theirs'))
    const reads = vi.spyOn(store, 'getObject')
    await updateState(access(store, { conditionalWrites: false }), adding('ours'), { current })
    expect(reads).toHaveBeenCalledTimes(1)
    expect(Object.keys(stateOf(store).objects).sort()).toEqual(['old', 'ours', 'theirs'])
  })

  it('does not retry other failures', async () => {
    const store = new MemoryStore()
    store.fail({ op: 'putObject', key: STATE_KEY, status: 403, code: 'AccessDenied' })
    const error = await updateState(access(store), adding('a')).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/could not write the state record .*403 AccessDenied/)
    expect(statePuts(store)).toHaveLength(1)
  })
})

describe('knownObjects', () => {
  async function bucketWithRecord() {
    const store = new ListingStore()
    for (const key of ['site/trusted', 'site/rewritten', 'site/unrecorded', 'site/touched', 'site/resized', 'site/cold']) store.putDirect(key, `bytes of ${key}`)
    const records: Record<string, StateRecord> = {}
    for (const key of ['site/trusted', 'site/rewritten', 'site/touched', 'site/cold']) records[key] = recordFor(store, key)
    // A record whose size disagrees with LIST, and one of an object since deleted.
    records['site/resized'] = { ...recordFor(store, 'site/resized'), size: 1 }
    records['site/deleted'] = recordFor(store, 'site/trusted')
    store.putDirect(STATE_KEY, JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, bucket: BUCKET, objects: records }))
    // Another client rewrote one (new ETag), and another with the same bytes a second later (same ETag).
    store.putDirect('site/rewritten', 'other bytes')
    store.lastModified.set('site/touched', '2025-01-01T00:00:01.000Z')
    // A lifecycle rule moved one to another class: no rewrite.
    store.storageClass.set('site/cold', 'GLACIER')
    return { store, records }
  }

  it('marks missing keys null, trusts recorded writes LIST still shows, leaves the rest to HeadObject', async () => {
    const { store, records } = await bucketWithRecord()
    const keys = ['site/trusted', 'site/rewritten', 'site/unrecorded', 'site/touched', 'site/resized', 'site/cold', 'site/deleted', 'site/never']
    const { known } = await knownObjects(store, readState(access(store)), keys)
    expect(known.get('site/deleted')).toBeNull()
    expect(known.get('site/never')).toBeNull()
    expect(known.get('site/trusted')).toEqual(records['site/trusted'])
    expect(known.get('site/cold')).toEqual({ ...records['site/cold'], headers: { ...records['site/cold']!.headers, storageClass: 'GLACIER' } })
    for (const key of ['site/rewritten', 'site/unrecorded', 'site/touched', 'site/resized']) expect(known.has(key)).toBe(false)
    expect([...known.keys()].sort()).toEqual(['site/cold', 'site/deleted', 'site/never', 'site/trusted'])
    // One LIST of the keys' prefix, and no HeadObject.
    expect(store.prefixes).toEqual(['site/'])
    expect(store.callsOf('headObject')).toHaveLength(0)
  })

  it('trusts nothing from an unreadable record, but still knows which keys are missing', async () => {
    const { store } = await bucketWithRecord()
    store.putDirect(STATE_KEY, '{ broken')
    const { known } = await knownObjects(store, readState(access(store)), ['site/trusted', 'site/never'])
    expect([...known]).toEqual([['site/never', null]])
  })

  it('trusts nothing from another bucket’s record', async () => {
    const { store } = await bucketWithRecord()
    const document = stateOf(store)
    store.putDirect(STATE_KEY, JSON.stringify({ ...document, bucket: 'foreign' }))
    const { known } = await knownObjects(store, readState(access(store)), ['site/trusted'])
    expect(known.size).toBe(0)
  })

  it('reads the record from the state store, and LISTs the manifest’s bucket', async () => {
    const { store, records } = await bucketWithRecord()
    const stateStore = new ListingStore()
    stateStore.putDirect('records/site.json', store.objects.get(STATE_KEY)!.bytes)
    store.objects.delete(STATE_KEY)
    const { known } = await knownObjects(store, readState(access(stateStore, { key: 'records/site.json' })), ['site/trusted'])
    expect(known.get('site/trusted')).toEqual(records['site/trusted'])
    expect(stateStore.prefixes).toEqual([])
    expect(store.prefixes).toEqual(['site/trusted'])
  })
})

describe('knownObjects without a state record', () => {
  it('marks the keys LIST does not show as missing, and leaves listed ones to HeadObject', async () => {
    const store = new MemoryStore()
    store.putDirect('site/a', 'a')
    const { known } = await knownObjects(store, undefined, ['site/a', 'site/b'])
    expect(known.get('site/b')).toBeNull()
    expect(known.has('site/a')).toBe(false)
  })

  it('knows nothing when LIST would cost more pages than the keys warrant', async () => {
    const store = new MemoryStore()
    const pages = Array.from({ length: 5 }, (_, p) => Array.from({ length: 1000 }, (_, i) => ({ key: `k/${p}-${i}`, etag: 'e', size: 1, storageClass: 'STANDARD' })))
    store.listObjectsV2 = async function* () {
      yield* pages
    }
    const { known } = await knownObjects(store, undefined, ['k/wanted'])
    expect(known.size).toBe(0)
  })

  it('knows nothing when the store refuses to list', async () => {
    const store = new MemoryStore()
    store.listObjectsV2 = async function* () {
      yield* []
      throw s3Error(403, 'AccessDenied', 'ListObjectsV2', '')
    }
    const { known } = await knownObjects(store, undefined, ['k/a'])
    expect(known.size).toBe(0)
  })
})
