import { causeCode, PutplanError } from '../errors/index.js'

/** What the failing request was, so a message can name the object and the call. */
export interface S3ErrorContext {
  operation: string
  key?: string
  /** Where the request went (origin), named when it got no answer. */
  endpoint?: string
}

/**
 * S3 answered with an error: an XML `<Error>` document, or only a status (HEAD has no
 * body). `s3Code` is S3's code (`NoSuchKey`, `SlowDown`, ...), or one derived from the
 * status when the body said nothing.
 */
export class S3ServiceError extends PutplanError {
  readonly status: number
  readonly s3Code: string
  readonly s3Message: string
  readonly requestId?: string
  readonly key?: string
  readonly operation: string
  /** The bucket's region when S3 named it (wrong-region answers). */
  readonly bucketRegion?: string
  /** Seconds, from a `Retry-After` header. */
  readonly retryAfterSeconds?: number

  constructor(fields: {
    status: number
    s3Code: string
    s3Message: string
    requestId?: string
    bucketRegion?: string
    retryAfterSeconds?: number
    context: S3ErrorContext
  }) {
    const where = fields.context.key === undefined ? '' : ` for "${fields.context.key}"`
    const id = fields.requestId === undefined ? '' : ` (request id ${fields.requestId})`
    super('s3', `${fields.context.operation}${where} failed: ${fields.status} ${fields.s3Code}: ${fields.s3Message}${id}`)
    this.name = 'S3ServiceError'
    this.status = fields.status
    this.s3Code = fields.s3Code
    this.s3Message = fields.s3Message
    if (fields.requestId !== undefined) this.requestId = fields.requestId
    if (fields.bucketRegion !== undefined) this.bucketRegion = fields.bucketRegion
    if (fields.retryAfterSeconds !== undefined) this.retryAfterSeconds = fields.retryAfterSeconds
    if (fields.context.key !== undefined) this.key = fields.context.key
    this.operation = fields.context.operation
  }
}

/** The request never got an HTTP answer: refused, reset, timed out, TLS failure. */
export class NetworkError extends PutplanError {
  /** The system or transport error code (`ECONNRESET`, `READ_TIMEOUT`, ...). */
  readonly causeCode?: string
  readonly key?: string
  readonly operation: string

  constructor(cause: unknown, context: S3ErrorContext) {
    const code = causeCode(cause)
    const detail = cause instanceof Error ? cause.message : String(cause)
    const where = context.key === undefined ? '' : ` for "${context.key}"`
    const to = context.endpoint === undefined ? '' : ` (endpoint ${context.endpoint})`
    super('network', `${context.operation}${where} failed: ${code ?? 'network error'}: ${detail}${to}`)
    this.name = 'NetworkError'
    this.cause = cause
    if (code !== undefined) this.causeCode = code
    if (context.key !== undefined) this.key = context.key
    this.operation = context.operation
  }
}

/**
 * A successful answer S3 never gives (an HTML page, malformed XML, an object without an
 * ETag): the endpoint is not S3, or something between mangled the answer. Never retried,
 * and never read as data.
 */
export class UnexpectedAnswerError extends PutplanError {
  readonly key?: string
  readonly operation: string

  constructor(context: S3ErrorContext, what: string) {
    const where = context.key === undefined ? '' : ` for "${context.key}"`
    super('s3', `${context.operation}${where} got an answer S3 never gives (${what}): is the endpoint an S3 service?`)
    this.name = 'UnexpectedAnswerError'
    if (context.key !== undefined) this.key = context.key
    this.operation = context.operation
  }
}
