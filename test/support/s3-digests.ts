/**
 * The integrity checks S3 makes on an uploaded body (PutObject, UploadPart)
 * and moto skips: Content-MD5 and the x-amz-checksum-* values, in headers or,
 * for aws-chunked bodies, in the trailer.
 */
import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { crc32c } from '@node-rs/crc32'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'

export type Headers = Record<string, string | string[] | undefined>

export interface S3ErrorReply {
  status: number
  code: string
  message: string
  /** Extra elements of the XML error, as S3 adds them (ExpectedDigest...). */
  details?: Record<string, string>
}

/** Name in x-amz-checksum-<name> -> the name S3 uses in its messages, and the digest length. */
const CHECKSUMS = {
  crc32: { label: 'CRC32', bytes: 4 },
  crc32c: { label: 'CRC32C', bytes: 4 },
  sha1: { label: 'SHA1', bytes: 20 },
  sha256: { label: 'SHA256', bytes: 32 },
  crc64nvme: { label: 'CRC64NVME', bytes: 8 },
} as const
export type ChecksumName = keyof typeof CHECKSUMS

export async function checksumOf(name: ChecksumName, body: Uint8Array): Promise<string> {
  switch (name) {
    case 'crc32':
      return uint32(crc32(body))
    case 'crc32c':
      return uint32(crc32c(body))
    case 'sha1':
    case 'sha256':
      return createHash(name).update(body).digest('base64')
    case 'crc64nvme': {
      const hash = new Crc64Nvme()
      hash.update(body)
      return Buffer.from(await hash.digest()).toString('base64')
    }
  }
}

function uint32(value: number): string {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(value >>> 0)
  return bytes.toString('base64')
}

/** True when the body has digests S3 would verify, so the proxy must buffer it. */
export function hasDigests(headers: Headers): boolean {
  return Object.keys(headers).some(
    (name) => name === 'content-md5' || name.startsWith('x-amz-checksum-') || name === 'x-amz-trailer',
  )
}

/**
 * Checks the body against every digest the request declares; returns S3's
 * error, or undefined when all match (or none is declared).
 */
export async function checkDigests(headers: Headers, rawBody: Buffer): Promise<S3ErrorReply | undefined> {
  const { body, trailers } = isAwsChunked(headers) ? decodeAwsChunked(rawBody) : { body: rawBody, trailers: {} }

  const contentMd5 = header(headers, 'content-md5')
  if (contentMd5 !== undefined) {
    if (Buffer.from(contentMd5, 'base64').length !== 16) {
      return { status: 400, code: 'InvalidDigest', message: 'The Content-MD5 you specified was invalid.' }
    }
    const calculated = createHash('md5').update(body).digest('base64')
    if (calculated !== contentMd5) {
      return {
        status: 400,
        code: 'BadDigest',
        message: 'The Content-MD5 you specified did not match what we received.',
        details: { ExpectedDigest: contentMd5, CalculatedDigest: calculated },
      }
    }
  }

  const declared: Array<{ name: ChecksumName; value: string; where: 'header' | 'trailing header' }> = []
  for (const [where, source] of [['header', headers], ['trailing header', trailers]] as const) {
    for (const [name, value] of Object.entries(source)) {
      const match = /^x-amz-checksum-(.+)$/.exec(name)
      if (!match || match[1] === 'type' || match[1] === 'algorithm') continue
      const algorithm = match[1] as ChecksumName
      if (!(algorithm in CHECKSUMS)) continue
      declared.push({ name: algorithm, value: String(value), where })
    }
  }
  if (declared.length > 1) {
    return {
      status: 400,
      code: 'InvalidRequest',
      message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    }
  }
  const checksum = declared[0]
  if (checksum) {
    const { label, bytes } = CHECKSUMS[checksum.name]
    if (Buffer.from(checksum.value, 'base64').length !== bytes) {
      return {
        status: 400,
        code: 'InvalidRequest',
        message: `Value for x-amz-checksum-${checksum.name} ${checksum.where} is invalid.`,
      }
    }
    if ((await checksumOf(checksum.name, body)) !== checksum.value) {
      return {
        status: 400,
        code: 'BadDigest',
        message: `The ${label} you specified did not match the calculated checksum.`,
      }
    }
  }
  return undefined
}

export function isAwsChunked(headers: Headers): boolean {
  const encoding = header(headers, 'content-encoding') ?? ''
  const sha = header(headers, 'x-amz-content-sha256') ?? ''
  return encoding.split(',').some((part) => part.trim() === 'aws-chunked') || sha.startsWith('STREAMING-')
}

/**
 * Decodes an aws-chunked body: `<hex size>[;chunk-signature=...]\r\n<data>\r\n`
 * repeated, a zero-size chunk, then trailer lines `name:value\r\n` and an empty
 * line. Chunk signatures are not verified here (moto does not either).
 */
export function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = []
  let offset = 0
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset)
    if (lineEnd < 0) throw new Error('aws-chunked body: missing chunk header')
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16)
    if (!Number.isFinite(size)) throw new Error('aws-chunked body: bad chunk size')
    offset = lineEnd + 2
    if (size === 0) break
    parts.push(raw.subarray(offset, offset + size))
    offset += size + 2
  }
  const trailers: Record<string, string> = {}
  for (const line of raw.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { body: Buffer.concat(parts), trailers }
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** S3's XML error document. */
export function errorXml(error: S3ErrorReply, requestId: string): string {
  const details = Object.entries(error.details ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('')
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${details}` +
    `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`
  )
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
