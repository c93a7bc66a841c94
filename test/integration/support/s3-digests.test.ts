import { describe, expect, it } from 'vitest'
import { checkDigests, checksumOf, decodeAwsChunked } from '../../support/s3-digests.js'

describe('checksumOf', () => {
  it('gives S3 base64 digests', async () => {
    const body = Buffer.from('hello world')
    expect(await checksumOf('crc32', body)).toBe('DUoRhQ==')
    expect(await checksumOf('crc32c', body)).toBe('yZRlqg==')
    expect(await checksumOf('sha1', body)).toBe('Kq5sNclPz7QV2+lfQIuc6R7oRu0=')
    expect(await checksumOf('sha256', body)).toBe('uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=')
    expect(await checksumOf('crc64nvme', body)).toMatch(/^[A-Za-z0-9+/]{11}=$/)
  })
})

describe('decodeAwsChunked', () => {
  it('reads signed chunks and trailers', () => {
    const raw = Buffer.from(
      '5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=ghi\r\n' +
        'x-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:xyz\r\n\r\n',
    )
    const { body, trailers } = decodeAwsChunked(raw)
    expect(body.toString()).toBe('hello world')
    expect(trailers['x-amz-checksum-crc32']).toBe('DUoRhQ==')
  })

  it('lets checkDigests find a wrong trailing checksum', async () => {
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32' }
    const good = Buffer.from('b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n')
    const bad = Buffer.from('b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n')
    expect(await checkDigests(headers, good)).toBeUndefined()
    expect(await checkDigests(headers, bad)).toMatchObject({ status: 400, code: 'BadDigest' })
  })
})
