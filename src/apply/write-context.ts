import type { MultipartPolicy } from '../local/part-size.js'
import type { LocalDigest } from '../plan/local-digest.js'
import type { ObjectStore } from '../s3/index.js'
import type { BodyMemory } from './body-memory.js'
import type { RequestSlots } from './request-slots.js'
import type { UploadRegistry } from './upload-registry.js'
import type { FileIdentity } from '../util/open-regular-file.js'

/** What the writes of every object share. */
export interface WriteContext {
  store: ObjectStore
  slots: RequestSlots
  registry: UploadRegistry
  policy: MultipartPolicy
  /** When a repair copies in parts: objects above its threshold, in its part size. */
  copyPolicy: MultipartPolicy
  partsPerObject: number
  conditionalWrites: boolean
  signal?: AbortSignal
  /** Buffers for bodies read whole before they are sent. */
  bodies: BodyMemory
  /** Digests of files apply read for the first time (creates the plan left unread), by key. */
  readDigests: Map<string, LocalDigest>
}

/** One object's write in progress: its file, the attempts so far, progress out. */
export interface ObjectRun {
  path: string
  /** The file checked to lie inside the work tree: every open of `path` must find it. */
  identity?: FileIdentity
  /** Body sends so far, retries included. */
  attempts: number
  onBytes: (delta: number) => void
  /** The digests of the bytes sent, when this run read the file for the plan's digests (`putSingle`). */
  local?: LocalDigest
}
