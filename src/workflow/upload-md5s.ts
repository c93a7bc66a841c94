import { FileChangedError, hashFile, isMultipart, type MultipartPolicy } from '../local/index.js'
import type { ChecksumAlgorithm, DesiredObject, LocalDigest, Plan, PlanItem } from '../plan/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { fileError } from './gather-facts.js'

/**
 * The plan with the MD5 (Content-MD5) of every file it uploads whole. A file compared with
 * a copy in the bucket is hashed only for what the comparison needs (unless the copy's
 * headers already call for an upload); the few the plan updates for their content are
 * read again here, so that a plan that changes nothing computes no MD5 it does not
 * compare. The second read must give the checksums of the first.
 */
export async function withUploadMd5s(plan: Plan, objects: readonly DesiredObject[], policy: MultipartPolicy, concurrency: number): Promise<Plan> {
  const missing = plan.items.filter((item) => (item.action === 'create' || item.action === 'update') && item.local.md5 === undefined && !isMultipart(item.size, policy))
  if (missing.length === 0) return plan
  const sources = new Map(objects.map((o) => [o.key, o]))
  const digests = await mapBounded(missing, concurrency, (item) => md5Added(sources.get(item.key)!, item.local, policy))
  const completed = new Map(missing.map((item, i) => [item.key, digests[i]!]))
  const items = plan.items.map((item): PlanItem => {
    const local = completed.get(item.key)
    return local === undefined ? item : Object.assign({}, item, { local })
  })
  return Object.assign({}, plan, { items })
}

async function md5Added(desired: DesiredObject, local: LocalDigest, policy: MultipartPolicy): Promise<LocalDigest> {
  const algorithms = Object.keys(local.checksums) as ChecksumAlgorithm[]
  try {
    const again = await hashFile(desired.sourcePath, { algorithms, multipart: policy, md5: () => true })
    const same = again.size === local.size && algorithms.every((a) => again.checksums[a] === local.checksums[a])
    if (!same) throw new FileChangedError(desired.sourcePath, local.size, again.size, 'its checksum differs from the first read')
    return Object.assign({}, local, { md5: again.md5 })
  } catch (error) {
    throw fileError(desired, error)
  }
}
