import { REDACTED, type PutOptions } from '../plan/put-options.js'
import type { HeadObjectOptions, ObjectRequestOptions, RequestOptions, WriteCondition } from '../s3/index.js'
import type { AppliedItem, WriteItem } from './outcomes.js'

/**
 * The options to write with: the item's, or, for an object that carries a secret, the
 * manifest's own (`secrets`), which a saved plan lacks (redacted there). Throws when the SSE-C
 * key is still redacted: sending the marker as a key would fail at S3 at best.
 */
export function writeOptions(item: Pick<AppliedItem, 'key' | 'options'>, secrets?: (key: string) => PutOptions | undefined): PutOptions {
  const options: PutOptions = { ...(secrets?.(item.key) ?? item.options) }
  if (options.sseCustomerKey === REDACTED) {
    throw new Error('the SSE-C key was redacted from the saved plan and was not supplied again')
  }
  return options
}

/**
 * `If-None-Match: *` on a create, `If-Match: <planned ETag>` on an update, so nothing
 * that changed since the plan is overwritten. Without conditional writes, a create-only
 * object keeps its declared `If-None-Match`.
 */
export function writeCondition(item: WriteItem, conditionalWrites: boolean): WriteCondition {
  if (!conditionalWrites) return item.options.ifNoneMatch === '*' ? { ifNoneMatch: '*' } : {}
  return item.action === 'create' ? { ifNoneMatch: '*' } : { ifMatch: item.remoteEtag }
}

/** The options every request on the object's upload repeats: the SSE-C key, the bucket owner, requester pays. */
export function objectRequestOptionsOf(options: PutOptions): ObjectRequestOptions {
  const out: ObjectRequestOptions = requestOptionsOf(options)
  if (options.sseCustomerKey !== undefined) out.sseCustomerKey = options.sseCustomerKey
  if (options.sseCustomerAlgorithm !== undefined) out.sseCustomerAlgorithm = options.sseCustomerAlgorithm
  return out
}

export function requestOptionsOf(options: PutOptions): RequestOptions {
  const out: RequestOptions = {}
  if (options.expectedBucketOwner !== undefined) out.expectedBucketOwner = options.expectedBucketOwner
  if (options.requestPayer !== undefined) out.requestPayer = options.requestPayer
  return out
}

/** HeadObject options that can read the object the write made (SSE-C needs the key). */
export function headOptionsOf(options: PutOptions): HeadObjectOptions {
  const head: HeadObjectOptions = requestOptionsOf(options)
  if (options.sseCustomerKey !== undefined) {
    head.sseCustomer = { sseCustomerKey: options.sseCustomerKey, ...(options.sseCustomerAlgorithm === undefined ? {} : { sseCustomerAlgorithm: options.sseCustomerAlgorithm }) }
  }
  return head
}
