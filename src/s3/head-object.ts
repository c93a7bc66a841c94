import type { RemoteObject } from '../plan/remote-object.js'
import { requestOptionHeaders, sseCustomerHeaders } from './object-headers.js'
import type { HeadObjectOptions, ObjectPart, RequestOptions } from './object-store.js'
import { remoteObjectFromHeaders } from './remote-object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { S3ServiceError, UnexpectedAnswerError } from './s3-errors.js'

export async function headObject(executor: RequestExecutor, key: string, options: HeadObjectOptions = {}): Promise<RemoteObject | undefined> {
  // Filled in place: a literal of spreads would get a hidden class of its own per request (see compute-plan).
  const headers = requestOptionHeaders(options)
  if (options.sseCustomer !== undefined) Object.assign(headers, sseCustomerHeaders(options.sseCustomer))
  if (options.checksumMode ?? true) headers['x-amz-checksum-mode'] = 'ENABLED'
  try {
    const response = await executor.send({ operation: 'HeadObject', method: 'HEAD', key, headers, query: {} })
    // Without an ETag nothing could be judged, or made conditional: not an object S3 describes.
    if (!response.headers.etag) throw new UnexpectedAnswerError({ operation: 'HeadObject', key }, 'no ETag')
    return remoteObjectFromHeaders(response.headers)
  } catch (error) {
    if (error instanceof S3ServiceError && error.status === 404) return undefined
    throw error
  }
}

/**
 * HeadObject `partNumber=N`: Content-Length is then the part's size (an object uploaded in
 * one piece is its own part 1). Another uploader's part sizes are what its multipart ETag
 * and composite checksums can be recomputed with.
 */
export async function headPart(executor: RequestExecutor, key: string, partNumber: number, options: HeadObjectOptions = {}): Promise<ObjectPart | undefined> {
  const headers = requestOptionHeaders(options)
  if (options.sseCustomer !== undefined) Object.assign(headers, sseCustomerHeaders(options.sseCustomer))
  try {
    const response = await executor.send({ operation: 'HeadObject', method: 'HEAD', key, headers, query: { partNumber: String(partNumber) } })
    const size = toCount(response.headers['content-length'])
    if (size === undefined) throw new UnexpectedAnswerError({ operation: 'HeadObject', key }, `no Content-Length for part ${partNumber}`)
    const partCount = toCount(response.headers['x-amz-mp-parts-count'])
    return partCount === undefined ? { size } : { size, partCount }
  } catch (error) {
    if (error instanceof S3ServiceError && error.status === 404) return undefined
    throw error
  }
}

function toCount(value: string | undefined): number | undefined {
  return value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined
}

export async function headBucket(executor: RequestExecutor, options: RequestOptions = {}): Promise<void> {
  const response = await executor.send({ operation: 'HeadBucket', method: 'HEAD', headers: requestOptionHeaders(options) })
  // The first request of every plan: a web server's page would otherwise pass for a bucket.
  if (/^\s*text\/html/i.test(response.headers['content-type'] ?? '')) throw new UnexpectedAnswerError({ operation: 'HeadBucket' }, 'an HTML page')
}
