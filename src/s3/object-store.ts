import type { PutOptions } from '../plan/put-options.js'
import type { ChecksumAlgorithm } from '../plan/local-digest.js'
import type { RemoteAcl, RemoteObject } from '../plan/remote-object.js'
import type { RequestBody } from './http-transport.js'

/**
 * What plan and apply need from a bucket, and nothing more: a fake implements it in
 * tests, `S3Client` against S3. Keys are object keys as in the manifest (never encoded).
 * Failures reject with `S3ServiceError` or `NetworkError`, after retries.
 */
export interface ObjectStore {
  /** HeadObject with checksum mode on; `undefined` when the object does not exist. */
  headObject(key: string, options?: HeadObjectOptions): Promise<RemoteObject | undefined>
  /** A small document (the state record), whole; `undefined` when it does not exist. */
  getObject(key: string, options?: RequestOptions): Promise<StoredDocument | undefined>
  getObjectTagging(key: string, options?: RequestOptions): Promise<Record<string, string>>
  getObjectAcl(key: string, options?: RequestOptions): Promise<RemoteAcl>
  putObject(key: string, input: PutObjectInput): Promise<PutObjectResult>
  /** Returns the upload id. */
  createMultipartUpload(key: string, headers: Record<string, string>): Promise<string>
  uploadPart(key: string, input: UploadPartInput): Promise<UploadedPart>
  /** Rejects when S3 answers 200 with an `<Error>` document, as it may. */
  completeMultipartUpload(key: string, input: CompleteMultipartInput): Promise<PutObjectResult>
  abortMultipartUpload(key: string, uploadId: string, options?: RequestOptions): Promise<void>
  listMultipartUploads(prefix?: string): AsyncIterable<MultipartUploadInfo>
  /** Pages of objects, in S3's order (UTF-8 bytes of the key). */
  listObjectsV2(where?: ListWhere, options?: RequestOptions): AsyncIterable<ListedObject[]>
  /** Resolves when the bucket exists and is reachable with these credentials. */
  headBucket(options?: RequestOptions): Promise<void>
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
  /** `1` reveals the uploader's part size (Content-Length of part 1) and the part count. */
  partNumber?: number
  /** Default true: ask for `x-amz-checksum-*`. */
  checksumMode?: boolean
}

export interface PutObjectInput {
  /** From `putHeaders`, plus conditionals (`if-match`, `if-none-match`). */
  headers: Record<string, string>
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
  /** Content-MD5, `x-amz-checksum-*` of the part, SSE-C headers. */
  headers?: Record<string, string>
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
  /** `if-match` / `if-none-match`, the full-object `x-amz-checksum-*` and type, SSE-C headers. */
  headers?: Record<string, string>
}

export interface MultipartUploadInfo {
  key: string
  uploadId: string
  initiated?: string
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
