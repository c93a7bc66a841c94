import { deleteObjectHeaders } from './object-headers.js'
import type { DeleteObjectInput, DeleteObjectResult } from './object-store.js'
import type { RequestExecutor } from './request-executor.js'

/**
 * DeleteObject with its condition. The executor retries what the retry policy calls
 * transient (a 409 ConditionalRequestConflict among them); a retry after a delete that
 * landed meets 404, which the caller reads as "already gone".
 */
export async function deleteObject(executor: RequestExecutor, key: string, input: DeleteObjectInput): Promise<DeleteObjectResult> {
  const response = await executor.send({ operation: 'DeleteObject', method: 'DELETE', key, headers: deleteObjectHeaders(input) })
  const result: DeleteObjectResult = {}
  const versionId = response.headers['x-amz-version-id']
  if (versionId !== undefined && versionId !== '' && versionId !== 'null') result.versionId = versionId
  if (response.headers['x-amz-delete-marker'] === 'true') result.deleteMarker = true
  return result
}
