import type { Manifest, PruneSettings } from '../manifest/index.js'
import { manifestFolders, type BucketObject, type PruneFacts } from '../plan/index.js'
import { S3ServiceError, type ListedObject, type ObjectStore, type RequestOptions } from '../s3/index.js'
import { listWithin, trustRecord, type LoadedState, type StateRecord } from '../state/index.js'
import { mapBounded } from '../util/map-bounded.js'

/** Pages the listing of the manifest's folders may take: 10, and 2 more per 1,000 keys declared. */
const BASE_PAGES = 10
const PAGES_PER_THOUSAND_KEYS = 2
/** Folders listed at once. */
const FOLDERS_AT_ONCE = 4

/**
 * What prune decides from (see `PruneFacts`), read from the state record and the bucket:
 * the recorded keys the manifest no longer declares, with what the bucket holds under each
 * now (LIST of their common prefix, or HeadObject when that would cost more pages than they
 * warrant); and a listing of the manifest's folders for the objects putplan does not own,
 * which stops after a number of pages that grows with the manifest, so a small manifest in
 * a huge shared bucket costs a few requests (the plan then says the count is a floor).
 */
export async function gatherPruneFacts(
  store: ObjectStore,
  manifest: Manifest,
  settings: PruneSettings,
  reading: Promise<LoadedState> | undefined,
  request: RequestOptions,
  concurrency: number,
): Promise<PruneFacts> {
  const declared = new Set(manifest.objects.map((object) => object.key))
  const folders = manifestFolders(manifest.objects)
  const budget = BASE_PAGES + PAGES_PER_THOUSAND_KEYS * Math.ceil(declared.size / 1000)
  const recordedUndeclared = async () => {
    const records = (await reading)?.document.objects ?? {}
    const keys = Object.keys(records).filter((key) => !declared.has(key))
    return { records, seen: await lookUp(store, keys, request, concurrency) }
  }
  const [listing, { records, seen }] = await Promise.all([listFolders(store, folders, request, budget), recordedUndeclared()])

  const owned: BucketObject[] = []
  const found: BucketObject[] = []
  for (const [key, object] of seen) (isOurs(records[key], object) ? owned : found).push(object)
  // The state record is putplan's own object, never a stray.
  const stateKey = manifest.state && (manifest.state.bucket ?? manifest.bucket) === manifest.bucket ? manifest.state.key : undefined
  found.push(...listing.objects.filter((object) => object.key !== stateKey))
  return { maxDeletes: settings.maxDeletes, protect: settings.protect, owned, folders, found, complete: listing.complete }
}

/** putplan wrote the object and the bucket still holds that very write (a record of a verified object does not count). */
function isOurs(record: StateRecord | undefined, seen: ListedObject): boolean {
  return record?.written === true && trustRecord(record, seen) !== undefined
}

/** What the bucket holds under each key (absent: no such object), by LIST when it is cheap, else HeadObject. */
async function lookUp(store: ObjectStore, keys: readonly string[], request: RequestOptions, concurrency: number): Promise<Map<string, ListedObject>> {
  if (keys.length === 0) return new Map()
  const listed = await listWithin(store, keys, request)
  if (listed) return listed
  const heads = await mapBounded(keys, concurrency, async (key) => {
    const remote = await store.headObject(key, { ...request, checksumMode: false })
    return remote && { key, etag: remote.etag, size: remote.size, storageClass: remote.headers.storageClass, ...(remote.lastModified === undefined ? {} : { lastModified: remote.lastModified }) }
  })
  return new Map(heads.filter((object): object is ListedObject => object !== undefined).map((object) => [object.key, object]))
}

/** Every object under the folders, until `budget` pages in all; `complete` when every folder was listed to its end. */
async function listFolders(store: ObjectStore, folders: readonly string[], request: RequestOptions, budget: number): Promise<{ objects: ListedObject[]; complete: boolean }> {
  const objects: ListedObject[] = []
  let pages = 0
  let complete = true
  try {
    await mapBounded(folders, FOLDERS_AT_ONCE, async (prefix) => {
      for await (const page of store.listObjectsV2({ prefix }, request)) {
        if (++pages > budget) {
          complete = false
          return
        }
        objects.push(...page)
      }
    })
  } catch (error) {
    // The listing only informs: without s3:ListBucket the plan says it could not look.
    if (!(error instanceof S3ServiceError)) throw error
    return { objects: [], complete: false }
  }
  return { objects, complete }
}
