/**
 * Lets a test proxy change a signed request header without hiding signing
 * bugs: it first recomputes the client's SigV4 signature from the request as
 * received and, only when that matches, signs the changed request again with
 * the same key, date and scope. A request whose signature was wrong is left
 * as it was, so the server still rejects it.
 */
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import type { Credentials } from './moto.js'

export interface RawRequest {
  method: string
  /** The request target as received: percent-encoded path and query. */
  url: string
  /** Alternating names and values, as node's `rawHeaders`. */
  rawHeaders: string[]
}

interface Authorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

function parseAuthorization(value: string | undefined): Authorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
      value ?? '',
    )
  if (!match) return undefined
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[]
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  }
}

function headerValue(rawHeaders: string[], name: string): string | undefined {
  const values: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!)
  }
  return values.length ? values.join(',') : undefined
}

/** `a=1&b` -> { a: '1', b: '' }, decoding percent-escapes but not `+` (S3 clients encode spaces as %20). */
function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1))
    const previous = query[name]
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  return query
}

async function signatureFor(
  request: RawRequest,
  auth: Authorization,
  headers: Record<string, string>,
  credentials: Credentials,
): Promise<{ authorization: string; signature: string }> {
  const amzDate = headers['x-amz-date'] ?? ''
  const signingDate = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  )
  const questionMark = request.url.indexOf('?')
  const path = questionMark < 0 ? request.url : request.url.slice(0, questionMark)
  const search = questionMark < 0 ? '' : request.url.slice(questionMark)
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials,
    sha256: Sha256,
    uriEscapePath: false, // S3 signs the path as sent, without a second encoding
    applyChecksum: false, // x-amz-content-sha256 is among the signed headers already
  })
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path,
      query: parseQuery(search),
      headers: { ...headers },
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders), unsignableHeaders: new Set() },
  )
  const authorization = String(signed.headers.authorization ?? signed.headers.Authorization)
  return { authorization, signature: parseAuthorization(authorization)?.signature ?? '' }
}

/**
 * Returns `rawHeaders` with `changes` (lower-case names) applied and a new
 * Authorization header, or undefined when the request is not header-signed
 * with `credentials` or its signature does not verify.
 */
export async function resignRequest(
  request: RawRequest,
  changes: Record<string, string>,
  credentials: Credentials,
): Promise<string[] | undefined> {
  const auth = parseAuthorization(headerValue(request.rawHeaders, 'authorization'))
  if (!auth || auth.accessKeyId !== credentials.accessKeyId) return undefined
  const signedHeaders: Record<string, string> = {}
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.rawHeaders, name)
    if (value === undefined) return undefined
    signedHeaders[name] = value
  }
  const original = await signatureFor(request, auth, signedHeaders, credentials)
  if (original.signature !== auth.signature) return undefined

  const changed = { ...signedHeaders }
  for (const [name, value] of Object.entries(changes)) if (name in changed) changed[name] = value
  const { authorization } = await signatureFor(request, auth, changed, credentials)
  const rawHeaders = [...request.rawHeaders]
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    if (name === 'authorization') rawHeaders[i + 1] = authorization
    else if (name in changes) rawHeaders[i + 1] = changes[name]!
  }
  return rawHeaders
}
