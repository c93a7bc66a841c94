import type { BucketSettings } from '../manifest/index.js'
import { redactSecrets } from '../plan/index.js'
import { S3Client, type S3ClientOptions, type S3Config } from '../s3/index.js'

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
}

/** The client for the manifest's bucket; flags win over the manifest's fields. */
export function openStore(
  bucket: BucketSettings,
  connection: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  options: S3ClientOptions = {},
): Promise<S3Client> {
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
  return S3Client.create(dropUndefined(config), env, options)
}

/** The client's `--debug` events with every secret value redacted (a secret in metadata or tags travels in a header). */
export function redactedDebug(options: S3ClientOptions | undefined, secrets: readonly string[]): S3ClientOptions | undefined {
  const onDebug = options?.onDebug
  if (onDebug === undefined || secrets.length === 0) return options
  return { ...options, onDebug: (event) => onDebug(redactSecrets(event, secrets)) }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
