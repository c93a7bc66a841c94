import { DEFAULT_MULTIPART_POLICY, type MultipartPolicy } from '../local/index.js'
import { PutplanError } from '../errors/index.js'
import type { Manifest } from '../manifest/index.js'
import { computePlan, isUpload, pruneRefusal, STORE_PROFILES, type DesiredObject, type ObjectFacts, type Plan, type Shard, type StoreProfile } from '../plan/index.js'
import { S3ServiceError, type ObjectStore, type RequestOptions } from '../s3/index.js'
import { bucketRequestOptions } from './bucket-request-options.js'
import { preflight } from './preflight.js'
import { knownObjects, readState, type LoadedState, type StateAccess } from '../state/index.js'
import type { CompressedBodies } from './compressed-bodies.js'
import { EarlyHashes } from './early-hashes.js'
import { gatherFacts } from './gather-facts.js'
import { manifestShard } from './manifest-shard.js'
import { gatherPruneFacts } from './prune-facts.js'
import { readInApply } from './read-in-apply.js'
import { withUploadDigests } from './upload-digests.js'

export interface PlanOptions {
  concurrency: number
  multipart?: MultipartPolicy
  /** The state record, when the manifest keeps one: with it, LIST replaces HeadObject for unchanged objects too, not only missing ones. */
  state?: StateAccess
  /** Ask HeadObject for every object, trusting neither LIST nor the record (`--refresh`). */
  refresh?: boolean
  onObject?: (done: number, total: number) => void
  /** `--shard K/N`: plan only the keys of that shard, and delete nothing (see `PlanShard`). */
  shard?: Shard
  /** What the store accepts and honours; AWS when not given. */
  profile?: StoreProfile
  /**
   * The plan is applied in this run (a fresh `apply`): the files it creates that
   * `readInApply` names are read once, by their upload, not hashed here first.
   */
  applyNow?: boolean
  /** The compressed copies of objects with `compress`, made as gathering finds them needed (see `CompressedBodies`). */
  bodies?: CompressedBodies
}

export interface PlanResult {
  plan: Plan
  /** What the plan was computed from, for the state record apply writes. */
  facts: ObjectFacts[]
  /** The state record as the plan read it, for apply to update. */
  state?: LoadedState
}

/** Reads the bucket and the files, then diffs: the plan stage, with the store given. */
export async function makePlan(whole: Manifest, store: ObjectStore, options: PlanOptions): Promise<PlanResult> {
  const request = bucketRequestOptions(whole)
  await checkBucket(store, whole, request)
  // After HeadBucket (which reports a missing bucket, and learns its region), beside the
  // reads of the objects: four GETs that cost no round trip of their own.
  const settings = store.getBucketFacts(request)
  settings.catch(() => {}) // awaited below, unless gathering fails first
  const manifest = manifestShard(whole, options.shard)
  const prune = options.shard ? undefined : manifest.prune
  const multipart = options.multipart ?? DEFAULT_MULTIPART_POLICY
  const readLater = options.applyNow ? (desired: Pick<DesiredObject, 'size' | 'options' | 'compress'>) => readInApply(desired, multipart) : undefined
  // Prune reads the record even with --refresh: it alone says what putplan wrote.
  const reading = options.state && (!options.refresh || prune) ? readState(options.state) : undefined
  const early = new EarlyHashes(manifest.objects, multipart, options.refresh ? undefined : reading?.then((loaded) => loaded.document.objects))
  const gathering = async (): Promise<ObjectFacts[]> => {
    const keys = manifest.objects.map((o) => o.key)
    const listing = options.refresh ? undefined : await knownObjects(store, reading, keys, request, options.shard?.count)
    const records = listing?.state?.document.objects
    return gatherFacts(manifest.objects, {
      store,
      concurrency: options.concurrency,
      multipart,
      known: listing?.known,
      early,
      onObject: options.onObject,
      ...(readLater ? { readInApply: readLater } : {}),
      ...(options.bodies ? { bodies: options.bodies } : {}),
      ...(records ? { records } : {}),
    })
  }
  const pruning = prune ? gatherPruneFacts(store, manifest, prune, reading, request, options.concurrency) : undefined
  const [facts, pruneFacts] = await Promise.all([gathering(), pruning]).finally(() => early.stop())
  const bucketFacts = await settings
  const profile = options.profile ?? STORE_PROFILES.aws
  const warnings = preflight(whole, bucketFacts, profile)
  const state: LoadedState | undefined = await reading
  const shard = options.shard && { ...options.shard, ...(manifest.prune ? { pruneDeferred: true as const } : {}) }
  const computed = computePlan({ bucket: manifest.bucket, manifestDigest: manifest.digest, objects: facts, ...(pruneFacts ? { prune: pruneFacts } : {}), ...(shard ? { shard } : {}) })
  const plan = {
    ...computed,
    bucketFacts,
    compatibility: profile.name,
    ...(warnings.length === 0 ? {} : { warnings }),
    ...(manifest.allowOutside ? { allowOutside: manifest.allowOutside } : {}),
    ...(manifest.skippedLinks ? { skippedLinks: manifest.skippedLinks } : {}),
  }
  const refusal = pruneRefusal(plan)
  if (refusal !== undefined) throw new PutplanError('prune-refused', refusal)
  const uploads = await withUploadDigests(plan, await uploadBodies(plan, facts, options.bodies, options.concurrency), multipart, options.concurrency, readLater)
  return { plan: uploads, facts, ...(state ? { state } : {}) }
}

/**
 * The objects as uploads read them: a compressed object's copy, made now for one the plan
 * uploads though its record vouched for the bytes (which gathering avoids: it then reads
 * the record only when no upload is due), the copy made while gathering for the others.
 */
async function uploadBodies(plan: Plan, facts: readonly ObjectFacts[], bodies: CompressedBodies | undefined, concurrency: number): Promise<DesiredObject[]> {
  const desired = facts.map((fact) => fact.desired)
  return bodies ? bodies.bodiesOf(desired, new Set(plan.items.filter(isUpload).map((item) => item.key)), concurrency) : desired
}

/**
 * HeadObject cannot tell a missing bucket from a missing key (no body on HEAD), so the
 * bucket is checked first: otherwise a typo in its name would plan to create everything.
 */
async function checkBucket(store: ObjectStore, manifest: Manifest, request: RequestOptions): Promise<void> {
  const owner = request.expectedBucketOwner
  try {
    await store.headBucket(request)
  } catch (error) {
    if (!(error instanceof S3ServiceError)) throw error
    if (error.status === 404) throw new PutplanError('s3', `bucket "${manifest.bucket}" does not exist (or this endpoint does not serve it)`)
    if (error.status === 403) {
      // HeadBucket answers without a body: a bad signature and a missing permission look alike.
      const hint =
        owner === undefined
          ? 'the credentials are invalid, or lack s3:ListBucket on it'
          : `the credentials are invalid or lack s3:ListBucket on it, or it is not owned by account ${owner}`
      throw new PutplanError('s3', `access denied to bucket "${manifest.bucket}": ${hint}`)
    }
    // The client already re-signed for the region S3 named; a redirect now means the endpoint serves another region.
    if (error.bucketRegion !== undefined && (error.status === 301 || error.status === 307)) {
      throw new PutplanError(
        's3',
        `bucket "${manifest.bucket}" is in region ${error.bucketRegion} and this endpoint does not serve it (${error.status} ${error.s3Code}): set region: ${error.bucketRegion}, with an endpoint of that region or none`,
      )
    }
    throw new PutplanError('s3', `cannot reach bucket "${manifest.bucket}": ${error.message}`)
  }
}
