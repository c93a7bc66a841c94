import type { BucketFacts } from '../plan/bucket-facts.js'
import type { PutOptions } from '../plan/put-options.js'
import type { ChecksumAlgorithm } from '../plan/local-digest.js'
import type { RemoteAcl, RemoteObject } from '../plan/remote-object.js'
import type { RequestBody } from './http-transport.js'

/**
 * What plan and apply need from a bucket, and nothing more: a fake implements it in
 * tests, `S3Client` against S3. Keys are object keys as in the manifest (never encoded);
 * inputs are options and digests, never headers, which only the S3 client spells.
 * Failures reject with `S3ServiceError` or `NetworkError`, after retries.
 */
export interface ObjectStore {
  /** HeadObject with checksum mode on; `undefined` when the object does not exist. */
  headObject(key: string, options?: HeadObjectOptions): Promise<RemoteObject | undefined>
  /** HeadObject `partNumber=N`: the size of one part of a multipart object; `undefined` when the object does not exist. */
  headPart(key: string, partNumber: number, options?: HeadObjectOptions): Promise<ObjectPart | undefined>
  /** A small document (the state record), whole; `undefined` when it does not exist. */
  getObject(key: string, options?: RequestOptions): Promise<StoredDocument | undefined>
  getObjectTagging(key: string, options?: RequestOptions): Promise<Record<string, string>>
  getObjectAcl(key: string, options?: RequestOptions): Promise<RemoteAcl>
  putObject(key: string, input: PutObjectInput): Promise<PutObjectResult>
  /** Starts an upload of an object stored with `options` (and a checksum of their algorithm); returns the upload id. */
  createMultipartUpload(key: string, options: PutOptions): Promise<string>
  uploadPart(key: string, input: UploadPartInput): Promise<UploadedPart>
  /** Rejects when S3 answers 200 with an `<Error>` document, as it may. */
  completeMultipartUpload(key: string, input: CompleteMultipartInput): Promise<PutObjectResult>
  abortMultipartUpload(key: string, uploadId: string, options?: RequestOptions): Promise<void>
  /** CopyObject of the object onto itself with the REPLACE directive: its bytes stay, its stored options become `options`. */
  copyObject(key: string, input: CopyObjectInput): Promise<CopyObjectResult>
  /** UploadPartCopy of a range of the object into a multipart upload of the same key. */
  uploadPartCopy(key: string, input: UploadPartCopyInput): Promise<UploadedPart>
  /** PutObjectTagging: replaces every tag of the object. */
  putObjectTagging(key: string, tags: Record<string, string>, options?: RequestOptions): Promise<void>
  /** PutObjectAcl with the canned ACL or the grants of `options` (and its request options). */
  putObjectAcl(key: string, options: PutOptions): Promise<void>
  putObjectRetention(key: string, retention: ObjectRetention, options?: RequestOptions): Promise<void>
  putObjectLegalHold(key: string, status: string, options?: RequestOptions): Promise<void>
  /**
   * DeleteObject, only while the object still has the planned ETag (412 otherwise; 404 when
   * it is gone). On a versioned bucket it adds a delete marker, whose version id it returns.
   */
  deleteObject(key: string, input: DeleteObjectInput): Promise<DeleteObjectResult>
  /** Pages of objects, in S3's order (UTF-8 bytes of the key). */
  listObjectsV2(where?: ListWhere, options?: RequestOptions): AsyncIterable<ListedObject[]>
  /** Resolves when the bucket exists and is reachable with these credentials. */
  headBucket(options?: RequestOptions): Promise<void>
  /** The bucket's ownership, Object Lock, default encryption and versioning, each `unknown` when the store will not tell. */
  getBucketFacts(options?: RequestOptions): Promise<BucketFacts>
}

/** Which keys a LIST covers: those under `prefix`, after `startAfter` (exclusive). */
export interface ListWhere {
  prefix?: string
  startAfter?: string
}

export interface RequestOptions {
  expectedBucketOwner?: string
  requestPayer?: string
}

export interface HeadObjectOptions extends RequestOptions {
  /** Needed to read an SSE-C object's headers. */
  sseCustomer?: Pick<PutOptions, 'sseCustomerAlgorithm' | 'sseCustomerKey'>
  /** Default true: ask for `x-amz-checksum-*`. */
  checksumMode?: boolean
}

/** One part of a multipart object, as HeadObject `partNumber=N` reports it. */
export interface ObjectPart {
  /** The part's size in bytes. */
  size: number
  /** The object's number of parts (`x-amz-mp-parts-count`); absent for an object uploaded in one piece. */
  partCount?: number
}

