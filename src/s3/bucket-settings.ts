import type { BucketFacts } from '../plan/bucket-facts.js'
import { requestOptionHeaders } from './object-headers.js'
import type { RequestOptions } from './object-store.js'
import type { RequestExecutor } from './request-executor.js'
import { S3ServiceError } from './s3-errors.js'
import { child, parseXml, text, type XmlNode } from './xml.js'

/**
 * The bucket's settings a plan shows and checks against: four GETs sent together. A store
 * that answers one with "not configured" (S3's `...NotFoundError` codes) tells a fact; one
 * that refuses (403), does not know the bucket's subresource (404 otherwise, 405) or does not
 * implement it (501 NotImplemented) leaves that fact `unknown`: never an error, since a
 * plan can go on without it. Other failures (the network, 5xx after retries) are thrown.
 */
export async function getBucketFacts(executor: RequestExecutor, options: RequestOptions = {}): Promise<BucketFacts> {
  const [ownership, objectLock, encryption, versioning] = await Promise.all([
    read(executor, 'GetBucketOwnershipControls', 'ownershipControls', options, { OwnershipControlsNotFoundError: 'none' as const }, (xml) => {
      const value = text(child(child(xml, 'OwnershipControls'), 'Rule'), 'ObjectOwnership')
      return value === 'BucketOwnerEnforced' || value === 'BucketOwnerPreferred' || value === 'ObjectWriter' ? value : 'unknown'
    }),
    read(executor, 'GetObjectLockConfiguration', 'object-lock', options, { ObjectLockConfigurationNotFoundError: 'off' as const }, (xml) =>
      text(child(xml, 'ObjectLockConfiguration'), 'ObjectLockEnabled') === 'Enabled' ? 'Enabled' : 'off',
    ),
    read(executor, 'GetBucketEncryption', 'encryption', options, { ServerSideEncryptionConfigurationNotFoundError: 'none' as const }, (xml) => {
      const rule = child(child(xml, 'ServerSideEncryptionConfiguration'), 'Rule')
      const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault')
      const algorithm = text(byDefault, 'SSEAlgorithm')
      if (algorithm === undefined) return 'none'
      const kmsKeyId = text(byDefault, 'KMSMasterKeyID')
      const bucketKey = text(rule, 'BucketKeyEnabled')
      return { algorithm, ...(kmsKeyId ? { kmsKeyId } : {}), ...(bucketKey === undefined ? {} : { bucketKeyEnabled: bucketKey === 'true' }) }
    }),
    read(executor, 'GetBucketVersioning', 'versioning', options, {}, (xml) => {
      // S3's root is VersioningConfiguration; any root will do, only Status matters.
      const root = Object.values(xml)[0]
      const status = text(root, 'Status')
      return status === 'Enabled' || status === 'Suspended' ? status : 'off'
    }),
  ])
  return { ownership, objectLock, encryption, versioning }
}

async function read<T>(
  executor: RequestExecutor,
  operation: string,
  subresource: string,
  options: RequestOptions,
  notConfigured: Record<string, T>,
  parse: (xml: XmlNode) => T,
): Promise<T | 'unknown'> {
  try {
    const response = await executor.send({ operation, method: 'GET', query: { [subresource]: '' }, headers: requestOptionHeaders(options) })
    return parse(parseXml(response.body.toString('utf8'), { operation }))
  } catch (error) {
    if (!(error instanceof S3ServiceError)) throw error
    if (error.s3Code in notConfigured) return notConfigured[error.s3Code]!
    if ([400, 403, 404, 405, 501].includes(error.status)) return 'unknown'
    throw error
  }
}
