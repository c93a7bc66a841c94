import { distance } from 'fastest-levenshtein'

/**
 * The closest known name to what was written, if any is close enough. People bring
 * spellings from the AWS CLI (`cache-control`) and the SDKs (`CacheControl`); those
 * match exactly once case and separators are ignored.
 */
export function didYouMean(written: string, known: Iterable<string>): string | undefined {
  const wanted = normalise(written)
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const d = distance(wanted, normalise(name))
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  const tolerance = Math.max(1, Math.floor(wanted.length / 4))
  return bestDistance <= tolerance ? best : undefined
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}
