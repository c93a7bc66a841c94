import type { BucketFacts } from '../plan/bucket-facts.js'
import type { PutOptions } from '../plan/put-options.js'
import { getBucketFacts } from './bucket-settings.js'
import type { RemoteAcl, RemoteObject } from '../plan/remote-object.js'
import { standardCredentials } from './credentials.js'
import type { S3DebugListener } from './debug-log.js'
import { deleteObject } from './delete-object.js'
import { getObject } from './get-object.js'
import { headBucket, headObject, headPart } from './head-object.js'
import { createTransport, type HttpTransport } from './http-transport.js'
import { listObjectsV2 } from './list-objects.js'
import * as multipart from './multipart-upload.js'
import { copyObject, uploadPartCopy } from './copy-object.js'
import { getObjectAcl, getObjectTagging, putObjectAcl, putObjectLegalHold, putObjectRetention, putObjectTagging } from './object-subresources.js'
import type {
  CompleteMultipartInput,
  CopyObjectInput,
  CopyObjectResult,
  ObjectRetention,
  UploadPartCopyInput,
  DeleteObjectInput,
  DeleteObjectResult,
  HeadObjectOptions,
  ListedObject,
  ListWhere,
  ObjectPart,
  ObjectStore,
  PutObjectInput,
  PutObjectResult,
  RequestOptions,
  StoredDocument,
  UploadedPart,
  UploadPartInput,
} from './object-store.js'
import { loadS3Config } from './profile-region.js'
import { putObject } from './put-object.js'
import { RequestExecutor } from './request-executor.js'
import { ExecutorWithoutChecksums } from './without-checksums.js'
import { createSigner, type RequestSigner } from './request-signer.js'
import { DEFAULT_RETRY, type RetryEvent, type RetryOptions } from './retry-policy.js'
import type { Env, ResolvedS3Config, S3Config } from './s3-config.js'

export interface S3ClientOptions {
  /** Observes every retry (no printing happens here). */
  onRetry?: (event: RetryEvent) => void
  /** Receives redacted request/response events; wire it to `--debug`. */
  onDebug?: S3DebugListener
  /** Overrides for tests: timing, randomness, transport, signer. */
  retry?: Partial<RetryOptions>
  transport?: HttpTransport
  signer?: RequestSigner
  /** False for a store that refuses `x-amz-checksum-*` headers: none is sent. */
  sendChecksums?: boolean
}

/** The S3 implementation of `ObjectStore`: one connection pool, signed requests, retries. */
export class S3Client implements ObjectStore {
  private readonly executor: RequestExecutor
  private readonly transport: HttpTransport

  constructor(
    readonly config: ResolvedS3Config,
    options: S3ClientOptions = {},
  ) {
    this.transport =
      options.transport ??
      createTransport({
        connectTimeoutMs: config.connectTimeoutMs,
        readTimeoutMs: config.readTimeoutMs,
        insecure: config.insecure,
        ...(config.caBundle === undefined ? {} : { caBundle: config.caBundle }),
      })
    const signer = options.signer ?? createSigner(config.noSignRequest ? undefined : standardCredentials(config.profile))
    const Executor = options.sendChecksums === false ? ExecutorWithoutChecksums : RequestExecutor
    this.executor = new Executor(config, {
      transport: this.transport,
      signer,
      retry: { ...DEFAULT_RETRY, maxAttempts: config.maxAttempts, ...options.retry },
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
      ...(options.onDebug === undefined ? {} : { onDebug: options.onDebug }),
    })
  }

  /** Resolves the configuration from the environment (and the profile's region) and builds a client. */
  static async create(config: S3Config, env: Env = process.env, options: S3ClientOptions = {}): Promise<S3Client> {
    return new S3Client(await loadS3Config(config, env), options)
  }

  /** The region requests are signed for; differs from the configured one after a region redirect. */
  get region(): string {
    return this.executor.currentRegion
  }

  headObject(key: string, options?: HeadObjectOptions): Promise<RemoteObject | undefined> {
    return headObject(this.executor, key, options)
  }

  headPart(key: string, partNumber: number, options?: HeadObjectOptions): Promise<ObjectPart | undefined> {
    return headPart(this.executor, key, partNumber, options)
  }

  getObject(key: string, options?: RequestOptions): Promise<StoredDocument | undefined> {
    return getObject(this.executor, key, options)
  }

  getObjectTagging(key: string, options?: RequestOptions): Promise<Record<string, string>> {
    return getObjectTagging(this.executor, key, options)
  }

  getObjectAcl(key: string, options?: RequestOptions): Promise<RemoteAcl> {
    return getObjectAcl(this.executor, key, options)
  }

  putObject(key: string, input: PutObjectInput): Promise<PutObjectResult> {
    return putObject(this.executor, key, input)
  }

  createMultipartUpload(key: string, options: PutOptions): Promise<string> {
    return multipart.createMultipartUpload(this.executor, key, options)
  }

  uploadPart(key: string, input: UploadPartInput): Promise<UploadedPart> {
    return multipart.uploadPart(this.executor, key, input)
  }

  completeMultipartUpload(key: string, input: CompleteMultipartInput): Promise<PutObjectResult> {
    return multipart.completeMultipartUpload(this.executor, key, input)
  }

  abortMultipartUpload(key: string, uploadId: string, options?: RequestOptions): Promise<void> {
    return multipart.abortMultipartUpload(this.executor, key, uploadId, options)
  }

  copyObject(key: string, input: CopyObjectInput): Promise<CopyObjectResult> {
    return copyObject(this.executor, this.config.bucket, key, input)
  }

  uploadPartCopy(key: string, input: UploadPartCopyInput): Promise<UploadedPart> {
    return uploadPartCopy(this.executor, this.config.bucket, key, input)
  }

  putObjectTagging(key: string, tags: Record<string, string>, options?: RequestOptions): Promise<void> {
    return putObjectTagging(this.executor, key, tags, options)
  }

  putObjectAcl(key: string, options: PutOptions): Promise<void> {
    return putObjectAcl(this.executor, key, options)
  }

  putObjectRetention(key: string, retention: ObjectRetention, options?: RequestOptions): Promise<void> {
    return putObjectRetention(this.executor, key, retention, options)
  }

  putObjectLegalHold(key: string, status: string, options?: RequestOptions): Promise<void> {
    return putObjectLegalHold(this.executor, key, status, options)
  }

  deleteObject(key: string, input: DeleteObjectInput): Promise<DeleteObjectResult> {
    return deleteObject(this.executor, key, input)
  }

  listObjectsV2(where?: ListWhere, options?: RequestOptions): AsyncIterable<ListedObject[]> {
    return listObjectsV2(this.executor, where, options)
  }

  headBucket(options?: RequestOptions): Promise<void> {
    return headBucket(this.executor, options)
  }

  getBucketFacts(options?: RequestOptions): Promise<BucketFacts> {
    return getBucketFacts(this.executor, options)
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.transport.close()
  }
}
