import { findCause } from '../errors/index.js'

/**
 * The file is no longer what the plan hashed: its size differs before the upload, or the
 * bytes read into a request differ from the planned digest. Never retried into success:
 * what the plan reviewed is not what the file holds.
 */
export class SourceChangedError extends Error {
  readonly code = 'source-changed'

  constructor(message: string) {
    super(message)
    this.name = 'SourceChangedError'
  }
}

/** The error itself, or the one a transport failure wraps (a body stream that failed its check). */
export function findSourceChanged(error: unknown): SourceChangedError | undefined {
  return findCause(error, (e): e is SourceChangedError => e instanceof SourceChangedError)
}
