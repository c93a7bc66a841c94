import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types'
import { hostHeader, type Address } from './addressing.js'

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
/** SHA-256 and HMAC-SHA256 from Node's crypto: native, unlike the SDK's portable JavaScript one. */
const NativeSha256 = Hash.bind(null, 'sha256')

export function createSigner(credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined): RequestSigner {
  const signers = new Map<string, SignatureV4>()
  const signerFor = (region: string): SignatureV4 => {
    let signer = signers.get(region)
    if (signer === undefined && credentials !== undefined) {
      signer = new SignatureV4({ credentials, region, service: 's3', sha256: NativeSha256, uriEscapePath: false, applyChecksum: true })
      signers.set(region, signer)
    }
    return signer as SignatureV4
  }
  return {
    async sign(request, region, date) {
      const headers: Record<string, string> = {
        host: hostHeader(request.address),
        'x-amz-content-sha256': request.payloadHash,
        ...request.headers,
      }
      if (credentials === undefined) return headers
      const httpRequest: HttpRequest = {
        method: request.method,
        protocol: request.address.protocol,
        hostname: request.address.hostname,
        ...(request.address.port === undefined ? {} : { port: request.address.port }),
        path: request.address.path,
        query: request.query,
        headers,
      }
      const signed = await signerFor(region).sign(httpRequest, { signingRegion: region, ...(date ? { signingDate: date } : {}) })
      return signed.headers
    },
  }
}
