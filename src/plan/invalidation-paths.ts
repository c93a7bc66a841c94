/**
 * The paths of one CloudFront CreateInvalidation naming the objects an apply changed.
 * Pure: keys in, paths out.
 */

/** CloudFront's limits on what may be in progress at once: files invalidated one by one, and wildcard paths. */
export const CLOUDFRONT_MAX_PATHS = 3000
export const CLOUDFRONT_MAX_WILDCARDS = 15
export const DEFAULT_MAX_PATHS = 100

/**
 * `/key` for each key, and `/folder/` too for a `folder/index.html` (`/` for the top
 * `index.html`), which is how a site's folder is requested. More than `maxPaths` (or
 * CloudFront's 3,000): one `/folder/*` per folder of the keys instead; more than CloudFront's
 * 15 wildcards: folders cut back a level at a time, down to `/*`. Sorted, without repeats.
 */
export function invalidationPaths(keys: readonly string[], maxPaths = DEFAULT_MAX_PATHS): string[] {
  const exact = new Set<string>()
  for (const key of keys) {
    exact.add(`/${encodePath(key)}`)
    if (key === 'index.html' || key.endsWith('/index.html')) exact.add(`/${encodePath(key.slice(0, -'index.html'.length))}`)
  }
  if (exact.size <= Math.min(maxPaths, CLOUDFRONT_MAX_PATHS)) return [...exact].sort()
  let folders = keys.map((key) => key.split('/').slice(0, -1))
  for (;;) {
    const wildcards = coveringWildcards(folders)
    if (wildcards.length <= CLOUDFRONT_MAX_WILDCARDS) return wildcards
    const deepest = Math.max(...folders.map((f) => f.length))
    folders = folders.map((f) => (f.length === deepest ? f.slice(0, -1) : f))
  }
}

/** `/a/b/*` per folder, leaving out folders that a shallower wildcard of the set covers already. */
function coveringWildcards(folders: readonly string[][]): string[] {
  const prefixes = [...new Set(folders.map((f) => (f.length === 0 ? '' : `${f.join('/')}/`)))].sort()
  const kept = prefixes.filter((prefix) => !prefixes.some((other) => other !== prefix && prefix.startsWith(other)))
  return kept.map((prefix) => `/${encodePath(prefix)}*`)
}

/**
 * A key as an invalidation path: CloudFront wants non-ASCII and RFC 1738's unsafe characters
 * URL-encoded (UTF-8), and nothing else, or the path would not match the cached one. `*`
 * (a wildcard there) and `?` (a query) are encoded too, so that a key holding them is named
 * exactly.
 */
export function encodePath(key: string): string {
  let out = ''
  for (const char of key) {
    const code = char.codePointAt(0)!
    out += code <= 0x20 || code >= 0x7f || UNSAFE.has(char) ? percentEncoded(char) : char
  }
  return out
}

const UNSAFE = new Set([' ', '<', '>', '"', '#', '%', '{', '}', '|', '\\', '^', '~', '[', ']', '`', '*', '?'])

/** Each UTF-8 byte as %XX. */
function percentEncoded(char: string): string {
  return [...new TextEncoder().encode(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}
