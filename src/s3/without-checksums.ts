import { RequestExecutor, type S3Request, type S3Response } from './request-executor.js'

/** Headers that ask a store to compute or verify a flexible checksum. */
const CHECKSUM_HEADER = /^x-amz-(sdk-)?checksum-/

/**
 * An executor for stores that refuse flexible checksums (`x-amz-checksum-*`,
 * `x-amz-sdk-checksum-algorithm`, the algorithm and type of multipart uploads and copies):
 * every request goes out without them. Content-MD5 still goes, which such stores verify.
 */
export class ExecutorWithoutChecksums extends RequestExecutor {
  override send(request: S3Request): Promise<S3Response> {
    if (request.headers === undefined) return super.send(request)
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !CHECKSUM_HEADER.test(name) || name === 'x-amz-checksum-mode'))
    return super.send({ ...request, headers })
  }
}
