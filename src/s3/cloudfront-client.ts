import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import { PutplanError } from '../errors/index.js'
import { standardCredentials } from './credentials.js'
import { createTransport, type HttpResponse, type HttpTransport } from './http-transport.js'
import { backoffDelay, DEFAULT_RETRY } from './retry-policy.js'
import { normaliseEndpoint, type Env } from './s3-config.js'
import { child, parseXml, text, xmlEscape } from './xml.js'

/** CloudFront is global: one endpoint, requests signed for us-east-1. */
export const CLOUDFRONT_ENDPOINT = 'https://cloudfront.amazonaws.com'
const SIGNING_REGION = 'us-east-1'
const API = '/2020-05-31'
const NAMESPACE = 'http://cloudfront.amazonaws.com/doc/2020-05-31/'
const ATTEMPTS = 4

export interface CloudFrontOptions {
  profile?: string
  insecure?: boolean
  caBundle?: string
  connectTimeoutMs?: number
  readTimeoutMs?: number
  /** Tests: a transport and credentials of their own. */
  transport?: HttpTransport
  credentials?: AwsCredentialIdentityProvider
}

export interface Invalidation {
  id: string
  /** `InProgress` or `Completed`. */
  status: string
}

/** CloudFront answered with an error, or not at all. */
export class CloudFrontError extends PutplanError {
  constructor(message: string) {
    super('cdn', message)
    this.name = 'CloudFrontError'
  }
}

/**
 * The endpoint as the AWS SDKs resolve a service's: `AWS_ENDPOINT_URL_CLOUDFRONT`, else the
 * general `AWS_ENDPOINT_URL`, else CloudFront's own.
 */
export function cloudFrontEndpoint(env: Env): string {
  for (const name of ['AWS_ENDPOINT_URL_CLOUDFRONT', 'AWS_ENDPOINT_URL'] as const) {
    const value = env[name]?.trim()
    if (value) return normaliseEndpoint(value, name)
  }
  return CLOUDFRONT_ENDPOINT
}

/**
 * The two calls of CloudFront's REST API (2020-05-31) putplan makes: CreateInvalidation and
 * GetInvalidation, signed with SigV4 for the service `cloudfront` in us-east-1. A request
 * that got no answer, or a 5xx or throttling answer, is sent again: CreateInvalidation is
 * idempotent under its CallerReference.
 */
export class CloudFrontClient {
  private readonly transport: HttpTransport
  private readonly signer: SignatureV4

  constructor(
    private readonly endpoint: string,
    options: CloudFrontOptions = {},
  ) {
    this.transport =
      options.transport ??
      createTransport({
        connectTimeoutMs: options.connectTimeoutMs ?? 60_000,
        readTimeoutMs: options.readTimeoutMs ?? 60_000,
        insecure: options.insecure ?? false,
        ...(options.caBundle === undefined ? {} : { caBundle: options.caBundle }),
      })
    this.signer = new SignatureV4({
      credentials: options.credentials ?? standardCredentials(options.profile),
      region: SIGNING_REGION,
      service: 'cloudfront',
      sha256: Hash.bind(null, 'sha256'),
    })
  }

  /** `paths` as CloudFront wants them: each begins with `/`, encoded already. */
  async createInvalidation(distributionId: string, paths: readonly string[], callerReference: string): Promise<Invalidation> {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<InvalidationBatch xmlns="${NAMESPACE}">` +
      `<CallerReference>${xmlEscape(callerReference)}</CallerReference>` +
      `<Paths><Quantity>${paths.length}</Quantity><Items>${paths.map((p) => `<Path>${xmlEscape(p)}</Path>`).join('')}</Items></Paths>` +
      `</InvalidationBatch>`
    const answer = await this.send('CreateInvalidation', 'POST', `${API}/distribution/${encodeURIComponent(distributionId)}/invalidation`, body)
    return invalidationOf(answer, 'CreateInvalidation')
  }

  async getInvalidation(distributionId: string, id: string): Promise<Invalidation> {
    const answer = await this.send('GetInvalidation', 'GET', `${API}/distribution/${encodeURIComponent(distributionId)}/invalidation/${encodeURIComponent(id)}`)
    return invalidationOf(answer, 'GetInvalidation')
  }

  close(): Promise<void> {
    return this.transport.close()
  }

  private async send(operation: string, method: string, path: string, body?: string): Promise<HttpResponse> {
    const url = new URL(this.endpoint)
    const fullPath = `${url.pathname.replace(/\/+$/, '')}${path}`
    for (let attempt = 1; ; attempt++) {
      let failure: string
      try {
        const payload = body ?? ''
        const headers: Record<string, string> = {
          host: url.host,
          'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex'),
          ...(body === undefined ? {} : { 'content-type': 'application/xml' }),
        }
        const signed = await this.signer.sign({ method, protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: fullPath, query: {}, headers, ...(body === undefined ? {} : { body }) })
        const response = await this.transport.send({ method, url: `${url.protocol}//${url.host}${fullPath}`, headers: signed.headers, ...(body === undefined ? {} : { body }) })
        if (response.status < 300) return response
        const error = parseError(response)
        failure = `${operation} failed: ${response.status} ${error.code}: ${error.message}`
        if (!(response.status >= 500 || response.status === 429 || error.code === 'Throttling') || attempt >= ATTEMPTS) throw new CloudFrontError(failure)
      } catch (error) {
        if (error instanceof CloudFrontError) throw error
        failure = `${operation} got no answer from ${this.endpoint}: ${(error as Error).message}`
        if (attempt >= ATTEMPTS) throw new CloudFrontError(failure)
      }
      await sleep(backoffDelay(attempt, DEFAULT_RETRY))
    }
  }
}

function invalidationOf(response: HttpResponse, operation: string): Invalidation {
  const document = parseXml(response.body.toString('utf8'), { operation })
  const invalidation = child(document, 'Invalidation')
  const id = text(invalidation, 'Id')
  const status = text(invalidation, 'Status')
  if (id === undefined || status === undefined) throw new CloudFrontError(`${operation} answered without an invalidation id and status`)
  return { id, status }
}

function parseError(response: HttpResponse): { code: string; message: string } {
  try {
    const error = child(child(parseXml(response.body.toString('utf8')), 'ErrorResponse'), 'Error')
    return { code: text(error, 'Code') ?? String(response.status), message: text(error, 'Message') ?? '' }
  } catch {
    return { code: String(response.status), message: response.body.toString('utf8').slice(0, 200) }
  }
}
