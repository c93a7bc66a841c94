import type { ObjectStore, RequestOptions } from '../s3/index.js'
import { S3ServiceError } from '../s3/s3-errors.js'
import type { ApplyEvent, StartedUpload } from './apply-types.js'

interface Entry extends StartedUpload {
  options: RequestOptions
}

/**
 * Every multipart upload apply has started and not yet completed or aborted. Each object
 * aborts its own upload when it fails; `abortAll` is the sweep `executePlan` runs before it
 * returns or throws, so no upload is left to hold parts that are paid for but never used.
 */
export class UploadRegistry {
  private readonly started = new Map<string, Entry>()

  constructor(
    private readonly store: ObjectStore,
    private readonly onEvent: (event: ApplyEvent) => void,
  ) {}

  add(key: string, uploadId: string, options: RequestOptions): void {
    this.started.set(uploadId, { key, uploadId, options })
  }

  /** Completed: nothing to abort any more. */
  remove(uploadId: string): void {
    this.started.delete(uploadId)
  }

  /** Aborts one upload; true when it is gone (S3's NoSuchUpload counts: already gone). */
  async abort(uploadId: string): Promise<boolean> {
    const entry = this.started.get(uploadId)
    if (!entry) return true
    try {
      await this.store.abortMultipartUpload(entry.key, uploadId, entry.options)
    } catch (error) {
      if (!(error instanceof S3ServiceError && error.s3Code === 'NoSuchUpload')) {
        this.onEvent({ type: 'multipart-abort-failed', key: entry.key, uploadId, message: error instanceof Error ? error.message : String(error) })
        return false
      }
    }
    this.started.delete(uploadId)
    this.onEvent({ type: 'multipart-aborted', key: entry.key, uploadId })
    return true
  }

  /** Aborts every upload still registered; returns those that could not be aborted. */
  async abortAll(): Promise<StartedUpload[]> {
    await Promise.all([...this.started.keys()].map((id) => this.abort(id)))
    return [...this.started.values()].map(({ key, uploadId }) => ({ key, uploadId }))
  }

  get size(): number {
    return this.started.size
  }
}
