/**
 * `--debug` output leaves the client as events; a renderer prints them. Every event is
 * redacted here, before it leaves: no signature, session token or SSE-C key.
 */
export type S3DebugEvent =
  | { type: 'request'; operation: string; attempt: number; method: string; url: string; headers: Record<string, string> }
  | { type: 'response'; operation: string; attempt: number; status: number; headers: Record<string, string>; durationMs: number }
  | { type: 'network-error'; operation: string; attempt: number; message: string; durationMs: number }
  | { type: 'region-redirect'; operation: string; from: string; to: string }

export type S3DebugListener = (event: S3DebugEvent) => void

export const REDACTED = '[redacted]'

const SECRET_HEADERS = [/^authorization$/, /^x-amz-security-token$/, /server-side-encryption-customer-key/]
const SECRET_QUERY = new Set(['x-amz-signature', 'x-amz-security-token', 'x-amz-credential', 'signature'])

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (lower === 'authorization') out[name] = redactAuthorization(value)
    else out[name] = SECRET_HEADERS.some((re) => re.test(lower)) ? REDACTED : value
  }
  return out
}

/** Keeps the access key id, scope and signed headers (useful when debugging); drops the signature. */
function redactAuthorization(value: string): string {
  return /Signature=/.test(value) ? value.replace(/Signature=[0-9a-fA-F]*/, `Signature=${REDACTED}`) : REDACTED
}

export function redactUrl(url: string): string {
  const question = url.indexOf('?')
  if (question < 0) return url
  const query = url
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0] ?? ''
      return SECRET_QUERY.has(decodeURIComponentSafe(name).toLowerCase()) ? `${name}=${REDACTED}` : pair
    })
  return `${url.slice(0, question)}?${query.join('&')}`
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
