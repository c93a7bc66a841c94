import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_RETRY, isRetryable } from '../../../src/s3/retry-policy.js'
import { NetworkError, S3ServiceError } from '../../../src/s3/s3-errors.js'

const err = (status: number, s3Code: string) => new S3ServiceError({ status, s3Code, s3Message: '', context: { operation: 'PutObject' } })

describe('isRetryable', () => {
  it.each([
    [500, 'InternalError'],
    [502, 'BadGateway'],
    [503, 'SlowDown'],
    [504, 'GatewayTimeout'],
    [400, 'RequestTimeout'],
    [409, 'ConditionalRequestConflict'],
  ])('retries %i %s', (status, code) => expect(isRetryable(err(status, code))).toBe(true))

  it.each([
    [400, 'BadDigest'],
    [403, 'AccessDenied'],
    [404, 'NoSuchKey'],
    [409, 'OperationAborted'],
    [412, 'PreconditionFailed'],
    [400, 'RequestTimeTooSkewed'],
    [400, 'InvalidArgument'],
  ])('never retries %i %s', (status, code) => expect(isRetryable(err(status, code))).toBe(false))

  it('retries network failures, not other errors', () => {
    expect(isRetryable(new NetworkError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), { operation: 'x' }))).toBe(true)
    expect(isRetryable(new Error('bug'))).toBe(false)
  })
})

describe('backoffDelay (full jitter)', () => {
  const at = (random: number) => ({ ...DEFAULT_RETRY, random: () => random })

  it('is uniform in [0, min(cap, base * 2^(n-1))]', () => {
    expect(backoffDelay(1, at(0))).toBe(0)
    expect(backoffDelay(1, at(0.999999))).toBe(99)
    expect(backoffDelay(4, at(0.5))).toBe(400)
    expect(backoffDelay(30, at(0.999999))).toBe(19_999)
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.999]) {
        const delay = backoffDelay(attempt, at(r))
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThanOrEqual(Math.min(20_000, 100 * 2 ** (attempt - 1)))
      }
    }
  })

  it('waits at least Retry-After, still capped', () => {
    expect(backoffDelay(1, at(0), 2)).toBe(2_000)
    expect(backoffDelay(1, at(0), 3_600)).toBe(20_000)
  })
})
