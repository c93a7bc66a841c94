import { compareKeys } from './key-order.js'
import type { Plan, RepairItem } from './plan.js'
import { uploadChecksumAlgorithm, type PutOptions } from './put-options.js'
import { canonicalJson } from './plan-document.js'

/**
 * Repairs that S3 Batch Operations can do instead of putplan's apply, for a bucket with
 * millions of them: a copy in place with new options (S3PutObjectCopy, the same CopyObject
 * with `x-amz-metadata-directive: REPLACE` that apply sends) and tags alone
 * (S3PutObjectTagging). One job applies one set of parameters to every object it lists, so
 * repairs are grouped by the exact options their objects get. What a job cannot do as
 * apply would stays with apply, with the reason (`BatchExport.left`).
 */
export interface BatchExport {
  jobs: BatchJob[]
  left: LeftRepair[]
}

export interface BatchJob {
  /** `copy-001`, `tagging-001`, ...: the stem of its files. */
  name: string
  /** The CreateJob request's `Operation` member. */
  operation: BatchOperation
  /** Sorted by key. */
  keys: string[]
  bytes: number
}

export interface LeftRepair {
  key: string
  why: string
}

export type BatchOperation = { S3PutObjectCopy: S3CopyObjectOperation } | { S3PutObjectTagging: { TagSet: S3Tag[] } }

export interface S3Tag {
  Key: string
  Value: string
}

/** The members of S3CopyObjectOperation putplan fills (s3control API, CreateJob). */
export interface S3CopyObjectOperation {
  TargetResource: string
  MetadataDirective: 'REPLACE'
  NewObjectMetadata: S3ObjectMetadata
  NewObjectTagging?: S3Tag[]
  CannedAccessControlList?: string
  StorageClass?: string
  RedirectLocation?: string
  SSEAwsKmsKeyId?: string
  BucketKeyEnabled?: boolean
  ChecksumAlgorithm: string
  ObjectLockMode?: string
  ObjectLockRetainUntilDate?: string
  ObjectLockLegalHoldStatus?: string
  RequesterPays?: boolean
}

export interface S3ObjectMetadata {
  CacheControl?: string
  ContentDisposition?: string
  ContentEncoding?: string
  ContentLanguage?: string
  ContentType?: string
  HttpExpiresDate?: string
  UserMetadata?: Record<string, string>
  SSEAlgorithm?: 'AES256' | 'KMS'
}

/** CopyObject (and so S3PutObjectCopy) copies objects up to 5 GiB; apply copies larger ones in parts. */
export const BATCH_COPY_MAX_BYTES = 5 * 1024 ** 3

/** The storage classes S3CopyObjectOperation accepts. */
const BATCH_STORAGE_CLASSES = new Set(['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER', 'INTELLIGENT_TIERING', 'DEEP_ARCHIVE', 'GLACIER_IR'])

const GRANTS = ['grantFullControl', 'grantRead', 'grantReadACP', 'grantWriteACP'] as const

/** The repairs of `plan` as Batch Operations jobs, and the repairs left to apply with why. */
export function batchOperations(plan: Plan): BatchExport {
  const groups = new Map<string, { operation: BatchOperation; items: RepairItem[] }>()
  const left: LeftRepair[] = []
  for (const item of plan.items) {
    if (item.action !== 'repair') continue
    const operation = batchOperationOf(item, plan.bucket)
    if ('why' in operation) {
      left.push({ key: item.key, why: operation.why })
      continue
    }
    const group = canonicalJson(operation)
    const existing = groups.get(group)
    if (existing) existing.items.push(item)
    else groups.set(group, { operation, items: [item] })
  }
  const counters = { copy: 0, tagging: 0 }
  const jobs = [...groups.values()]
    .sort((a, b) => compareKeys(a.items[0]!.key, b.items[0]!.key))
    .map(({ operation, items }): BatchJob => {
      const kind = 'S3PutObjectCopy' in operation ? 'copy' : 'tagging'
      const name = `${kind}-${String(++counters[kind]).padStart(3, '0')}`
      const keys = items.map((item) => item.key).sort(compareKeys)
      return { name, operation, keys, bytes: items.reduce((sum, item) => sum + item.size, 0) }
    })
  return { jobs: jobs.sort((a, b) => (a.name < b.name ? -1 : 1)), left }
}

