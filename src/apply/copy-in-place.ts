import { isMultipart, partSizeFor, type MultipartPolicy } from '../local/part-size.js'
import { uniformCut } from '../plan/part-cut.js'
import type { RepairItem } from '../plan/plan.js'
import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import type { CopyObjectResult, UploadedPart } from '../s3/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { completeChecksum } from './part-digest.js'
import type { WriteContext } from './write-context.js'
import { objectRequestOptionsOf, requestOptionsOf } from './write-options.js'

const MiB = 1024 * 1024

/**
 * S3 copies at most 5 GiB with one CopyObject; a larger object is copied in parts with
 * UploadPartCopy, 512 MiB each (grown to stay within 10,000 parts): the bytes never leave
 * S3, so large parts only mean fewer requests.
 */
export const DEFAULT_COPY_POLICY: Readonly<MultipartPolicy> = Object.freeze({ threshold: 5 * 1024 * MiB, partSize: 512 * MiB })

/**
 * Copies the object onto itself, so that it stores `options` (everything PutObject would
 * store, the SSE-C key included) while its bytes stay in S3: one CopyObject with the
 * REPLACE directive, or a multipart upload of UploadPartCopy parts above the copy policy's
 * threshold. Every read of the source requires the planned ETag
 * (`x-amz-copy-source-if-match`), so an object changed since the plan is a 412, never
 * overwritten. The new object gets a full-object checksum of the algorithm the manifest
 * declares (CRC64NVME by default), as an upload would.
 */
export async function copyInPlace(item: RepairItem, options: PutOptions, ctx: WriteContext): Promise<CopyObjectResult> {
  const checksumAlgorithm = uploadChecksumAlgorithm(options)
  const sourceEtag = ctx.conditionalWrites ? item.remoteEtag : undefined
  if (!isMultipart(item.size, ctx.copyPolicy)) {
    // The tags stay unless they drifted too: then the manifest's replace them.
    const tagging = item.repairs.includes('tagging') ? 'REPLACE' : 'COPY'
    const input = { options, checksumAlgorithm, tagging, ...(sourceEtag === undefined ? {} : { sourceEtag }) } as const
    return ctx.slots.run(() => ctx.store.copyObject(item.key, input), ctx.signal)
  }
  return copyInParts(item, options, ctx, sourceEtag)
}

/**
 * A multipart upload has no tagging directive: it stores the tags CreateMultipartUpload
 * names, so the object's own are read first unless the manifest's replace them. The
 * condition on the planned ETag goes on every part and on CompleteMultipartUpload; on any
 * failure the upload is aborted before this returns.
 */
async function copyInParts(item: RepairItem, options: PutOptions, ctx: WriteContext, sourceEtag: string | undefined): Promise<CopyObjectResult> {
  const { store, signal } = ctx
  const tagging = item.repairs.includes('tagging') ? (options.tagging ?? {}) : await store.getObjectTagging(item.key, requestOptionsOf(options))
  const partSize = partSizeFor(item.size, ctx.copyPolicy)
  const partCount = uniformCut(item.size, partSize).length
  const perRequest = objectRequestOptionsOf(options)
  const checksum = completeChecksum(uploadChecksumAlgorithm(options), item.local)

  signal?.throwIfAborted()
  const uploadId = await store.createMultipartUpload(item.key, { ...options, tagging })
  ctx.registry.add(item.key, uploadId, requestOptionsOf(options))
  try {
    const numbers = Array.from({ length: partCount }, (_, i) => i + 1)
    const parts = await mapBounded(numbers, Math.min(ctx.partsPerObject, partCount), (partNumber): Promise<UploadedPart> => {
      signal?.throwIfAborted()
      const first = (partNumber - 1) * partSize
      const range = { first, last: Math.min(item.size, first + partSize) - 1 }
      const input = { uploadId, partNumber, range, options: perRequest, ...(sourceEtag === undefined ? {} : { sourceEtag }) }
      return ctx.slots.run(() => store.uploadPartCopy(item.key, input), signal)
    })
    signal?.throwIfAborted()
    const condition = sourceEtag === undefined ? {} : { ifMatch: sourceEtag }
    const result = await store.completeMultipartUpload(item.key, { uploadId, parts, condition, options: perRequest, ...(checksum ? { checksum } : {}) })
    ctx.registry.remove(uploadId)
    return result
  } catch (error) {
    await ctx.registry.abort(uploadId)
    throw error
  }
}
