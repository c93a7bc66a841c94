/**
 * What S3 does with the source of a copy (CopyObject, UploadPartCopy) and moto 5.2 does
 * not, for the S3 behaviour proxy; verified by
 * test/integration/support/s3-behaviour-proxy.test.ts:
 * - `x-amz-copy-source-if-match`: S3 answers 412 PreconditionFailed when the source has
 *   another ETag; moto copies whatever is there.
 * - An SSE-C source: S3 reads it only with its key under the
 *   `x-amz-copy-source-server-side-encryption-customer-*` names (400 without, 403 with
 *   another); moto copies it regardless.
 * - The checksum S3 computes over a copy for `x-amz-checksum-algorithm` CRC64NVME or
 *   CRC32C, and over a multipart upload of UploadPartCopy parts: moto, without its
 *   optional awscrt / crc32c packages, stores a CRC32 under that name. The correct value
 *   is computed here from the copy's bytes and put in place of moto's in the copy's
 *   answer and in later reads of that object.
 * moto is read with the AWS SDK, as the test server's own user.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import type { IncomingMessage } from 'node:http'
import { s3Client, type Credentials } from './moto.js'
import { checksumOf, header, type ChecksumName, type S3ErrorReply } from './s3-digests.js'
import { keyMd5, type Sse } from './sse-registry.js'

/** The algorithms moto computes wrongly without its optional packages. */
const MISCOMPUTED: Record<string, ChecksumName> = { CRC64NVME: 'crc64nvme', CRC32C: 'crc32c' }

interface Override {
  /** moto's ETag of the copy (no quotes): the value stands while the object is that copy. */
  etag: string
  header: string
  value: string
}

export class CopySources {
  private readonly client: S3Client
  private readonly checksums = new Map<string, Override>()
  /** Multipart uploads by id: their checksum algorithm, and whether a part was copied. */
  private readonly uploads = new Map<string, { algorithm: string | undefined; copied: boolean }>()

  constructor(upstreamEndpoint: string, credentials: Credentials = { accessKeyId: 'AKIAPROXYPROXYPROXY0', secretAccessKey: 'proxy' }) {
    this.client = s3Client({ endpoint: upstreamEndpoint, region: 'us-east-1', credentials })
  }

  /**
   * S3's refusal of a copy whose source is `x-amz-copy-source`: its SSE-C key missing or
   * wrong (`sse`: what the proxy knows of the source), or its ETag not the one
   * `ifMatch` names (moto's real ETag, disguised ones already revealed).
   */
  async refusal(headers: IncomingMessage['headers'], sse: Sse | undefined, ifMatch: string | undefined): Promise<S3ErrorReply | undefined> {
    if (sse?.type === 'ssec') {
      const key = header(headers, 'x-amz-copy-source-server-side-encryption-customer-key')
      if (key === undefined) return { status: 400, code: 'InvalidRequest', message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.' }
      if (keyMd5(key) !== sse.keyMd5) return { status: 403, code: 'AccessDenied', message: 'Access Denied' }
    }
    if (ifMatch === undefined) return undefined
    const source = copySourceOf(headers)
    if (source === undefined) return undefined
    const etag = await this.etagOf(source.bucket, source.key)
    if (etag === undefined) return { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }
    const wanted = ifMatch.split(',').map((value) => value.trim().replace(/^W\//, '').replace(/"/g, ''))
    if (wanted.includes('*') || wanted.includes(etag)) return undefined
    return { status: 412, code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold', details: { Condition: 'x-amz-copy-source-If-Match' } }
  }

  /**
   * After a copy that asked for a checksum moto miscomputes: the correct one, from the
   * copy's bytes, remembered for the object while moto's ETag `etag` stands for it.
   */
  async afterCopy(bucket: string, key: string, algorithm: string | undefined, etag: string): Promise<Override | undefined> {
    const name = algorithm === undefined ? undefined : MISCOMPUTED[algorithm.toUpperCase()]
    if (name === undefined) return undefined
    const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    const bytes = await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()
    const override = { etag: etag.replace(/"/g, ''), header: `x-amz-checksum-${name}`, value: await checksumOf(name, bytes) }
    this.checksums.set(`${bucket}/${key}`, override)
    return override
  }

  uploadStarted(uploadId: string, algorithm: string | undefined): void {
    this.uploads.set(uploadId, { algorithm, copied: false })
  }

  partCopied(uploadId: string): void {
    const upload = this.uploads.get(uploadId)
    if (upload) upload.copied = true
  }

  /** After CompleteMultipartUpload: as after a copy, when a part of the upload was copied. */
  async afterComplete(bucket: string, key: string, uploadId: string, etag: string): Promise<Override | undefined> {
    const upload = this.uploads.get(uploadId)
    this.uploads.delete(uploadId)
    return upload?.copied ? this.afterCopy(bucket, key, upload.algorithm, etag) : undefined
  }

  /** The checksum S3 would report for the object moto answered with `etag`, in place of moto's. */
  checksumFor(bucket: string, key: string, etag: string | undefined): Override | undefined {
    const override = this.checksums.get(`${bucket}/${key}`)
    return override !== undefined && etag?.replace(/"/g, '') === override.etag ? override : undefined
  }

  destroy(): void {
    this.client.destroy()
  }

  private async etagOf(bucket: string, key: string): Promise<string | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      return head.ETag?.replace(/"/g, '')
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined
      throw error
    }
  }
}

/** `x-amz-copy-source` (`[/]bucket/key[?versionId=...]`, URL-encoded) as bucket and key. */
export function copySourceOf(headers: IncomingMessage['headers']): { bucket: string; key: string } | undefined {
  const value = header(headers, 'x-amz-copy-source')
  if (value === undefined) return undefined
  const path = decodeURIComponent(value.split('?')[0]!).replace(/^\//, '')
  const slash = path.indexOf('/')
  return slash < 0 ? undefined : { bucket: path.slice(0, slash), key: path.slice(slash + 1) }
}
