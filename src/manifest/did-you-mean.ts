import { distance } from 'fastest-levenshtein'

/**
 * The closest known name to what was written, if any is close enough. People bring
 * spellings from the AWS CLI (`cache-control`) and the SDKs (`CacheControl`); those
 * match exactly once case and separators are ignored. Swapped neighbours count as one edit.
 */
export function didYouMean(written: string, known: Iterable<string>): string | undefined {
  const wanted = normalise(written)
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const candidate = normalise(name)
    const d = isOneTransposition(wanted, candidate) ? 1 : distance(wanted, candidate)
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  const tolerance = Math.max(1, Math.floor(wanted.length / 4))
  return bestDistance <= tolerance ? best : undefined
}

/** `regoin` for `region`: two swapped neighbours are one slip of the fingers, not two. */
function isOneTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  const diff: number[] = []
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i)
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!]
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}
