import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import { putHeaders, type PutObjectResult } from '../s3/index.js'
import { cheapestCheck } from './body-check.js'
import type { WriteItem } from './outcomes.js'
import { VerifiedBody } from './verified-body.js'
import type { ObjectRun, WriteContext } from './write-context.js'
import { conditionHeaders } from './write-options.js'

/**
 * One PutObject: every option's header, Content-MD5 and the full-object checksum (S3
 * verifies both), the condition, and a body streamed from the file that fails the request
 * if its bytes are not the planned ones.
 */
export async function putSingle(item: WriteItem, options: PutOptions, ctx: WriteContext, run: ObjectRun): Promise<PutObjectResult> {
  const headers = Object.assign(putHeaders(options, item.local), conditionHeaders(item, ctx.conditionalWrites))
  const algorithm = uploadChecksumAlgorithm(options)
  const body = new VerifiedBody({
    path: run.path,
    start: 0,
    length: item.size,
    // putHeaders has thrown if the plan has no MD5.
    check: cheapestCheck(item.local.md5!, algorithm, item.local.checksums[algorithm]),
    what: 'the file',
    onBytes: run.onBytes,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  })
  try {
    return await ctx.slots.run(() => ctx.store.putObject(item.key, { headers, body: body.open, contentLength: item.size }), ctx.signal)
  } catch (error) {
    // The transport reports a failed body as a network error; the mismatch is the news.
    throw body.mismatch ?? error
  } finally {
    run.attempts += body.attempts
  }
}
