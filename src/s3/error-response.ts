import { S3ServiceError, type S3ErrorContext } from './s3-errors.js'
import { child, parseXml, text } from './xml.js'

/** S3's codes for answers without a body (HEAD), by status. */
const STATUS_CODES: Record<number, string> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  500: 'InternalError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
}

export interface ErrorResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Turns an S3 error answer into a typed error. Header and XML both count; XML wins. */
export function toServiceError(response: ErrorResponse, context: S3ErrorContext): S3ServiceError {
  const xml = response.body.trim() === '' ? undefined : safeParse(response.body)
  const error = xml === undefined ? {} : child(xml, 'Error')
  const s3Code = nonEmpty(text(error, 'Code')) ?? STATUS_CODES[response.status] ?? `Http${response.status}`
  const s3Message = nonEmpty(text(error, 'Message')) ?? defaultMessage(response.status)
  const requestId = nonEmpty(text(error, 'RequestId')) ?? response.headers['x-amz-request-id']
  const bucketRegion = response.headers['x-amz-bucket-region'] ?? nonEmpty(text(error, 'Region'))
  const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'])
  return new S3ServiceError({
    status: response.status,
    s3Code,
    s3Message,
    ...(requestId === undefined ? {} : { requestId }),
    ...(bucketRegion === undefined ? {} : { bucketRegion }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    context,
  })
}

/** True when a 200 answer is in fact an `<Error>` document (CompleteMultipartUpload does this). */
export function isErrorDocument(body: string): boolean {
  const head = body.slice(0, 512)
  return /<Error[\s>]/.test(head) && !/<CompleteMultipartUploadResult[\s>]/.test(head)
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

function safeParse(body: string): ReturnType<typeof parseXml> | undefined {
  try {
    return parseXml(body)
  } catch {
    return undefined
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function defaultMessage(status: number): string {
  if (status === 403) return 'access denied (check credentials, region and bucket policy)'
  if (status === 404) return 'not found'
  if (status === 301) return 'the bucket is in another region or needs another endpoint'
  return `HTTP ${status}`
}
