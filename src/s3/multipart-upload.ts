import type { ChecksumAlgorithm } from '../plan/local-digest.js'
import { checksumHeaders } from './copy-object.js'
import type { CompleteMultipartInput, PutObjectResult, RequestOptions, UploadedPart, UploadPartInput } from './object-store.js'
import type { PutOptions } from '../plan/put-options.js'
import { completeMultipartHeaders, createMultipartHeaders, requestOptionHeaders, uploadPartHeaders } from './object-headers.js'
import { putResultFromHeaders } from './put-object.js'
import { checksumsFromHeaders, unquote } from './remote-object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { UnexpectedAnswerError } from './s3-errors.js'
import { child, children, parseXml, text, xmlEscape } from './xml.js'

export async function createMultipartUpload(executor: RequestExecutor, key: string, options: PutOptions): Promise<string> {
  const headers = createMultipartHeaders(options)
  const response = await executor.send({ operation: 'CreateMultipartUpload', method: 'POST', key, query: { uploads: '' }, headers })
  const context = { operation: 'CreateMultipartUpload', key }
  const uploadId = text(child(parseXml(response.body.toString('utf8'), context), 'InitiateMultipartUploadResult'), 'UploadId')
  if (uploadId === undefined || uploadId === '') throw new UnexpectedAnswerError(context, 'no UploadId')
  return uploadId
}

export async function uploadPart(executor: RequestExecutor, key: string, input: UploadPartInput): Promise<UploadedPart> {
  const response = await executor.send({
    operation: 'UploadPart',
    method: 'PUT',
    key,
    query: { partNumber: String(input.partNumber), uploadId: input.uploadId },
    headers: uploadPartHeaders(input),
    body: input.body,
  })
  return { partNumber: input.partNumber, etag: unquote(response.headers.etag ?? ''), checksums: checksumsFromHeaders(response.headers) }
}

export async function completeMultipartUpload(executor: RequestExecutor, key: string, input: CompleteMultipartInput): Promise<PutObjectResult> {
  const body = completeBody(input.parts)
  const response = await executor.send({
    operation: 'CompleteMultipartUpload',
    method: 'POST',
    key,
    query: { uploadId: input.uploadId },
    headers: completeMultipartHeaders(input),
    body,
    errorIn200: true,
  })
  const document = parseXml(response.body.toString('utf8'), { operation: 'CompleteMultipartUpload', key })
  // S3 names the root ...Result; some S3-compatible stores (moto) ...Response.
  const result = document.CompleteMultipartUploadResult === undefined ? child(document, 'CompleteMultipartUploadResponse') : child(document, 'CompleteMultipartUploadResult')
  return putResultFromHeaders({ ...response.headers, ...checksumHeaders(result) }, text(result, 'ETag'))
}

/** The CompleteMultipartUpload document: parts in order, with their ETags and checksums. */
export function completeBody(parts: readonly UploadedPart[]): string {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber)
  const xml = sorted.map((part) => {
    const checksums = (Object.entries(part.checksums) as [ChecksumAlgorithm, string][])
      .map(([algorithm, value]) => `<Checksum${algorithm}>${xmlEscape(value)}</Checksum${algorithm}>`)
      .join('')
    return `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>"${xmlEscape(part.etag)}"</ETag>${checksums}</Part>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xml.join('')}</CompleteMultipartUpload>`
}

export async function abortMultipartUpload(executor: RequestExecutor, key: string, uploadId: string, options: RequestOptions = {}): Promise<void> {
  await executor.send({ operation: 'AbortMultipartUpload', method: 'DELETE', key, query: { uploadId }, headers: requestOptionHeaders(options) })
}
