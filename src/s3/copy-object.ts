import { CHECKSUM_ALGORITHMS } from '../plan/local-digest.js'
import { encodeKeyPath, encodeSegment } from './addressing.js'
import { copyObjectHeaders, uploadPartCopyHeaders } from './object-headers.js'
import type { CopyObjectInput, CopyObjectResult, UploadedPart, UploadPartCopyInput } from './object-store.js'
import { putResultFromHeaders } from './put-object.js'
import { CHECKSUM_HEADERS, checksumsFromHeaders, isoDate, unquote } from './remote-object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { UnexpectedAnswerError } from './s3-errors.js'
import { child, parseXml, text, type XmlNode } from './xml.js'

/** `x-amz-copy-source` for an object of the bucket: `bucket/key`, URI-encoded as a request path is. */
export function copySource(bucket: string, key: string): string {
  return `${encodeSegment(bucket)}/${encodeKeyPath(key)}`
}

export async function copyObject(executor: RequestExecutor, bucket: string, key: string, input: CopyObjectInput): Promise<CopyObjectResult> {
  const context = { operation: 'CopyObject', key }
  // S3 may answer 200 and then fail the copy in the body.
  const response = await executor.send({ ...context, method: 'PUT', headers: copyObjectHeaders(copySource(bucket, key), input), errorIn200: true })
  const result = child(parseXml(response.body.toString('utf8'), context), 'CopyObjectResult')
  const etag = text(result, 'ETag')
  if (etag === undefined || etag === '') throw new UnexpectedAnswerError(context, 'no ETag')
  const answer: CopyObjectResult = putResultFromHeaders({ ...response.headers, ...checksumHeaders(result) }, etag)
  const lastModified = isoDate(text(result, 'LastModified'))
  if (lastModified !== undefined) answer.lastModified = lastModified
  return answer
}

export async function uploadPartCopy(executor: RequestExecutor, bucket: string, key: string, input: UploadPartCopyInput): Promise<UploadedPart> {
  const context = { operation: 'UploadPartCopy', key }
  const response = await executor.send({
    ...context,
    method: 'PUT',
    query: { partNumber: String(input.partNumber), uploadId: input.uploadId },
    headers: uploadPartCopyHeaders(copySource(bucket, key), input),
    errorIn200: true,
  })
  const result = child(parseXml(response.body.toString('utf8'), context), 'CopyPartResult')
  const etag = text(result, 'ETag')
  if (etag === undefined || etag === '') throw new UnexpectedAnswerError(context, 'no ETag')
  return { partNumber: input.partNumber, etag: unquote(etag), checksums: checksumsFromHeaders(checksumHeaders(result)) }
}

/**
 * The `Checksum<algorithm>` and `ChecksumType` elements of an answer's document, as the
 * headers PutObject answers with, so that one parser reads both.
 */
export function checksumHeaders(result: XmlNode): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = text(result, `Checksum${algorithm}`)
    if (value !== undefined && value !== '') headers[CHECKSUM_HEADERS[algorithm]] = value
  }
  const checksumType = text(result, 'ChecksumType')
  if (checksumType !== undefined && checksumType !== '') headers['x-amz-checksum-type'] = checksumType
  return headers
}
