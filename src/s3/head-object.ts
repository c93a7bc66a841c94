import type { RemoteObject } from '../plan/remote-object.js'
import { requestOptionHeaders, sseCustomerHeaders } from './object-headers.js'
import type { HeadObjectOptions, RequestOptions } from './object-store.js'
import { remoteObjectFromHeaders } from './remote-object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { S3ServiceError, UnexpectedAnswerError } from './s3-errors.js'

export async function headObject(executor: RequestExecutor, key: string, options: HeadObjectOptions = {}): Promise<RemoteObject | undefined> {
  // Filled in place: a literal of spreads would get a hidden class of its own per request (see compute-plan).
  const headers = requestOptionHeaders(options)
  if (options.sseCustomer !== undefined) Object.assign(headers, sseCustomerHeaders(options.sseCustomer))
  if (options.checksumMode ?? true) headers['x-amz-checksum-mode'] = 'ENABLED'
  const query: Record<string, string> = options.partNumber === undefined ? {} : { partNumber: String(options.partNumber) }
  try {
    const response = await executor.send({ operation: 'HeadObject', method: 'HEAD', key, headers, query })
    // Without an ETag nothing could be judged, or made conditional: not an object S3 describes.
    if (!response.headers.etag) throw new UnexpectedAnswerError({ operation: 'HeadObject', key }, 'no ETag')
    return remoteObjectFromHeaders(response.headers, options.partNumber)
  } catch (error) {
    if (error instanceof S3ServiceError && error.status === 404) return undefined
    throw error
  }
}

export async function headBucket(executor: RequestExecutor, options: RequestOptions = {}): Promise<void> {
  const response = await executor.send({ operation: 'HeadBucket', method: 'HEAD', headers: requestOptionHeaders(options) })
  // The first request of every plan: a web server's page would otherwise pass for a bucket.
  if (/^\s*text\/html/i.test(response.headers['content-type'] ?? '')) throw new UnexpectedAnswerError({ operation: 'HeadBucket' }, 'an HTML page')
}
