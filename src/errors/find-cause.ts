/** How deep a chain of `cause`s is followed: far beyond any real wrapping, short of a cycle's cost. */
const MAX_DEPTH = 8

/**
 * The first error in `error`'s chain of causes (itself included) that `test` accepts.
 * Transports wrap what failed (a body stream that failed its check, a socket error), so
 * the meaning of a failure is often one or two causes down.
 */
export function findCause<T>(error: unknown, test: (candidate: object) => candidate is T & object): T | undefined
export function findCause(error: unknown, test: (candidate: object) => boolean): object | undefined
export function findCause(error: unknown, test: (candidate: object) => boolean): object | undefined {
  let e = error
  for (let depth = 0; typeof e === 'object' && e !== null && depth < MAX_DEPTH; depth++) {
    if (test(e)) return e
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** The `code` string nearest the top of the chain, if any. */
export function causeCode(error: unknown): string | undefined {
  const found = findCause(error, (e) => typeof (e as { code?: unknown }).code === 'string')
  return (found as { code?: string } | undefined)?.code
}
