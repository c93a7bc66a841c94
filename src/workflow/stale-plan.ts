import { PutplanError } from '../errors/index.js'

/** A saved plan no longer true: refused before any write, saying why. */
export function stale(why: string): PutplanError {
  return new PutplanError('plan-stale', `the saved plan is stale: ${why}. Nothing was written; run putplan plan again.`)
}

/** The first ten names, then `...`. */
export function shown(names: readonly string[]): string {
  return `${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`
}

/** `1 file`, `2 files`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
