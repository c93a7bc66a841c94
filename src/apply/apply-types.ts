import type { ChecksumAlgorithm, LocalDigest } from '../plan/local-digest.js'
import type { RepairOperation } from '../plan/option-table.js'
import type { PlanAction, UploadItem } from '../plan/plan.js'
import type { PutOptions } from '../plan/put-options.js'
import type { MultipartPolicy } from '../local/part-size.js'
import type { ObjectStore, RequestOptions } from '../s3/index.js'

export interface ExecuteOptions {
  store: ObjectStore
  /** Absolute folder the plan's `source` paths are relative to (the manifest's folder). */
  baseDir: string
  /** Key -> the file to send instead of `source`: the compressed copy of an object with `compress`. */
  bodyPaths?: ReadonlyMap<string, string>
  /**
   * Objects worked on at once, and also the bound on body-carrying requests (PutObject,
   * UploadPart) in flight across all objects.
   */
  concurrency: number
  multipart?: MultipartPolicy
  /** When a repair copies an object in parts (UploadPartCopy) rather than with one CopyObject; `DEFAULT_COPY_POLICY` when absent. */
  copy?: MultipartPolicy
  /** At most this many parts of one object in flight (default 4), within `concurrency`. */
  partsPerObject?: number
  /** Default true: `If-None-Match: *` on creates, `If-Match` on updates, `x-amz-copy-source-if-match` on repairs by copy. */
  conditionalWrites?: boolean
  /** Aborting stops starting objects and parts, cuts bodies in flight, aborts multipart uploads. */
  signal?: AbortSignal
  onEvent?: (event: ApplyEvent) => void
  /** Secrets a saved plan lacks (redacted), supplied again per key; absent: the item's options as they are. */
  secrets?: (key: string) => PutOptions | undefined
  /** The file each key's source was checked to be: a body whose open finds another file (a link swapped since) fails. */
  identity?: (key: string) => { dev: number; ino: number } | undefined
  /** The bucket owner / requester-pays options every DeleteObject carries. */
  deleteOptions?: RequestOptions
}

export const OUTCOMES = ['created', 'updated', 'repaired', 'deleted', 'unchanged', 'conflict', 'failed', 'skipped'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** What happened to one object, with S3's answer for the report. */
export interface ObjectOutcome {
  key: string
  action: PlanAction
  outcome: Outcome
  reason?: string
  /** For a repair: the operations done (the plan's `repairs`). */
  repairs?: RepairOperation[]
  etag?: string
  /** ISO 8601: when the object was written, where S3 said so (a repair by CopyObject). */
  lastModified?: string
  /** Of the version written, or of the delete marker a delete made on a versioned bucket. */
  versionId?: string
  /** The delete made a delete marker (a versioned bucket keeps the object's versions). */
  deleteMarker?: boolean
  checksums?: Partial<Record<ChecksumAlgorithm, string>>
  expiration?: string
  serverSideEncryption?: string
  ssekmsKeyId?: string
  bucketKeyEnabled?: boolean
  requestCharged?: string
  /** Bytes this apply sent for the object: its size when created or updated, else 0 (a repair sends none). */
  bytes: number
  /** Times the body went out: PutObject attempts, or UploadPart attempts of all parts. */
  attempts?: number
}

export type ApplySummary = Record<Outcome, number>

export interface ApplyReport {
  /** Sorted by key. */
  items: ObjectOutcome[]
  summary: ApplySummary
  bytesUploaded: number
  /** The signal was aborted before every write finished: some were cut short or never started. */
  interrupted: boolean
  /** Multipart uploads that even the final sweep could not abort (they cost storage until removed). */
  orphanedUploads: StartedUpload[]
  /**
   * The digests of files the plan left for apply to read (creates of a fresh apply), as
   * that read computed them, by key: what the state record keeps of their writes.
   */
  readDigests?: ReadonlyMap<string, LocalDigest>
}

export interface StartedUpload {
  key: string
  uploadId: string
}

/**
 * Events concern the writes: uploads (create, update and undecided items) start, send bytes
 * and end; repairs, which send no bytes, and deletes only end. Each gets one `object-done`,
 * started or skipped.
 */
export type ApplyEvent =
  | { type: 'object-start'; key: string; action: UploadItem['action']; size: number; multipart: boolean }
  /** `delta` new bytes of this object confirmed read into a request; `done` of `size` so far. Never counts a retry twice. */
  | { type: 'bytes'; key: string; delta: number; done: number; size: number }
  | { type: 'object-done'; outcome: ObjectOutcome }
  | { type: 'multipart-aborted'; key: string; uploadId: string }
  | { type: 'multipart-abort-failed'; key: string; uploadId: string; message: string }
