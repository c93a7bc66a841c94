/**
 * What the S3 behaviour proxy remembers to give multipart objects the checksums S3 gives
 * them, where moto does not:
 * - moto's HeadObject reports a COMPOSITE checksum without S3's `-N` suffix and without
 *   `x-amz-checksum-type`, and a FULL_OBJECT one without its type;
 * - without the optional `crc32c` and `awscrt` Python packages, moto computes CRC32 where it
 *   stores a multipart object's CRC32C or CRC64NVME (a 4-byte CRC64NVME).
 * The proxy records each part's checksum as it forwards UploadPart (the body, which it
 * buffers and verifies anyway), computes the composite on CompleteMultipartUpload as S3
 * does (the checksum of the parts' raw checksums, `-N`), takes a FULL_OBJECT CRC from the
 * Complete request (S3 verifies it; moto cannot), and puts them on HEAD and GET answers.
 */
import { checksumOf, header, type ChecksumName, type Headers } from './s3-digests.js'

const NAMES: readonly ChecksumName[] = ['crc32', 'crc32c', 'sha1', 'sha256', 'crc64nvme']

interface Upload {
  name: ChecksumName
  type: 'COMPOSITE' | 'FULL_OBJECT'
  /** Base64 checksum of each part, by part number. */
  parts: Map<number, string>
}

export interface StoredChecksum {
  name: ChecksumName
  /** Absent for a FULL_OBJECT checksum the Complete request did not carry: moto's own value stands. */
  value?: string
  type: 'COMPOSITE' | 'FULL_OBJECT'
}

export class ChecksumRegistry {
  private readonly uploads = new Map<string, Upload>()
  private readonly objects = new Map<string, StoredChecksum>()

  /** A CreateMultipartUpload that names a checksum algorithm (its request headers). */
  startUpload(uploadId: string, headers: Headers): void {
    const name = header(headers, 'x-amz-checksum-algorithm')?.toLowerCase() as ChecksumName | undefined
    if (name === undefined || !NAMES.includes(name)) return
    const declared = header(headers, 'x-amz-checksum-type')?.toUpperCase()
    const type = declared === 'FULL_OBJECT' || name === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE'
    this.uploads.set(uploadId, { name, type, parts: new Map() })
  }

  /** A part's payload (aws-chunked encoding removed), as the proxy forwards it. */
  async recordPart(uploadId: string, partNumber: number, payload: Buffer): Promise<void> {
    const upload = this.uploads.get(uploadId)
    if (upload) upload.parts.set(partNumber, await checksumOf(upload.name, payload))
  }

  /**
   * A successful CompleteMultipartUpload of `partNumbers`, with its request headers: the
   * object's checksum from then on, or none when a part was not seen.
   */
  async complete(uploadId: string, bucket: string, key: string, partNumbers: readonly number[], headers: Headers): Promise<void> {
    const upload = this.uploads.get(uploadId)
    this.uploads.delete(uploadId)
    this.forget(bucket, key)
    if (!upload) return
    if (upload.type === 'FULL_OBJECT') {
      const value = header(headers, `x-amz-checksum-${upload.name}`)
      this.objects.set(`${bucket}/${key}`, { name: upload.name, ...(value !== undefined && { value }), type: 'FULL_OBJECT' })
      return
    }
    const raw = partNumbers.map((n) => upload.parts.get(n))
    if (raw.some((value) => value === undefined)) return
    const joined = Buffer.concat(raw.map((value) => Buffer.from(value!, 'base64')))
    this.objects.set(`${bucket}/${key}`, { name: upload.name, value: `${await checksumOf(upload.name, joined)}-${partNumbers.length}`, type: 'COMPOSITE' })
  }

  get(bucket: string, key: string): StoredChecksum | undefined {
    return this.objects.get(`${bucket}/${key}`)
  }

  /** The object was replaced or deleted. */
  forget(bucket: string, key: string): void {
    this.objects.delete(`${bucket}/${key}`)
  }
}
