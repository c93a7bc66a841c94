import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { hostHeader, type Address } from './addressing.js'
import { signV4 } from './sigv4.js'

/** `x-amz-content-sha256` for bodies that are streamed: integrity comes from Content-MD5 and checksums. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export interface RequestToSign {
  method: string
  address: Address
  /** Decoded names and values; the signer encodes them canonically. */
  query: Record<string, string>
  /** Lower-case names; `host` and `x-amz-content-sha256` are the signer's to set. */
  headers: Record<string, string>
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string
}

/** Signs requests with SigV4 as S3 wants it; `undefined` credentials mean unsigned requests. */
export interface RequestSigner {
  sign(request: RequestToSign, region: string, date?: Date): Promise<Record<string, string>>
}

/**
 * S3's SigV4: the canonical URI is the path exactly as sent (encoded once, by
 * `encodeKeyPath`, never normalised: `a/../b` is a key, not a path), and
 * `x-amz-content-sha256` is always present.
 */
export function createSigner(credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined): RequestSigner {
  return {
    async sign(request, region, date) {
      const headers: Record<string, string> = {
        host: hostHeader(request.address),
        'x-amz-content-sha256': request.payloadHash,
        ...request.headers,
      }
      if (credentials === undefined) return headers
      // A provider is asked every time: it caches, and refreshes what expires.
      const identity = typeof credentials === 'function' ? await credentials() : credentials
      return signV4(
        { method: request.method, path: request.address.path, query: request.query, headers },
        { credentials: identity, region, service: 's3', date: date ?? new Date(), escapePath: false },
      )
    },
  }
}
