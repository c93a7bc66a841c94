import { createHash } from 'node:crypto'
import { PutplanError } from '../errors/index.js'
import { addressFor, originOf, queryString } from './addressing.js'
import type { S3DebugListener } from './debug-log.js'
import { redactHeaders, redactUrl } from './debug-log.js'
import { isErrorDocument, toServiceError } from './error-response.js'
import type { HttpTransport, RequestBody } from './http-transport.js'
import { EMPTY_SHA256, UNSIGNED_PAYLOAD, type RequestSigner } from './request-signer.js'
import { backoffDelay, isRetryable, type RetryEvent, type RetryOptions } from './retry-policy.js'
import { awsEndpoint, type ResolvedS3Config } from './s3-config.js'
import { NetworkError, S3ServiceError } from './s3-errors.js'

export interface S3Request {
  operation: string
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE'
  /** Undefined for bucket-level requests. */
  key?: string
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: RequestBody
  /** S3 may answer 200 with an `<Error>` document (CompleteMultipartUpload): treat it as the error. */
  errorIn200?: boolean
}

export interface S3Response {
  status: number
  headers: Record<string, string>
  body: Buffer
}

export interface ExecutorDeps {
  transport: HttpTransport
  signer: RequestSigner
  retry: RetryOptions
  onRetry?: (event: RetryEvent) => void
  onDebug?: S3DebugListener
}

/**
 * Sends S3 requests: addresses, signs, retries transient failures with backoff, and
 * follows a wrong-region answer once by re-signing for the bucket's region, which it
 * then keeps for every later request.
 */
export class RequestExecutor {
  private region: string
  private endpoint: string

  constructor(
    private readonly config: ResolvedS3Config,
    private readonly deps: ExecutorDeps,
  ) {
    this.region = config.region
    this.endpoint = config.endpoint
  }

  /** The region requests are signed for (changes after a region redirect). */
  get currentRegion(): string {
    return this.region
  }

  async send(request: S3Request): Promise<S3Response> {
    const { retry } = this.deps
    const started = retry.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendFollowingRegion(request, attempt)
      } catch (error) {
        if (!isRetryable(error) || attempt >= Math.min(retry.maxAttempts, this.config.maxAttempts)) throw error
        const failure = error as S3ServiceError | NetworkError
        const delayMs = backoffDelay(attempt, retry, failure instanceof S3ServiceError ? failure.retryAfterSeconds : undefined)
        if (retry.now() - started + delayMs > retry.maxTotalMs) throw error
        this.deps.onRetry?.({ operation: request.operation, ...keyOf(request), attempt, delayMs, error: failure })
        await retry.sleep(delayMs)
      }
    }
  }

  private async sendFollowingRegion(request: S3Request, attempt: number): Promise<S3Response> {
    try {
      return await this.sendOnce(request, attempt)
    } catch (error) {
      const region = redirectRegion(error, this.region)
      if (region === undefined) throw error
      this.deps.onDebug?.({ type: 'region-redirect', operation: request.operation, from: this.region, to: region })
      this.region = region
      if (this.config.endpointFromRegion) this.endpoint = awsEndpoint(region)
      return await this.sendOnce(request, attempt)
    }
  }

  private async sendOnce(request: S3Request, attempt: number): Promise<S3Response> {
    const address = addressFor(this.endpoint, this.config.bucket, this.config.forcePathStyle, request.key)
    const context = { operation: request.operation, ...keyOf(request), endpoint: originOf(address) }
    const query = request.query ?? {}
    const headers = await this.sign(request, address, query)
    const url = `${originOf(address)}${address.path}${queryString(query)}`
    const { onDebug } = this.deps
    onDebug?.({ type: 'request', operation: request.operation, attempt, method: request.method, url: redactUrl(url), headers: redactHeaders(headers) })
    const began = Date.now()
    let response: S3Response
    try {
      response = await this.deps.transport.send({ method: request.method, url, headers, ...(request.body === undefined ? {} : { body: request.body }) })
    } catch (error) {
      onDebug?.({ type: 'network-error', operation: request.operation, attempt, message: String(error), durationMs: Date.now() - began })
      throw new NetworkError(error, context)
    }
    onDebug?.({ type: 'response', operation: request.operation, attempt, status: response.status, headers: redactHeaders(response.headers), durationMs: Date.now() - began })
    const body = response.body.toString('utf8')
    if (response.status >= 300 || (request.errorIn200 === true && isErrorDocument(body))) {
      throw toServiceError({ status: response.status >= 300 ? response.status : 500, headers: response.headers, body }, context)
    }
    return response
  }

  private async sign(request: S3Request, address: ReturnType<typeof addressFor>, query: Record<string, string>) {
    try {
      return await this.deps.signer.sign(
        { method: request.method, address, query, headers: lowerCaseKeys(request.headers ?? {}), payloadHash: payloadHash(request.body) },
        this.region,
      )
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      throw new PutplanError('s3', `could not sign the request (no usable AWS credentials?): ${detail}`)
    }
  }
}

/** The bucket's region when S3 says the request went to the wrong one. */
export function redirectRegion(error: unknown, current: string): string | undefined {
  if (!(error instanceof S3ServiceError) || error.bucketRegion === undefined || error.bucketRegion === current) return undefined
  const wrongRegion =
    error.status === 301 ||
    error.status === 307 ||
    error.s3Code === 'AuthorizationHeaderMalformed' ||
    error.s3Code === 'IllegalLocationConstraintException' ||
    error.s3Code === 'IllegalLocationConstraint' ||
    error.status === 400
  return wrongRegion ? error.bucketRegion : undefined
}

function payloadHash(body: RequestBody | undefined): string {
  if (body === undefined) return EMPTY_SHA256
  if (typeof body === 'function') return UNSIGNED_PAYLOAD
  return createHash('sha256').update(body).digest('hex')
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}

function keyOf(request: S3Request): { key?: string } {
  return request.key === undefined ? {} : { key: request.key }
}
