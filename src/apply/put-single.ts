import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import type { PutObjectResult } from '../s3/index.js'
import { cheapestCheck } from './body-check.js'
import type { WriteItem } from './outcomes.js'
import { VerifiedBody } from './verified-body.js'
import type { ObjectRun, WriteContext } from './write-context.js'
import { writeCondition } from './write-options.js'

/**
 * One PutObject: every option's header, Content-MD5 and the full-object checksum (S3
 * verifies both), the condition, and a body streamed from the file that fails the request
 * if its bytes are not the planned ones.
 */
export async function putSingle(item: WriteItem, options: PutOptions, ctx: WriteContext, run: ObjectRun): Promise<PutObjectResult> {
  const algorithm = uploadChecksumAlgorithm(options)
  const { md5, checksums } = item.local
  const checksum = checksums[algorithm]
  // The plan computes both for every file uploaded in one piece.
  if (md5 === undefined || checksum === undefined) throw new Error(`the plan holds no MD5 or ${algorithm} checksum of ${item.source} for its PutObject`)
  const body = new VerifiedBody({
    path: run.path,
    identity: run.identity,
    start: 0,
    length: item.size,
    check: cheapestCheck(md5, algorithm, checksum),
    what: 'the file',
    onBytes: run.onBytes,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  })
  try {
    const input = { options, md5, checksum: { algorithm, value: checksum }, condition: writeCondition(item, ctx.conditionalWrites), body: body.open, contentLength: item.size }
    return await ctx.slots.run(() => ctx.store.putObject(item.key, input), ctx.signal)
  } catch (error) {
    // The transport reports a failed body as a network error; the mismatch is the news.
    throw body.mismatch ?? error
  } finally {
    run.attempts += body.attempts
  }
}
