import type { ChecksumAlgorithm } from './local-digest.js'

/**
 * An object as the bucket reports it, normalised by `s3/` so the diff compares like with
 * like: header names mapped to option names, S3's defaults made explicit, metadata keys
 * lower-cased. `undefined` means the bucket did not report the value.
 */
export interface RemoteObject {
  /** Without quotes. */
  etag: string
  size: number
  lastModified?: string
  versionId?: string
  /** Checksums reported with checksum mode on; `type` tells full-object from composite. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE'
  /** Number of parts when the ETag ends in `-N`. */
  partCount?: number
  /** Size of part 1, from HeadObject with `partNumber=1`, when it was asked for. */
  firstPartSize?: number
  headers: RemoteHeaderOptions
  /** Only fetched when the manifest declares tagging. */
  tagging?: Record<string, string>
  /** Only fetched when the manifest declares an ACL or grants. */
  acl?: RemoteAcl
}

export interface RemoteHeaderOptions {
  cacheControl?: string
  contentDisposition?: string
  contentEncoding?: string
  contentLanguage?: string
  contentType?: string
  /** As an ISO 8601 string, normalised from the HTTP date. */
  expires?: string
  websiteRedirectLocation?: string
  /** Keys lower-cased, as S3 stores them. */
  metadata: Record<string, string>
  /** `STANDARD` when S3 sent no header. */
  storageClass: string
  serverSideEncryption?: string
  ssekmsKeyId?: string
  /** Decoded from base64 JSON. */
  ssekmsEncryptionContext?: Record<string, string>
  bucketKeyEnabled?: boolean
  sseCustomerAlgorithm?: string
  /** Base64 MD5 of the SSE-C key the object was written with. */
  sseCustomerKeyMD5?: string
  objectLockMode?: string
  objectLockRetainUntilDate?: string
  objectLockLegalHoldStatus?: string
}

/** An ACL as grants, comparable with the canned ACL / grant headers a manifest declares. */
export interface RemoteAcl {
  ownerId?: string
  grants: RemoteGrant[]
}

export interface RemoteGrant {
  /** `id=...`, `uri=...` or `emailAddress=...`, as in the grant-* headers. */
  grantee: string
  permission: 'FULL_CONTROL' | 'READ' | 'READ_ACP' | 'WRITE' | 'WRITE_ACP'
}
