export { S3Client, type S3ClientOptions } from './s3-client.js'
export type {
  ObjectStore,
  RequestOptions,
  HeadObjectOptions,
  ObjectPart,
  PutObjectInput,
  PutObjectResult,
  UploadPartInput,
  UploadedPart,
  CompleteMultipartInput,
  DeleteObjectInput,
  DeleteObjectResult,
  ListedObject,
  ListWhere,
  StoredDocument,
  WriteCondition,
  ChecksumValue,
  ObjectRequestOptions,
  CopyObjectInput,
  CopyObjectResult,
  UploadPartCopyInput,
  ObjectRetention,
} from './object-store.js'
export type { RequestBody } from './http-transport.js'
export { resolveS3Config, type S3Config, type ResolvedS3Config, type Env } from './s3-config.js'
export { loadS3Config } from './profile-region.js'
export { S3ServiceError, NetworkError } from './s3-errors.js'
export type { RetryEvent } from './retry-policy.js'
export { REDACTED as DEBUG_REDACTED, redactHeaders, redactUrl, type S3DebugEvent, type S3DebugListener } from './debug-log.js'
export { storedHeaderOptions } from './object-headers.js'
export { CloudFrontClient, CloudFrontError, cloudFrontEndpoint, type Invalidation, type CloudFrontOptions } from './cloudfront-client.js'
