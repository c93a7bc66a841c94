import { DEFAULT_MULTIPART_POLICY, type MultipartPolicy } from '../local/index.js'
import { PutplanError } from '../errors/index.js'
import type { Manifest } from '../manifest/index.js'
import { computePlan, type Plan } from '../plan/index.js'
import { S3ServiceError, type ObjectStore } from '../s3/index.js'
import { gatherFacts } from './gather-facts.js'

export interface PlanOptions {
  concurrency: number
  multipart?: MultipartPolicy
  onObject?: (done: number, total: number) => void
}

/** Reads the bucket and the files, then diffs: the plan stage, with the store given. */
export async function makePlan(manifest: Manifest, store: ObjectStore, options: PlanOptions): Promise<Plan> {
  await checkBucket(store, manifest)
  const objects = await gatherFacts(manifest.objects, {
    store,
    concurrency: options.concurrency,
    multipart: options.multipart ?? DEFAULT_MULTIPART_POLICY,
    onObject: options.onObject,
  })
  return computePlan({ bucket: manifest.bucket, manifestDigest: manifest.digest, objects })
}

/**
 * HeadObject cannot tell a missing bucket from a missing key (no body on HEAD), so the
 * bucket is checked first: otherwise a typo in its name would plan to create everything.
 */
async function checkBucket(store: ObjectStore, manifest: Manifest): Promise<void> {
  const owner = manifest.objects.find((o) => o.options.expectedBucketOwner !== undefined)?.options.expectedBucketOwner
  try {
    await store.headBucket(owner === undefined ? {} : { expectedBucketOwner: owner })
  } catch (error) {
    if (!(error instanceof S3ServiceError)) throw error
    if (error.status === 404) throw new PutplanError('s3', `bucket "${manifest.bucket}" does not exist (or this endpoint does not serve it)`)
    if (error.status === 403) {
      const hint = owner === undefined ? 'the credentials likely lack s3:ListBucket on it' : `the credentials lack s3:ListBucket on it, or it is not owned by account ${owner}`
      throw new PutplanError('s3', `access denied to bucket "${manifest.bucket}": ${hint}`)
    }
    throw new PutplanError('s3', `cannot reach bucket "${manifest.bucket}": ${error.message}`)
  }
}
