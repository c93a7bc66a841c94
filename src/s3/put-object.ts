import type { PutObjectInput, PutObjectResult } from './object-store.js'
import { checksumsFromHeaders, encryptionFromHeaders, unquote } from './remote-object-headers.js'
import { putObjectHeaders } from './object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { UnexpectedAnswerError } from './s3-errors.js'

export async function putObject(executor: RequestExecutor, key: string, input: PutObjectInput): Promise<PutObjectResult> {
  const response = await executor.send({
    operation: 'PutObject',
    method: 'PUT',
    key,
    headers: putObjectHeaders(input),
    body: input.body,
  })
  // S3 always names what it stored; a success without an ETag is not S3's, and nothing can be said to be written.
  if (!response.headers.etag) throw new UnexpectedAnswerError({ operation: 'PutObject', key }, 'no ETag')
  return putResultFromHeaders(response.headers)
}

/** The fields of PutObject's answer (CompleteMultipartUpload shares the header ones). */
export function putResultFromHeaders(h: Record<string, string>, etagFromBody?: string): PutObjectResult {
  const result: PutObjectResult = { etag: unquote(etagFromBody ?? h.etag ?? ''), checksums: checksumsFromHeaders(h) }
  const set = <K extends keyof PutObjectResult>(field: K, value: PutObjectResult[K] | undefined): void => {
    if (value !== undefined) result[field] = value
  }
  set('versionId', h['x-amz-version-id'])
  set('checksumType', h['x-amz-checksum-type'])
  set('expiration', h['x-amz-expiration'])
  Object.assign(result, encryptionFromHeaders(h))
  set('requestCharged', h['x-amz-request-charged'])
  return result
}