/** What a write requires of the object in the bucket, so that nothing changed since the plan is overwritten. */
export interface WriteCondition {
  /** `If-Match`: the object must still have this ETag (without quotes). */
  ifMatch?: string
  /** `If-None-Match: *`: the key must still be free. */
  ifNoneMatch?: '*'
}

/** A checksum of the bytes a request carries, in S3's encoding (base64), for S3 to verify. */
export interface ChecksumValue {
  algorithm: ChecksumAlgorithm
  value: string
}

/** The options every request about an object repeats: the SSE-C key and the request parameters. */
export type ObjectRequestOptions = Pick<PutOptions, 'sseCustomerAlgorithm' | 'sseCustomerKey' | 'expectedBucketOwner' | 'requestPayer'>

export interface PutObjectInput {
  /** What the object stores (headers, metadata, tags, encryption, lock), and the request options. */
  options: PutOptions
  /** Hex MD5 of the body, sent as Content-MD5. */
  md5?: string
  /** The full-object checksum, which S3 verifies and keeps. */
  checksum?: ChecksumValue
  condition?: WriteCondition
  body: RequestBody
  contentLength: number
}

/** PutObject's (and CompleteMultipartUpload's) answer, for apply's report. */
export interface PutObjectResult {
  /** Without quotes. */
  etag: string
  versionId?: string
  checksums: Partial<Record<ChecksumAlgorithm, string>>
  checksumType?: string
  expiration?: string
  serverSideEncryption?: string
  ssekmsKeyId?: string
  bucketKeyEnabled?: boolean
  requestCharged?: string
}

export interface UploadPartInput {
  uploadId: string
  partNumber: number
  body: RequestBody
  contentLength: number
  /** Hex MD5 of the part, sent as Content-MD5. */
  md5?: string
  checksum?: ChecksumValue
  options?: ObjectRequestOptions
}

export interface UploadedPart {
  partNumber: number
  /** Without quotes. */
  etag: string
  checksums: Partial<Record<ChecksumAlgorithm, string>>
}

export interface CompleteMultipartInput {
  uploadId: string
  parts: UploadedPart[]
  condition?: WriteCondition
  /** The whole object's checksum (FULL_OBJECT), for S3 to check against the parts; none for a composite one. */
  checksum?: ChecksumValue
  options?: ObjectRequestOptions
}

export interface CopyObjectInput {
  /** What the object stores after the copy, exactly as PutObject would store it (the SSE-C key included), and the request options. */
  options: PutOptions
  /** The full-object checksum S3 computes over the copy. */
  checksumAlgorithm: ChecksumAlgorithm
  /** The object's tags: kept (`COPY`), or replaced by `options.tagging` (`REPLACE`). */
  tagging: 'COPY' | 'REPLACE'
  /** `x-amz-copy-source-if-match`: the object must still have this ETag (without quotes), or S3 answers 412. */
  sourceEtag?: string
}

/** CopyObject's answer: PutObject's fields, and when the new object was written. */
export interface CopyObjectResult extends PutObjectResult {
  /** ISO 8601. */
  lastModified?: string
}

export interface UploadPartCopyInput {
  uploadId: string
  partNumber: number
  /** The bytes of the object copied into the part: `first` to `last`, inclusive. */
  range: { first: number; last: number }
  /** `x-amz-copy-source-if-match`, as for CopyObject. */
  sourceEtag?: string
  /** The SSE-C key (of the source and of the upload, which are the same object) and the request options. */
  options?: ObjectRequestOptions
}

/** Object Lock retention, as PutObjectRetention sets it. */
export type ObjectRetention = Pick<PutOptions, 'objectLockMode' | 'objectLockRetainUntilDate'>

export interface DeleteObjectInput {
  /** Required: putplan never deletes an object it has not seen as planned. */
  condition: Required<Pick<WriteCondition, 'ifMatch'>>
  options?: RequestOptions
}

/** DeleteObject's answer: on a versioned bucket, the delete marker it made. */
export interface DeleteObjectResult {
  versionId?: string
  deleteMarker?: boolean
}

export interface ListedObject {
  key: string
  /** Without quotes. */
  etag: string
  size: number
  lastModified?: string
  /** `STANDARD` when S3 omits it. */
  storageClass: string
}

export interface StoredDocument {
  body: Buffer
  /** Without quotes: for `If-Match` when writing it back. */
  etag: string
}
