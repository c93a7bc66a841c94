import { findCause } from '../errors/index.js'
import { NetworkError, S3ServiceError } from './s3-errors.js'

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** No retry starts after this long since the first attempt. */
  maxTotalMs: number
  /** In [0, 1); injectable for tests. */
  random: () => number
  sleep: (ms: number) => Promise<void>
  now: () => number
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 20_000,
  maxTotalMs: 120_000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
}

/** What a retry looks like from outside: enough for a log line or a counter. */
export interface RetryEvent {
  operation: string
  key?: string
  /** The attempt that failed, 1-based. */
  attempt: number
  delayMs: number
  error: S3ServiceError | NetworkError
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504])
const RETRYABLE_CODES = new Set([
  'RequestTimeout',
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'ConditionalRequestConflict',
])

/** The `code` of an error a request body fails with when its bytes are not the ones it was made for. */
export const SOURCE_CHANGED_CODE = 'source-changed'

/**
 * Whether a failure is transient. 5xx, throttling, S3's request timeout, 409
 * ConditionalRequestConflict and network failures are; any other 4xx is final, and so is
 * a body that refused to send changed bytes (`code: 'source-changed'` in its causes):
 * another attempt would read the same changed file.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError) return findCause(error.cause, (e) => (e as { code?: unknown }).code === SOURCE_CHANGED_CODE) === undefined
  if (!(error instanceof S3ServiceError)) return false
  if (RETRYABLE_STATUS.has(error.status)) return true
  if (error.status === 409) return error.s3Code === 'ConditionalRequestConflict'
  if (error.status === 429) return true
  return RETRYABLE_CODES.has(error.s3Code)
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base * 2^(n-1))].
 * A `Retry-After` from the server is a floor, still bounded by the cap.
 */
export function backoffDelay(attempt: number, options: RetryOptions, retryAfterSeconds?: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.floor(options.random() * ceiling)
  const floor = retryAfterSeconds === undefined ? 0 : Math.min(options.maxDelayMs, retryAfterSeconds * 1000)
  return Math.max(jittered, floor)
}

