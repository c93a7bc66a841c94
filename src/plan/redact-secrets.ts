import { REDACTED } from './put-options.js'

/**
 * `value` with every occurrence of a secret in its strings replaced by `(secret)`, deeply
 * (object keys stay: no secret may be in a key or a path). A declared secret variable may
 * end up anywhere a value is shown: an option the plan lists, a reason's `want`, or the
 * bucket's `have` once it holds the secret (metadata uploaded on the user's say-so). Longer
 * secrets first, so one that contains another is replaced whole. With no secret, `value`
 * itself is returned, untouched and uncopied.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  const known = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length)
  return known.length === 0 ? value : (redact(value, known) as T)
}

function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value)
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets))
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets)]))
  return value
}
