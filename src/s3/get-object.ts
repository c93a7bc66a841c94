import type { RequestOptions, StoredDocument } from './object-store.js'
import { requestOptionHeaders } from './object-headers.js'
import { unquote } from './remote-object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { S3ServiceError } from './s3-errors.js'

/** GetObject of a small document (putplan's own state record), whole in memory. */
export async function getObject(executor: RequestExecutor, key: string, options: RequestOptions = {}): Promise<StoredDocument | undefined> {
  try {
    const response = await executor.send({ operation: 'GetObject', method: 'GET', key, headers: requestOptionHeaders(options) })
    return { body: response.body, etag: unquote(response.headers.etag ?? '') }
  } catch (error) {
    if (error instanceof S3ServiceError && error.status === 404) return undefined
    throw error
  }
}
