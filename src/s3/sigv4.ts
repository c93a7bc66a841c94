import { createHash, createHmac } from 'node:crypto'
import type { AwsCredentialIdentity } from '@smithy/types'

/**
 * AWS Signature Version 4 on Node's crypto, as `@smithy/signature-v4` computes it (the
 * signing oracle test holds the two to the same Authorization header). putplan signs
 * every request, and the SDK's signer took 35-45 ms to import with the part of
 * `@smithy/core` it needs, a tenth of a no-op plan of 2,000 objects, and twice the CPU
 * per signature.
 */
export interface SigV4Request {
  method: string
  /** The path as sent: encoded once, query not included. */
  path: string
  /** Decoded names and values; encoded canonically here. */
  query: Record<string, string>
  /** Must hold `host` and `x-amz-content-sha256` (the payload's hash, or `UNSIGNED-PAYLOAD`). */
  headers: Record<string, string>
}

export interface SigV4Scope {
  credentials: AwsCredentialIdentity
  region: string
  service: string
  date: Date
  /**
   * Every service but S3 signs the path normalised and encoded once more; S3 signs it
   * exactly as sent (`a/../b` is a key there, not a path).
   */
  escapePath: boolean
}

const ALGORITHM = 'AWS4-HMAC-SHA256'

/** Headers a proxy or client may add or change on the way: never signed (the SDK's list). */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
])

/** Headers the signature makes: a caller's own are dropped. */
const GENERATED = new Set(['authorization', 'x-amz-date', 'date'])

/** The request's headers with `x-amz-date`, the session token if any, and `authorization`. */
export function signV4(request: SigV4Request, scope: SigV4Scope): Record<string, string> {
  const { credentials } = scope
  if (typeof credentials?.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') throw new Error('Resolved credential object is not valid')
  const longDate = scope.date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
  const shortDate = longDate.slice(0, 8)
  const credentialScope = `${shortDate}/${scope.region}/${scope.service}/aws4_request`

  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !GENERATED.has(name.toLowerCase())) headers[name] = value
  }
  headers['x-amz-date'] = longDate
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken

  const canonical = new Map<string, string>()
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase()
    if (UNSIGNABLE.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) continue
    canonical.set(lower, canonicalValue(headers[name]!))
  }
  const signed = [...canonical.keys()].sort()
  const payloadHash = payloadHashOf(headers)
  const canonicalRequest = [
    request.method,
    scope.escapePath ? escapedPath(request.path) : request.path,
    canonicalQuery(request.query),
    ...signed.map((name) => `${name}:${canonical.get(name)}`),
    '',
    signed.join(';'),
    payloadHash,
  ].join('\n')
  const stringToSign = `${ALGORITHM}\n${longDate}\n${credentialScope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`
  const signature = createHmac('sha256', signingKey(credentials, shortDate, scope.region, scope.service)).update(stringToSign).digest('hex')
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`
  return headers
}

/** RFC 3986 encoding, as SigV4 wants it: `encodeURIComponent` leaves `!'()*` alone. */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Line breaks and tabs as spaces, runs of spaces as one, no space at either end; most values have none. */
function canonicalValue(value: string): string {
  if (!UNTIDY.test(value)) return value
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')
}

const UNTIDY = /[\r\n\t]| {2}|^ | $/

function payloadHashOf(headers: Record<string, string>): string {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === 'x-amz-content-sha256') return value
  throw new Error('a request to sign must carry x-amz-content-sha256')
}

function canonicalQuery(query: Record<string, string>): string {
  const pairs: Array<[string, string]> = []
  for (const [name, value] of Object.entries(query)) {
    if (name.toLowerCase() === 'x-amz-signature' || typeof value !== 'string') continue
    pairs.push([escapeUri(name), `${escapeUri(name)}=${escapeUri(value)}`])
  }
  return pairs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, pair]) => pair)
    .join('&')
}

/** The path of a service other than S3: `.` and `..` resolved, empty segments dropped, encoded again. */
function escapedPath(path: string): string {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const normalised = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`
  return escapeUri(normalised).replace(/%2F/g, '/')
}

/** Derived keys, one per day, region, service and credentials: four HMACs saved per request. */
const keys = new Map<string, Buffer>()
const MAX_KEYS = 50

function signingKey(credentials: AwsCredentialIdentity, shortDate: string, region: string, service: string): Buffer {
  const id = `${shortDate}\n${region}\n${service}\n${credentials.accessKeyId}\n${credentials.secretAccessKey}\n${credentials.sessionToken ?? ''}`
  let key = keys.get(id)
  if (key !== undefined) return key
  key = createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(shortDate).digest()
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest()
  if (keys.size >= MAX_KEYS) keys.clear()
  keys.set(id, key)
  return key
}
