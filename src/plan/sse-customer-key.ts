import { createHash } from 'node:crypto'

/**
 * The 256-bit SSE-C key: 32 characters taken as bytes (what the AWS CLI does), else
 * base64 that decodes to 32 bytes. `undefined` for anything else.
 */
export function sseCustomerKeyBytes(key: string): Buffer | undefined {
  const raw = Buffer.from(key, 'utf8')
  if (raw.length === 32) return raw
  const decoded = Buffer.from(key, 'base64')
  return /^[A-Za-z0-9+/]+={0,2}$/.test(key) && decoded.length === 32 ? decoded : undefined
}

/** Base64 MD5 of an SSE-C key, as S3 reports it on HeadObject. */
export function sseCustomerKeyMD5(key: string): string {
  return createHash('md5')
    .update(sseCustomerKeyBytes(key) ?? Buffer.from(key, 'utf8'))
    .digest('base64')
}
