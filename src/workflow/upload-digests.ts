import { FileChangedError, hashFile, isMultipart, type MultipartPolicy } from '../local/index.js'
import { isCompositeAlgorithm, uploadChecksumAlgorithm, type DesiredObject, type LocalDigest, type Plan, type PlanItem, type UploadItem, isUpload } from '../plan/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { fileError } from './gather-facts.js'
import { digestsAgree, rehashOptions } from './hash-options.js'

/**
 * The plan with what apply sends for every file it writes: the full-object checksum and,
 * for a file uploaded whole, the MD5 (Content-MD5). A file compared with a copy in the
 * bucket is hashed for the comparison alone (unless the copy's headers already call for
 * an upload), so that a plan that changes nothing computes no digest it does not compare;
 * the few the plan updates for their content are read again here. The second read
 * recomputes the first one's checksums, which must agree, and its digests replace the
 * first's, so that everything the plan holds of a file comes from one read.
 */
export async function withUploadDigests(
  plan: Plan,
  objects: readonly DesiredObject[],
  policy: MultipartPolicy,
  concurrency: number,
  /** Creates apply reads as it uploads them (`readInApply`): left without digests. */
  readLater?: (item: UploadItem) => boolean,
): Promise<Plan> {
  const missing = plan.items.filter(isUpload).filter((item) => lacksUploadDigests(item, policy) && !(item.action === 'create' && readLater?.(item)))
  if (missing.length === 0) return plan
  const sources = new Map(objects.map((o) => [o.key, o]))
  const digests = await mapBounded(missing, concurrency, (item) => uploadDigests(sources.get(item.key)!, item, policy))
  const completed = new Map(missing.map((item, i) => [item.key, digests[i]!]))
  const items = plan.items.map((item): PlanItem => {
    const local = completed.get(item.key)
    return local === undefined ? item : Object.assign({}, item, { local })
  })
  return Object.assign({}, plan, { items })
}

function lacksUploadDigests(item: UploadItem, policy: MultipartPolicy): boolean {
  const algorithm = uploadChecksumAlgorithm(item.options)
  return item.local.checksums[algorithm] === undefined || (item.local.md5 === undefined && !isMultipart(item.size, policy))
}

async function uploadDigests(desired: DesiredObject, item: UploadItem, policy: MultipartPolicy): Promise<LocalDigest> {
  const first = item.local
  const recompute = rehashOptions(first)
  const algorithm = uploadChecksumAlgorithm(item.options)
  try {
    const second = await hashFile(desired.sourcePath, {
      checksums: [...recompute.checksums, algorithm],
      // A file uploaded in parts sends an MD5 per part, computed as each part is sent.
      md5: { unlessMultipartUnder: policy },
      parts: {
        cut: recompute.parts?.cut ?? { policy },
        etag: false,
        composite: [...(recompute.parts?.composite ?? []), ...(isCompositeAlgorithm(algorithm) ? [algorithm] : [])],
      },
    }, { identity: desired.identity })
    if (!digestsAgree(first, second)) throw new FileChangedError(desired.sourcePath, first.size, second.size, 'its digests differ from the first read')
    return second
  } catch (error) {
    throw fileError(desired, error)
  }
}
