/**
 * putplan's SigV4 against the SDK's signer (`@smithy/signature-v4`, the one the AWS SDK v3
 * uses): the same request, credentials and time must give the same headers, for S3 (the
 * path signed as sent) and for the other services (the path normalised and encoded again).
 */
import { SignatureV4 } from '@smithy/signature-v4'
import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { escapeUri, signV4 } from '../../../src/s3/sigv4.js'

const DATE = new Date('2026-03-04T05:06:07.890Z')
const WITH_TOKEN = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+=' }
const WITHOUT_TOKEN = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }

interface Case {
  name: string
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
}

const CASES: Case[] = [
  { name: 'a plain GET', method: 'GET', path: '/bucket/key.txt', query: {}, headers: {} },
  {
    name: 'a LIST with a query to encode',
    method: 'GET',
    path: '/bucket',
    query: { 'list-type': '2', prefix: 'a b/ü+=&*', 'start-after': "it's (1)!", 'max-keys': '1000' },
    headers: {},
  },
  { name: 'an empty query value', method: 'GET', path: '/bucket/k', query: { tagging: '', acl: '' }, headers: {} },
  {
    name: 'headers with spaces, line breaks and unsignable names',
    method: 'PUT',
    path: '/bucket/a%20b/c%2Bd',
    query: {},
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'max-age=300',
      'user-agent': 'putplan',
      'x-amz-meta-note': '  two   spaces\tand\ra break  ',
      'proxy-authorization': 'x',
      'x-amz-date': '19990101T000000Z',
      authorization: 'stale',
      'content-md5': 'XrY7u+Ae7tCTyyK7j1rNww==',
    },
  },
  { name: 'a path with dot segments and encoded characters', method: 'DELETE', path: '/bucket/dots/../up/./x%2Fy//z/', query: {}, headers: {} },
]

describe('signV4', () => {
  for (const c of CASES) {
    for (const [service, escapePath] of [
      ['s3', false],
      ['cloudfront', true],
    ] as const) {
      for (const credentials of [WITH_TOKEN, WITHOUT_TOKEN]) {
        it(`signs ${c.name} for ${service}${credentials.sessionToken ? ' with a session token' : ''} as the SDK does`, async () => {
          const payloadHash = createHash('sha256').update(c.method).digest('hex')
          const headers = { host: 'example.test:9000', 'x-amz-content-sha256': payloadHash, ...c.headers }
          const sdk = new SignatureV4({ credentials, region: 'eu-west-1', service, sha256: ShaForSdk, uriEscapePath: escapePath })
          const expected = await sdk.sign({ method: c.method, protocol: 'http:', hostname: 'example.test', port: 9000, path: c.path, query: c.query, headers: { ...headers } }, { signingDate: DATE })
          const actual = signV4({ method: c.method, path: c.path, query: c.query, headers }, { credentials, region: 'eu-west-1', service, date: DATE, escapePath })
          expect(actual).toEqual(expected.headers)
        })
      }
    }
  }

  it('refuses credentials without a key', () => {
    const request = { method: 'GET', path: '/', query: {}, headers: { host: 'h', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }
    expect(() => signV4(request, { credentials: { accessKeyId: 'A' } as never, region: 'us-east-1', service: 's3', date: DATE, escapePath: false })).toThrow(/not valid/)
  })

  it('refuses a request without its payload hash', () => {
    const request = { method: 'GET', path: '/', query: {}, headers: { host: 'h' } }
    expect(() => signV4(request, { credentials: WITHOUT_TOKEN, region: 'us-east-1', service: 's3', date: DATE, escapePath: false })).toThrow(/x-amz-content-sha256/)
  })

  it("encodes as RFC 3986 wants, including !'()*", () => {
    expect(escapeUri("a b!'()*~-_.é/")).toBe('a%20b%21%27%28%29%2A~-_.%C3%A9%2F')
  })
})

/** SHA-256 and HMAC-SHA256 in the shape the SDK's signer takes. */
class ShaForSdk {
  private readonly hash
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret)
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data)
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest()
  }
}
