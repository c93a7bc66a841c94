import type { Manifest } from '../manifest/index.js'
import type { RequestOptions } from '../s3/index.js'

/**
 * The options every bucket-level request carries (HeadBucket, LIST, the state record):
 * the bucket owner and requester-pays the manifest declares, at the top level or, when
 * only its entries do, as the first entry says.
 */
export function bucketRequestOptions(manifest: Manifest): RequestOptions {
  const options: RequestOptions = {}
  const owner = manifest.objects.find((o) => o.options.expectedBucketOwner !== undefined)?.options.expectedBucketOwner
  const payer = manifest.objects.find((o) => o.options.requestPayer !== undefined)?.options.requestPayer
  if (owner !== undefined) options.expectedBucketOwner = owner
  if (payer !== undefined) options.requestPayer = payer
  return options
}
