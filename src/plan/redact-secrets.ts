import type { Plan } from './plan.js'
import { REDACTED, type PutOptionName } from './put-options.js'

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

/**
 * The values the bucket holds (`have`) where the manifest puts a secret: an earlier secret,
 * or another one, is a secret too, and no value of the manifest names it. Added to the
 * secrets redacted, they leave a plan or report showing only that the value differs.
 */
export function bucketSecrets(plan: Plan, secrets: readonly string[]): string[] {
  if (secrets.length === 0) return []
  const found: string[] = []
  for (const item of plan.items) {
    if (item.action === 'delete') continue
    for (const reason of item.reasons) {
      if (!('have' in reason) || reason.have === undefined) continue
      const wanted = item.options[reason.option as PutOptionName]
      if (wanted === undefined) continue
      const have = reason.have
      if (typeof have === 'string') {
        if (carries(wanted, secrets)) found.push(have)
      } else if (typeof have === 'object' && !Array.isArray(have) && typeof wanted === 'object') {
        const lower = new Map(Object.entries(wanted as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]))
        for (const [name, value] of Object.entries(have)) if (carries(lower.get(name.toLowerCase()) ?? '', secrets)) found.push(value)
      }
    }
  }
  return found
}

/** Whether a value holds a secret. */
export function carries(value: unknown, secrets: readonly string[]): boolean {
  return JSON.stringify(redactSecrets(value, secrets)) !== JSON.stringify(value)
}
