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
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof SourceChangedError) return e
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}
