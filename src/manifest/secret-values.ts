import type { Manifest } from './manifest.js'

/**
 * The values outputs must never show: each secret variable's, as read, and as it travels
 * URL-encoded (tags, query strings) in a request a `--debug` log prints.
 */
export function secretValues(manifest: Pick<Manifest, 'variables'>): string[] {
  const values = manifest.variables.filter((v) => v.secret && v.value !== '').map((v) => v.value)
  return [...new Set(values.flatMap((value) => [value, encodeURIComponent(value)]))]
}
