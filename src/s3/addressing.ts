/**
 * Where a request goes: the URL S3 expects for a bucket and key, path-style
 * (`endpoint/bucket/key`) or virtual-hosted (`bucket.endpoint/key`).
 */
export interface Address {
  protocol: 'http:' | 'https:'
  hostname: string
  port?: number
  /** Already URI-encoded, exactly as sent and as signed. */
  path: string
}

/**
 * Encodes an object key for the request path, once: each `/`-separated segment per RFC
 * 3986 (only `A-Z a-z 0-9 - . _ ~` stay literal), `/` kept. This is the path S3 signs
 * (its canonical URI is not encoded a second time) and what the AWS SDKs send.
 */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeSegment).join('/')
}

export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** RFC 3986 encoding for query values and the tagging header. */
export const encodeQueryValue = encodeSegment

/**
 * A bucket name usable as a DNS label under TLS: lower-case letters, digits and hyphens,
 * 3-63 characters, no dots (a dot breaks the wildcard certificate).
 */
export function isVirtualHostable(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket)
}

/** The address of a bucket (`key` undefined) or an object in it. */
export function addressFor(endpoint: string, bucket: string, forcePathStyle: boolean, key?: string): Address {
  const url = new URL(endpoint)
  const basePath = url.pathname.replace(/\/+$/, '')
  const keyPath = key === undefined ? '' : encodeKeyPath(key)
  const virtual = !forcePathStyle && isVirtualHostable(bucket)
  const hostname = virtual ? `${bucket}.${url.hostname}` : url.hostname
  // Bucket-level requests end in `/` in both styles, as the AWS SDKs send them.
  const path = virtual ? `${basePath}/${keyPath}` : `${basePath}/${encodeSegment(bucket)}/${keyPath}`
  return {
    protocol: url.protocol === 'http:' ? 'http:' : 'https:',
    hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path,
  }
}

/** The query string for a request, keys sorted, values RFC 3986 encoded (`?` included). */
export function queryString(query: Record<string, string | undefined>): string {
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' ? encodeSegment(k) : `${encodeSegment(k)}=${encodeSegment(v)}`))
  return parts.length === 0 ? '' : `?${parts.join('&')}`
}

export function originOf(address: Address): string {
  return `${address.protocol}//${hostHeader(address)}`
}

/** The Host header: the port only when it is not the scheme's default. */
export function hostHeader(address: Address): string {
  const defaultPort = address.protocol === 'https:' ? 443 : 80
  return address.port === undefined || address.port === defaultPort ? address.hostname : `${address.hostname}:${address.port}`
}
