import { partSizeFor } from '../local/part-size.js'
import { isCompositeAlgorithm } from '../plan/local-digest.js'
import { cutOf, uniformCut } from '../plan/part-cut.js'
import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import type { PutObjectResult, UploadedPart } from '../s3/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { cheapestCheck } from './body-check.js'
import type { WriteItem } from './outcomes.js'
import { completeChecksum, compositeChecksum, digestRange, multipartEtag } from './part-digest.js'
import { SourceChangedError } from './source-changed-error.js'
import { VerifiedBody } from './verified-body.js'
import type { ObjectRun, WriteContext } from './write-context.js'
import { objectRequestOptionsOf, requestOptionsOf, writeCondition } from './write-options.js'

/**
 * A multipart upload: parts cut as the plan's digest was (so the ETag is the one the plan
 * predicted), at most `partsPerObject` of them in flight, each holding a request slot
 * only while it sends. Each part is read twice, once for its Content-MD5 and checksum,
 * once as the body, which is checked against the first read. The condition and the
 * full-object checksum travel on CompleteMultipartUpload. On any failure, the abort
 * signal included, the upload is aborted before this returns.
 */
export async function putMultipart(item: WriteItem, options: PutOptions, ctx: WriteContext, run: ObjectRun): Promise<PutObjectResult> {
  const { store, signal } = ctx
  const algorithm = uploadChecksumAlgorithm(options)
  // The plan's cut, so that the parts make the ETag and composite it computed; else the policy's.
  const planned = item.local.multipart
  const sizes = planned ? cutOf(planned, item.size) : uniformCut(item.size, partSizeFor(item.size, ctx.policy))
  const starts: number[] = []
  let offset = 0
  for (const size of sizes) {
    starts.push(offset)
    offset += size
  }
  const partCount = sizes.length
  // Every request on the upload repeats the SSE-C key and the bucket-owner/payer options.
  const perRequest = objectRequestOptionsOf(options)
  const checksum = completeChecksum(algorithm, item.local)
  const complete = { condition: writeCondition(item, ctx.conditionalWrites), options: perRequest, ...(checksum ? { checksum } : {}) }

  signal?.throwIfAborted()
  const uploadId = await store.createMultipartUpload(item.key, options)
  ctx.registry.add(item.key, uploadId, requestOptionsOf(options))
  try {
    const md5s: string[] = []
    const numbers = Array.from({ length: partCount }, (_, i) => i + 1)
    const parts = await mapBounded(numbers, Math.min(ctx.partsPerObject, partCount), async (partNumber): Promise<UploadedPart> => {
      signal?.throwIfAborted()
      const start = starts[partNumber - 1]!
      const length = sizes[partNumber - 1]!
      const what = `part ${partNumber} of the file`
      const digest = await digestRange(run.path, start, length, algorithm, what, signal, run.identity)
      md5s[partNumber - 1] = digest.md5
      const check = cheapestCheck(digest.md5, algorithm, digest.checksum)
      const body = new VerifiedBody({ path: run.path, identity: run.identity, start, length, check, what, onBytes: run.onBytes, ...(signal ? { signal } : {}) })
      const input = { uploadId, partNumber, body: body.open, contentLength: length, md5: digest.md5, checksum: { algorithm, value: digest.checksum }, options: perRequest }
      try {
        const part = await ctx.slots.run(() => store.uploadPart(item.key, input), signal)
        return { ...part, checksums: { [algorithm]: digest.checksum } }
      } catch (error) {
        throw body.mismatch ?? error
      } finally {
        run.attempts += body.attempts
      }
    })

    // The parts' digests are what was sent: they must make the ETag or composite checksum
    // the plan computed. A CRC travels whole on Complete, for S3 to check against the parts.
    if (planned !== undefined) {
      if (planned.etag !== undefined && multipartEtag(md5s) !== planned.etag) {
        throw new SourceChangedError('the file changed since the plan: its parts no longer make the planned multipart ETag')
      }
      const composite = planned.compositeChecksums[algorithm]
      if (composite !== undefined && isCompositeAlgorithm(algorithm) && compositeChecksum(algorithm, parts) !== composite) {
        throw new SourceChangedError(`the file changed since the plan: its parts no longer make the planned ${algorithm} composite checksum`)
      }
    }
    signal?.throwIfAborted()
    const result = await store.completeMultipartUpload(item.key, { uploadId, parts, ...complete })
    ctx.registry.remove(uploadId)
    return result
  } catch (error) {
    await ctx.registry.abort(uploadId)
    throw error
  }
}
