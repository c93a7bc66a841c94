import type { ChecksumAlgorithm } from './local-digest.js'
import type { ChecksumPinField, PutOptions } from './put-options.js'

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
  /**
   * Every part's size, in order, when known exactly: learnt with HeadObject `partNumber=N`,
   * or the cut putplan uploaded with. Part 1 alone only suggests a cut of equal parts.
   */
  partSizes?: number[]
  headers: RemoteHeaderOptions
  /** Only fetched when the manifest declares tagging. */
  tagging?: Record<string, string>
  /** Only fetched when the manifest declares an ACL or grants. */
  acl?: RemoteAcl
}

/**
 * Put options HeadObject does not report as they are declared: kept elsewhere (tags, the
 * ACL), not stored (pins, the condition, request parameters, the checksum algorithm, which
 * shows as `checksums`), or reported another way (the SSE-C key, as its MD5; metadata and
 * storage class, normalised below).
 */
type NotReportedByHead =
  | 'tagging'
  | 'acl'
  | 'grantFullControl'
  | 'grantRead'
  | 'grantReadACP'
  | 'grantWriteACP'
  | 'ifNoneMatch'
  | 'checksumAlgorithm'
  | ChecksumPinField
  | 'expectedBucketOwner'
  | 'requestPayer'
  | 'sseCustomerKey'
  | 'metadata'
  | 'storageClass'

/** The object's options as HeadObject reports them, named as in the manifest; dates as ISO 8601. */
export type RemoteHeaderOptions = Omit<PutOptions, NotReportedByHead> & {
  /** Keys lower-cased, as S3 stores them. */
  metadata: Record<string, string>
  /** `STANDARD` when S3 sent no header. */
  storageClass: string
  /** Base64 MD5 of the SSE-C key the object was written with. */
  sseCustomerKeyMD5?: string
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
