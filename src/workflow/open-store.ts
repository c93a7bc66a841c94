import type { BucketSettings, Manifest } from '../manifest/index.js'
import { carries, detectStore, OPTION_TABLE, redactSecrets, STORE_PROFILES, type PutOptionName, type StoreName, type StoreProfile } from '../plan/index.js'
import { DEBUG_REDACTED, loadS3Config, S3Client, type S3ClientOptions, type S3Config } from '../s3/index.js'

export interface ConnectionOptions {
  endpoint?: string
  region?: string
  profile?: string
  forcePathStyle?: boolean
  insecure?: boolean
  caBundle?: string
  noSignRequest?: boolean
  connectTimeoutMs?: number
  readTimeoutMs?: number
  maxAttempts?: number
  /** `--compatibility`: the store behind the endpoint, over the manifest's and the endpoint's host. */
  compatibility?: StoreName
}

export interface OpenedStore {
  store: S3Client
  /** What the store accepts and honours: declared, else told by the endpoint's host, else AWS. */
  profile: StoreProfile
}

/**
 * The client for the manifest's bucket; flags win over the manifest's fields. It sends no
 * `x-amz-checksum-*` header to a store whose profile accepts none.
 */
export async function openStore(
  bucket: BucketSettings,
  connection: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  options: S3ClientOptions = {},
): Promise<OpenedStore> {
  const config: S3Config = {
    bucket: bucket.bucket,
    region: connection.region ?? bucket.region,
    endpoint: connection.endpoint ?? bucket.endpoint,
    profile: connection.profile ?? bucket.profile,
    forcePathStyle: connection.forcePathStyle,
    insecure: connection.insecure,
    caBundle: connection.caBundle,
    noSignRequest: connection.noSignRequest,
    connectTimeoutMs: connection.connectTimeoutMs,
    readTimeoutMs: connection.readTimeoutMs,
    maxAttempts: connection.maxAttempts,
  }
  const resolved = await loadS3Config(dropUndefined(config), env)
  const name = connection.compatibility ?? bucket.compatibility ?? detectStore(resolved.endpoint) ?? 'aws'
  const profile = STORE_PROFILES[name]
  return { store: new S3Client(resolved, { ...options, sendChecksums: profile.checksums.length > 0 }), profile }
}

/**
 * The client's `--debug` events with every secret redacted: each secret value (a secret in
 * metadata or tags travels in a header), and, whole, the headers that carry one, in
 * requests and responses alike (HeadObject answers with what the bucket holds, which may
 * be an earlier secret that no value of the manifest names).
 */
export function redactedDebug(options: S3ClientOptions | undefined, secrets: readonly string[], headers: ReadonlySet<string>): S3ClientOptions | undefined {
  const onDebug = options?.onDebug
  if (onDebug === undefined || secrets.length === 0) return options
  // The headers first, as the client's own redaction marks them, then every value left.
  const hide = (all: Record<string, string>) => Object.fromEntries(Object.entries(all).map(([name, value]) => [name, headers.has(name.toLowerCase()) ? DEBUG_REDACTED : value]))
  return {
    ...options,
    onDebug: (event) => onDebug(redactSecrets('headers' in event ? { ...event, headers: hide(event.headers) } : event, secrets)),
  }
}

/** The request headers (lower case) that carry a secret for some object of the manifest. */
export function secretHeaders(manifest: Pick<Manifest, 'objects'>, secrets: readonly string[]): Set<string> {
  const headers = new Set<string>()
  if (secrets.length === 0) return headers
  for (const object of manifest.objects) {
    for (const [name, value] of Object.entries(object.options) as [PutOptionName, unknown][]) {
      if (!carries(value, secrets)) continue
      if (name !== 'metadata') headers.add(OPTION_TABLE[name].header)
      else for (const [key, entry] of Object.entries(value as Record<string, string>)) if (carries(entry, secrets)) headers.add(`x-amz-meta-${key.toLowerCase()}`)
    }
  }
  return headers
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
