import type { BucketSettings } from '../manifest/index.js'
import { detectStore, STORE_PROFILES, type StoreName, type StoreProfile } from '../plan/index.js'
import { loadS3Config, S3Client, type S3ClientOptions, type S3Config } from '../s3/index.js'

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

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