/** The job's operation for one repair, or why only apply can make it. */
function batchOperationOf(item: RepairItem, bucket: string): BatchOperation | { why: string } {
  const operations = new Set(item.repairs)
  const options = item.options
  if (operations.size === 1 && operations.has('tagging')) return { S3PutObjectTagging: { TagSet: tagSet(options.tagging ?? {}) } }
  if (!operations.has('copy')) return { why: `${item.repairs.join(' and ')}: not a copy or tags alone (Batch Operations has S3PutObjectAcl, retention and legal-hold jobs; putplan leaves them to apply)` }
  const others = item.repairs.filter((operation) => operation !== 'copy' && operation !== 'tagging')
  if (others.length > 0) return { why: `the copy comes with ${others.join(' and ')}, which one copy job does not do` }
  if (item.size > BATCH_COPY_MAX_BYTES) return { why: 'over 5 GiB: Batch Operations copies objects up to 5 GiB (apply copies it in parts)' }
  if (options.sseCustomerAlgorithm !== undefined) return { why: 'SSE-C: Batch Operations cannot copy objects encrypted with a customer-provided key' }
  if (GRANTS.some((grant) => options[grant] !== undefined)) return { why: 'grants (grant*): the copy job takes a canned ACL, not putplan’s grant headers' }
  if (options.ssekmsEncryptionContext !== undefined) return { why: 'ssekmsEncryptionContext: a copy job cannot set a KMS encryption context' }
  if (options.serverSideEncryption !== undefined && options.serverSideEncryption !== 'AES256' && options.serverSideEncryption !== 'aws:kms') {
    return { why: `serverSideEncryption ${options.serverSideEncryption}: a copy job encrypts with AES256 or KMS only` }
  }
  if (options.storageClass !== undefined && !BATCH_STORAGE_CLASSES.has(options.storageClass)) {
    return { why: `storageClass ${options.storageClass}: not a class a copy job can set` }
  }
  return { S3PutObjectCopy: copyOperation(options, bucket) }
}

/** S3PutObjectCopy onto the same bucket, storing what apply's copy in place would store. */
function copyOperation(options: PutOptions, bucket: string): S3CopyObjectOperation {
  const metadata: S3ObjectMetadata = {
    ...(options.cacheControl !== undefined && { CacheControl: options.cacheControl }),
    ...(options.contentDisposition !== undefined && { ContentDisposition: options.contentDisposition }),
    ...(options.contentEncoding !== undefined && { ContentEncoding: options.contentEncoding }),
    ...(options.contentLanguage !== undefined && { ContentLanguage: options.contentLanguage }),
    ...(options.contentType !== undefined && { ContentType: options.contentType }),
    ...(options.expires !== undefined && { HttpExpiresDate: options.expires }),
    ...(options.metadata !== undefined && { UserMetadata: options.metadata }),
    ...(options.serverSideEncryption === 'AES256' && { SSEAlgorithm: 'AES256' as const }),
    ...(options.serverSideEncryption === 'aws:kms' && { SSEAlgorithm: 'KMS' as const }),
  }
  return {
    TargetResource: `arn:aws:s3:::${bucket}`,
    MetadataDirective: 'REPLACE',
    NewObjectMetadata: metadata,
    ...(options.tagging !== undefined && { NewObjectTagging: tagSet(options.tagging) }),
    ...(options.acl !== undefined && { CannedAccessControlList: options.acl }),
    ...(options.storageClass !== undefined && { StorageClass: options.storageClass }),
    ...(options.websiteRedirectLocation !== undefined && { RedirectLocation: options.websiteRedirectLocation }),
    ...(options.ssekmsKeyId !== undefined && { SSEAwsKmsKeyId: options.ssekmsKeyId }),
    ...(options.bucketKeyEnabled !== undefined && { BucketKeyEnabled: options.bucketKeyEnabled }),
    ChecksumAlgorithm: uploadChecksumAlgorithm(options),
    ...(options.objectLockMode !== undefined && { ObjectLockMode: options.objectLockMode }),
    ...(options.objectLockRetainUntilDate !== undefined && { ObjectLockRetainUntilDate: options.objectLockRetainUntilDate }),
    ...(options.objectLockLegalHoldStatus !== undefined && { ObjectLockLegalHoldStatus: options.objectLockLegalHoldStatus }),
    ...(options.requestPayer === 'requester' && { RequesterPays: true }),
  }
}

function tagSet(tags: Record<string, string>): S3Tag[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ Key: key, Value: tags[key]! }))
}
