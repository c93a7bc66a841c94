/**
 * What the S3 behaviour proxy remembers about server-side encryption: which
 * objects are SSE-KMS or SSE-C (and with which customer key), which multipart
 * uploads will make such objects, and the ETags it has disguised.
 */
import { createHash } from 'node:crypto'
import { header, type Headers } from './s3-digests.js'

export type Sse = { type: 'kms' } | { type: 'ssec'; algorithm: string; keyMd5: string }

export class SseRegistry {
  private readonly objects = new Map<string, Sse>()
  private readonly uploads = new Map<string, Sse>()
  /** disguised ETag (no quotes) -> moto's ETag (no quotes) */
  private readonly realEtags = new Map<string, string>()

  get(bucket: string, key: string): Sse | undefined {
    return this.objects.get(`${bucket}/${key}`)
  }

  set(bucket: string, key: string, sse: Sse | undefined): void {
    if (sse) this.objects.set(`${bucket}/${key}`, sse)
    else this.objects.delete(`${bucket}/${key}`)
  }

  setUpload(uploadId: string, sse: Sse | undefined): void {
    if (sse) this.uploads.set(uploadId, sse)
  }

  takeUpload(uploadId: string): Sse | undefined {
    const sse = this.uploads.get(uploadId)
    this.uploads.delete(uploadId)
    return sse
  }

  /**
   * S3's ETag of an SSE-KMS or SSE-C object is not the MD5 of its content.
   * Stand in a value that is stable for the same object and content, is not
   * that MD5, and keeps a multipart `-<parts>` suffix.
   */
  disguise(bucket: string, key: string, etag: string): string {
    const quoted = etag.startsWith('"')
    const real = etag.replace(/"/g, '')
    if (this.realEtags.has(real)) return etag // already disguised
    const suffix = /-\d+$/.exec(real)?.[0] ?? ''
    const fake = createHash('sha256').update(`${bucket}/${key}/${real}`).digest('hex').slice(0, 32) + suffix
    this.realEtags.set(fake, real)
    return quoted ? `"${fake}"` : fake
  }

  /** moto's ETag behind a disguised one, in the caller's quoting; undefined if not ours. */
  reveal(etag: string): string | undefined {
    const trimmed = etag.trim()
    const real = this.realEtags.get(trimmed.replace(/^W\//, '').replace(/"/g, ''))
    if (real === undefined) return undefined
    return trimmed.includes('"') ? `"${real}"` : real
  }
}

/** The encryption a write request asks for, from its headers. */
export function requestedSse(headers: Headers): Sse | undefined {
  const algorithm = header(headers, 'x-amz-server-side-encryption-customer-algorithm')
  if (algorithm) {
    const key = header(headers, 'x-amz-server-side-encryption-customer-key') ?? ''
    return { type: 'ssec', algorithm, keyMd5: keyMd5(key) }
  }
  if ((header(headers, 'x-amz-server-side-encryption') ?? '').startsWith('aws:kms')) return { type: 'kms' }
  return undefined
}

/** The encryption a response reports (moto reports SSE-KMS, not SSE-C). */
export function reportedSse(headers: Headers): Sse | undefined {
  return (header(headers, 'x-amz-server-side-encryption') ?? '').startsWith('aws:kms') ? { type: 'kms' } : undefined
}

export function keyMd5(base64Key: string): string {
  return createHash('md5').update(Buffer.from(base64Key, 'base64')).digest('base64')
}
