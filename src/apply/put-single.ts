import { createChecksumHasher, createMd5Hasher } from '../local/hasher.js'
import type { ChecksumAlgorithm, LocalDigest } from '../plan/local-digest.js'
import { uploadChecksumAlgorithm, type PutOptions } from '../plan/put-options.js'
import type { PutObjectResult } from '../s3/index.js'
import { cheapestCheck } from './body-check.js'
import type { WriteItem } from './outcomes.js'
import { readWhole } from './read-whole.js'
import { SourceChangedError } from './source-changed-error.js'
import { VerifiedBody } from './verified-body.js'
import type { ObjectRun, WriteContext } from './write-context.js'
import { writeCondition } from './write-options.js'

/**
 * One PutObject: every option's header, Content-MD5 and the full-object checksum (S3
 * verifies both), the condition, and a body streamed from the file that fails the request
 * if its bytes are not the planned ones. A file the plan left for this read (a create in a
 * fresh apply, see `readInApply`) is read once, whole, and hashed and sent from memory.
 */
export async function putSingle(item: WriteItem, options: PutOptions, ctx: WriteContext, run: ObjectRun): Promise<PutObjectResult> {
  const algorithm = uploadChecksumAlgorithm(options)
  const { md5, checksums } = item.local
  const checksum = checksums[algorithm]
  if (md5 === undefined || checksum === undefined) return putRead(item, options, ctx, run)
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

/**
 * The file read once into blocks of `ctx.bodies` (which bounds the bytes held so), its
 * MD5 and checksum computed from the bytes that are then sent; any digest the plan did
 * compute must agree. `run.local` gets the digests, for the report and the record.
 */
async function putRead(item: WriteItem, options: PutOptions, ctx: WriteContext, run: ObjectRun): Promise<PutObjectResult> {
  const algorithm = uploadChecksumAlgorithm(options)
  const blocks = await ctx.bodies.take(item.size + 1, ctx.signal)
  try {
    const bytes = readWhole(run.path, item.size, blocks, run.identity)
    const local = digestsOf(bytes, item.size, [...new Set([algorithm, ...(Object.keys(item.local.checksums) as ChecksumAlgorithm[])])])
    const differs = disagreement(item.local, local)
    if (differs !== undefined) throw new SourceChangedError(`the file changed since the plan: its bytes no longer have the planned ${differs}`)
    run.local = local
    run.onBytes(item.size)
    const body = (): readonly Buffer[] => {
      run.attempts++
      return bytes
    }
    const input = { options, md5: local.md5!, checksum: { algorithm, value: local.checksums[algorithm]! }, condition: writeCondition(item, ctx.conditionalWrites), body, contentLength: item.size }
    return await ctx.slots.run(() => ctx.store.putObject(item.key, input), ctx.signal)
  } finally {
    ctx.bodies.give(blocks)
  }
}

/** The digests of the bytes in `views`, each view hashed by every hasher in turn while it is in the CPU's cache. */
function digestsOf(views: readonly Buffer[], size: number, algorithms: readonly ChecksumAlgorithm[]): LocalDigest {
  const md5 = createMd5Hasher()
  const hashers = algorithms.map((algorithm) => [algorithm, createChecksumHasher(algorithm)] as const)
  for (const view of views) {
    md5.update(view)
    for (const [, hasher] of hashers) hasher.update(view)
  }
  const checksums: LocalDigest['checksums'] = {}
  for (const [algorithm, hasher] of hashers) checksums[algorithm] = hasher.digest()
  return { size, md5: md5.digest(), checksums }
}

/** The first digest the plan holds that the bytes read do not have ("MD5", "CRC32 checksum"), if any. */
function disagreement(planned: LocalDigest, read: LocalDigest): string | undefined {
  if (planned.md5 !== undefined && planned.md5 !== read.md5) return 'MD5'
  for (const [algorithm, value] of Object.entries(planned.checksums)) {
    if (value !== undefined && read.checksums[algorithm as ChecksumAlgorithm] !== value) return `${algorithm} checksum`
  }
  return undefined
}
