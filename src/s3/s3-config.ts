import { UsageError } from '../errors/index.js'

/** How to reach the bucket: manifest fields and command-line flags, before resolution. */
export interface S3Config {
  bucket: string
  region?: string
  endpoint?: string
  profile?: string
  /** Defaults to true for a custom endpoint, false for AWS. */
  forcePathStyle?: boolean
  /** Skip TLS certificate verification (`--no-verify-ssl`). */
  insecure?: boolean
  /** Path of a PEM file of trusted CAs (`--ca-bundle`). */
  caBundle?: string
  connectTimeoutMs?: number
  /** Bound on waiting for the response headers, and on each gap in the body. */
  readTimeoutMs?: number
  /** Send requests unsigned (`--no-sign-request`). */
  noSignRequest?: boolean
  /** Attempts per request, the first included. */
  maxAttempts?: number
  debug?: boolean
}

export type Env = Readonly<Record<string, string | undefined>>

/** The configuration after defaults and the environment are applied. */
export interface ResolvedS3Config {
  bucket: string
  region: string
  /** Origin and optional base path, without a trailing slash: `https://s3.eu-west-1.amazonaws.com`. */
  endpoint: string
  /** True when the endpoint was derived from the region, so it follows a region redirect. */
  endpointFromRegion: boolean
  forcePathStyle: boolean
  profile?: string
  insecure: boolean
  caBundle?: string
  connectTimeoutMs: number
  readTimeoutMs: number
  noSignRequest: boolean
  maxAttempts: number
  debug: boolean
}

export const DEFAULT_REGION = 'us-east-1'

/** The AWS endpoint of a region (the partition's DNS suffix for China). */
export function awsEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://s3.${region}.${suffix}`
}

/**
 * Applies the AWS CLI's resolution order. Endpoint: config, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`, else AWS's for the region. Region: config, `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, the profile's `region`, else us-east-1. Profile: config, then
 * `AWS_PROFILE`.
 */
export function resolveS3Config(
  config: S3Config,
  env: Env,
  profileRegion: (profile: string | undefined) => string | undefined = () => undefined,
): ResolvedS3Config {
  const profile = nonEmpty(config.profile) ?? nonEmpty(env.AWS_PROFILE)
  const region =
    nonEmpty(config.region) ??
    nonEmpty(env.AWS_REGION) ??
    nonEmpty(env.AWS_DEFAULT_REGION) ??
    nonEmpty(profileRegion(profile)) ??
    DEFAULT_REGION
  const custom = firstEndpoint([
    ['endpoint', config.endpoint],
    ['AWS_ENDPOINT_URL_S3', env.AWS_ENDPOINT_URL_S3],
    ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL],
  ])
  const endpoint = custom === undefined ? awsEndpoint(region) : normaliseEndpoint(custom.value, custom.from)
  return {
    bucket: config.bucket,
    region,
    endpoint,
    endpointFromRegion: custom === undefined,
    forcePathStyle: config.forcePathStyle ?? custom !== undefined,
    ...(profile === undefined ? {} : { profile }),
    insecure: config.insecure ?? false,
    ...(config.caBundle === undefined ? {} : { caBundle: config.caBundle }),
    connectTimeoutMs: config.connectTimeoutMs ?? 60_000,
    readTimeoutMs: config.readTimeoutMs ?? 60_000,
    noSignRequest: config.noSignRequest ?? false,
    maxAttempts: Math.max(1, config.maxAttempts ?? 5),
    debug: config.debug ?? false,
  }
}

function firstEndpoint(candidates: [from: string, value: string | undefined][]): { from: string; value: string } | undefined {
  for (const [from, value] of candidates) {
    const set = nonEmpty(value)
    if (set !== undefined) return { from, value: set }
  }
  return undefined
}

/**
 * Validates an endpoint URL and drops a trailing slash. A bare `host:port` is refused, as
 * the AWS CLI refuses it: guessing https for a local store that speaks http ends in a TLS
 * error that names neither the endpoint nor the fix. `from` names where the value came
 * from (`endpoint`, or the environment variable).
 */
export function normaliseEndpoint(value: string, from = 'endpoint'): string {
  const written = `${from} ${JSON.stringify(value)}`
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new UsageError(`${written} has no scheme: add http:// or https://, e.g. http://${value}`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`${written} is not a valid URL; expected one such as http://127.0.0.1:9000`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${written} is not an http:// or https:// URL`)
  }
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.protocol}//${url.host}${path}`
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}
