import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { runAws } from '../../support/aws-cli.js'
import { createBucket, createKmsKey, s3Client, startMoto, type MotoServer } from '../../support/moto.js'
import { startS3Proxy, type S3Proxy } from '../../support/s3-behaviour-proxy.js'
import { checksumOf } from '../../support/s3-digests.js'

const BUCKET = 'proxy'
const md5 = (body: string | Buffer) => `"${createHash('md5').update(body).digest('hex')}"`

let server: MotoServer
let proxy: S3Proxy
/** Through the proxy. */
let s3: S3Client
/** Straight to moto, to show what moto does on its own. */
let moto: S3Client
let kmsKeyId: string
let dir: string

beforeAll(async () => {
  server = await startMoto()
  proxy = await startS3Proxy(server.endpoint, { credentials: server.credentials })
  s3 = s3Client({ ...server, endpoint: proxy.endpoint })
  moto = s3Client(server)
  await createBucket(server, BUCKET)
  kmsKeyId = (await createKmsKey(server)).keyId
  dir = await mkdtemp(join(tmpdir(), 'putplan-proxy-'))
})

afterAll(async () => {
  s3?.destroy()
  moto?.destroy()
  await proxy?.stop()
  await server?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function failure(promise: Promise<unknown>): Promise<{ status?: number; code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3 error, got ${String(error)}`)
  return { status: error.$metadata.httpStatusCode, code: error.name, message: error.message }
}

describe('signatures through the proxy (moto in auth mode)', () => {
  it('verify at moto, since the Host header is passed on', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain/a b.txt', Body: 'signed' }))
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plain/a b.txt' }))
    expect(await got.Body?.transformToString()).toBe('signed')
    expect(got.ETag).toBe(md5('signed'))
  })

  it('still fail when wrong', async () => {
    const wrong = s3Client({
      ...server,
      endpoint: proxy.endpoint,
      credentials: { ...server.credentials, secretAccessKey: 'wrong' },
    })
    expect(await failure(wrong.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plain/a b.txt' })))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    })
    wrong.destroy()
  })
})

describe('Content-MD5 and checksums', () => {
  const wrongMd5 = createHash('md5').update('something else').digest('base64')

  it('moto alone accepts a wrong Content-MD5', async () => {
    await moto.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5/moto', Body: 'x', ContentMD5: wrongMd5 }))
  })

  it('a wrong Content-MD5 gets 400 BadDigest and writes nothing', async () => {
    const put = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5/bad', Body: 'x', ContentMD5: wrongMd5 }))
    expect(await failure(put)).toMatchObject({ status: 400, code: 'BadDigest' })
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'md5/bad' })))).toMatchObject({
      status: 404,
    })
  })

  it('a malformed Content-MD5 gets 400 InvalidDigest; a right one passes', async () => {
    const put = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5/bad', Body: 'x', ContentMD5: 'abc' }))
    expect(await failure(put)).toMatchObject({ status: 400, code: 'InvalidDigest' })
    const right = createHash('md5').update('x').digest('base64')
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5/good', Body: 'x', ContentMD5: right }))
  })

  const wrong = {
    CRC32: { ChecksumCRC32: 'AAAAAA==' },
    CRC32C: { ChecksumCRC32C: 'AAAAAA==' },
    SHA1: { ChecksumSHA1: createHash('sha1').update('other').digest('base64') },
    SHA256: { ChecksumSHA256: createHash('sha256').update('other').digest('base64') },
    CRC64NVME: { ChecksumCRC64NVME: 'AAAAAAAAAAA=' },
  }
  for (const [label, checksum] of Object.entries(wrong)) {
    it(`a wrong ${label} gets 400 BadDigest`, async () => {
      const put = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sum/${label}`, Body: 'hello', ...checksum }))
      expect(await failure(put)).toMatchObject({
        status: 400,
        code: 'BadDigest',
        message: `The ${label} you specified did not match the calculated checksum.`,
      })
    })
  }

  it('moto alone accepts a wrong checksum', async () => {
    await moto.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sum/moto', Body: 'hello', ChecksumCRC32: 'AAAAAA==' }))
  })

  it('right checksums pass, in headers and in aws-chunked trailers', async () => {
    const client = new S3Client({
      endpoint: proxy.endpoint,
      region: server.region,
      credentials: server.credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
    })
    for (const ChecksumAlgorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `ok/${ChecksumAlgorithm}`, Body: 'hello', ChecksumAlgorithm }))
      // A stream of unknown length goes as aws-chunked with the checksum in a trailer.
      const stream = Readable.from([Buffer.from('hel'), Buffer.from('lo')])
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `ok/${ChecksumAlgorithm}-chunked`,
          Body: stream,
          ContentLength: 5,
          ChecksumAlgorithm,
        }),
      )
    }
    client.destroy()
  })

  it('the AWS CLI sees the same error', async () => {
    const file = join(dir, 'body.txt')
    await writeFile(file, 'hello')
    const target = { ...server, endpoint: proxy.endpoint }
    // The CLI retries BadDigest (as a transfer error) 4 times with backoff; once is enough here.
    const bad = await runAws(
      target,
      [
        's3api', 'put-object', '--bucket', BUCKET, '--key', 'cli/bad', '--body', file, '--checksum-sha256',
        createHash('sha256').update('other').digest('base64'),
      ],
      { env: { AWS_MAX_ATTEMPTS: '1' } },
    )
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('BadDigest')
    const good = await runAws(target, [
      's3api', 'put-object', '--bucket', BUCKET, '--key', 'cli/good', '--body', file, '--checksum-sha256',
      createHash('sha256').update('hello').digest('base64'),
    ])
    expect(good.stderr).toBe('')
    expect(good.code).toBe(0)
  })

  it('UploadPart is checked too', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/bad' }))
    const part = s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/bad', UploadId, PartNumber: 1, Body: 'part', ChecksumCRC32: 'AAAAAA==' }),
    )
    expect(await failure(part)).toMatchObject({ status: 400, code: 'BadDigest' })
  })
})

describe('ETags of SSE-KMS objects', () => {
  const body = 'kms body'

  it('moto alone gives the MD5', async () => {
    const put = await moto.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'kms/moto', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }),
    )
    expect(put.ETag).toBe(md5(body))
  })

  it('through the proxy are not the MD5, and agree in PUT, HEAD, GET and LIST', async () => {
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'kms/a b.txt', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }),
    )
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/)
    expect(put.ETag).not.toBe(md5(body))
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'kms/a b.txt' }))
    expect(head.ETag).toBe(put.ETag)
    expect(head.ServerSideEncryption).toBe('aws:kms')
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kms/a b.txt' }))
    expect(got.ETag).toBe(put.ETag)
    expect(await got.Body?.transformToString()).toBe(body)
    for (const EncodingType of [undefined, 'url'] as const) {
      const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'kms', EncodingType }))
      const listed = new Map(list.Contents?.map((o) => [o.Key, o.ETag]))
      expect(listed.get(EncodingType ? 'kms/a%20b.txt' : 'kms/a b.txt')).toBe(put.ETag)
      expect(listed.get('kms/moto')).toBe(md5(body)) // written behind the proxy's back
    }
    // Plain objects keep their MD5.
    const plain = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'plain' }))
    expect(plain.Contents?.[0]?.ETag).toBe(md5('signed'))
  })

  it('work in If-Match and If-None-Match (signed, re-signed by the proxy)', async () => {
    const key = 'kms/conditional'
    const first = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v1', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }),
    )
    const second = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: 'v2',
        IfMatch: first.ETag,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKeyId,
      }),
    )
    expect(second.ETag).not.toBe(first.ETag)
    const stale = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v3', IfMatch: first.ETag }))
    expect(await failure(stale)).toMatchObject({ status: 412 })
    const byMd5 = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v3', IfMatch: md5('v2') }))
    expect(await failure(byMd5)).toMatchObject({ status: 412 })
    const notModified = s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, IfNoneMatch: second.ETag }))
    expect(await failure(notModified)).toMatchObject({ status: 304 })
    const created = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v3', IfNoneMatch: '*' }))
    expect(await failure(created)).toMatchObject({ status: 412 })
  })

  it('a wrongly signed conditional request is not re-signed', async () => {
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'kms/wrong', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }),
    )
    const wrong = s3Client({
      ...server,
      endpoint: proxy.endpoint,
      credentials: { ...server.credentials, secretAccessKey: 'wrong' },
    })
    const attempt = wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kms/wrong', Body: 'y', IfMatch: put.ETag }))
    expect(await failure(attempt)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
    wrong.destroy()
  })

  it('are disguised after CopyObject and CompleteMultipartUpload', async () => {
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'kms/copy',
        CopySource: `${BUCKET}/plain/a%20b.txt`,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKeyId,
      }),
    )
    expect(copy.CopyObjectResult?.ETag).not.toBe(md5('signed'))
    const headCopy = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'kms/copy' }))
    expect(headCopy.ETag).toBe(copy.CopyObjectResult?.ETag)

    const key = 'kms/multipart'
    const partBody = randomBytes(5 * 1024 * 1024)
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }),
    )
    const parts = []
    for (const PartNumber of [1, 2]) {
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber, Body: partBody }))
      parts.push({ PartNumber, ETag: part.ETag })
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
    )
    const partMd5 = createHash('md5').update(partBody).digest()
    const multipartEtag = `"${createHash('md5').update(Buffer.concat([partMd5, partMd5])).digest('hex')}-2"`
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/)
    expect(done.ETag).not.toBe(multipartEtag)
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    expect(head.ETag).toBe(done.ETag)
    const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'kms' }))
    expect(list.Contents?.find((o) => o.Key === key)?.ETag).toBe(done.ETag)
  })
})

describe('SSE-C objects', () => {
  const key = randomBytes(32)
  const sseC = {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
  }
  const otherKey = randomBytes(32)
  const otherSseC = {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: otherKey.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(otherKey).digest('base64'),
  }
  let putEtag: string | undefined

  beforeAll(async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ssec/a', Body: 'secret', ...sseC }))
    putEtag = put.ETag
    expect(put.SSECustomerAlgorithm).toBe('AES256')
    expect(put.SSECustomerKeyMD5).toBe(sseC.SSECustomerKeyMD5)
  })

  it('moto alone reads them without the key', async () => {
    const head = await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec/a' }))
    expect(head.ETag).toBe(md5('secret'))
  })

  it('HEAD and GET without the key get 400', async () => {
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec/a' })))).toMatchObject({ status: 400 })
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec/a' })))).toMatchObject({
      status: 400,
      code: 'InvalidRequest',
    })
  })

  it('HEAD with another key gets 403', async () => {
    const head = s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec/a', ...otherSseC }))
    expect(await failure(head)).toMatchObject({ status: 403 })
  })

  it('HEAD and GET with the key succeed, with a non-MD5 ETag and the SSE-C headers', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec/a', ...sseC }))
    expect(head.ETag).toBe(putEtag)
    expect(head.ETag).not.toBe(md5('secret'))
    expect(head.SSECustomerKeyMD5).toBe(sseC.SSECustomerKeyMD5)
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec/a', ...sseC }))
    expect(await got.Body?.transformToString()).toBe('secret')
    const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'ssec' }))
    expect(list.Contents?.[0]?.ETag).toBe(putEtag)
  })

  it('the AWS CLI gets the same refusal', async () => {
    const result = await runAws({ ...server, endpoint: proxy.endpoint }, [
      's3api', 'head-object', '--bucket', BUCKET, '--key', 'ssec/a',
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('400')
  })
})

describe('the source of a copy', () => {
  const body = 'copy me\n'
  let etag: string

  beforeAll(async () => {
    etag = (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/src', Body: body }))).ETag!
  })

  it('moto alone ignores x-amz-copy-source-if-match', async () => {
    const copied = await moto.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/src', CopySource: `${BUCKET}/copy/src`, CopySourceIfMatch: '"00000000000000000000000000000000"', MetadataDirective: 'REPLACE', CacheControl: 'no-cache' }),
    )
    expect(copied.CopyObjectResult?.ETag).toBe(etag)
  })

  it('another ETag in x-amz-copy-source-if-match gets 412 and copies nothing; the right one copies', async () => {
    const raced = s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/src', CopySource: `${BUCKET}/copy/src`, CopySourceIfMatch: '"00000000000000000000000000000000"', MetadataDirective: 'REPLACE', CacheControl: 'max-age=1' }),
    )
    expect(await failure(raced)).toMatchObject({ status: 412, code: 'PreconditionFailed' })
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/src' }))).CacheControl).toBe('no-cache')
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/src', CopySource: `${BUCKET}/copy/src`, CopySourceIfMatch: etag, MetadataDirective: 'REPLACE', CacheControl: 'max-age=2' }))
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/src' }))).CacheControl).toBe('max-age=2')
  })

  it('the AWS CLI gets the same 412', async () => {
    const result = await runAws({ ...server, endpoint: proxy.endpoint }, [
      's3api', 'copy-object', '--bucket', BUCKET, '--key', 'copy/src', '--copy-source', `${BUCKET}/copy/src`,
      '--copy-source-if-match', '"00000000000000000000000000000000"', '--metadata-directive', 'REPLACE', '--cache-control', 'x',
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('PreconditionFailed')
  })

  it('moto alone stores a CRC32 as the CRC64NVME of a copy; through the proxy the copy reports S3’s', async () => {
    const crc64 = (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/crc', Body: body, ChecksumAlgorithm: 'CRC64NVME' }))).ChecksumCRC64NVME
    expect(Buffer.from(crc64!, 'base64')).toHaveLength(8)
    const alone = await moto.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/crc', CopySource: `${BUCKET}/copy/crc`, MetadataDirective: 'REPLACE', ChecksumAlgorithm: 'CRC64NVME' }))
    expect(Buffer.from(alone.CopyObjectResult!.ChecksumCRC64NVME!, 'base64')).toHaveLength(4)
    const copied = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/crc', CopySource: `${BUCKET}/copy/crc`, MetadataDirective: 'REPLACE', ChecksumAlgorithm: 'CRC64NVME' }))
    expect(copied.CopyObjectResult?.ChecksumCRC64NVME).toBe(crc64)
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/crc', ChecksumMode: 'ENABLED' }))).ChecksumCRC64NVME).toBe(crc64)
    expect(Buffer.from((await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/crc', ChecksumMode: 'ENABLED' }))).ChecksumCRC64NVME!, 'base64')).toHaveLength(4)
  })

  it('moto alone stores a CRC32 as the CRC64NVME of an upload of copied parts; through the proxy it reports S3’s', async () => {
    const big = randomBytes(6 * 1024 * 1024)
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/big', Body: big }))
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'copy/big', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' }))
    const parts = []
    for (const [PartNumber, range] of [[1, 'bytes=0-5242879'], [2, `bytes=5242880-${big.length - 1}`]] as const) {
      const part = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copy/big', UploadId, PartNumber, CopySource: `${BUCKET}/copy/big`, CopySourceRange: range }))
      parts.push({ PartNumber, ETag: part.CopyPartResult?.ETag })
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'copy/big', UploadId, MultipartUpload: { Parts: parts } }))
    const crc64 = (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/big', ChecksumMode: 'ENABLED' }))).ChecksumCRC64NVME
    expect(crc64).toBe(await checksumOf('crc64nvme', big))
    const alone = (await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/big', ChecksumMode: 'ENABLED' }))).ChecksumCRC64NVME
    expect(Buffer.from(alone!, 'base64')).toHaveLength(4)
  })

  it('an SSE-C source is copied only with its key (400 without, 403 with another); moto alone copies it anyway', async () => {
    const key = randomBytes(32)
    const sseC = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(key).digest('base64') }
    const source = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: sseC.SSECustomerKey, CopySourceSSECustomerKeyMD5: sseC.SSECustomerKeyMD5 }
    const other = randomBytes(32)
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/ssec', Body: body, ...sseC }))
    const copy = { Bucket: BUCKET, Key: 'copy/ssec', CopySource: `${BUCKET}/copy/ssec`, MetadataDirective: 'REPLACE' as const, CacheControl: 'no-cache', ...sseC }
    await moto.send(new CopyObjectCommand(copy))
    expect(await failure(s3.send(new CopyObjectCommand(copy)))).toMatchObject({ status: 400, code: 'InvalidRequest' })
    const wrong = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: other.toString('base64'), CopySourceSSECustomerKeyMD5: createHash('md5').update(other).digest('base64') }
    expect(await failure(s3.send(new CopyObjectCommand({ ...copy, ...wrong })))).toMatchObject({ status: 403 })
    const copied = await s3.send(new CopyObjectCommand({ ...copy, ...source }))
    expect(copied.SSECustomerKeyMD5).toBe(sseC.SSECustomerKeyMD5)
  })
})

describe('checksums of multipart objects', () => {
  const MiB = 1024 * 1024
  const parts = [randomBytes(6 * MiB), randomBytes(5 * MiB), randomBytes(1000)]
  /** Base64 of the big-endian CRC, from the definition (reflected polynomial), independent of any library here. */
  const crc = (poly: number, bytes: Buffer): Buffer => {
    const table = Array.from({ length: 256 }, (_, n) => {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1
      return c >>> 0
    })
    let value = 0xffffffff
    for (const byte of bytes) value = (table[(value ^ byte) & 0xff]! ^ (value >>> 8)) >>> 0
    const out = Buffer.alloc(4)
    out.writeUInt32BE((value ^ 0xffffffff) >>> 0)
    return out
  }
  const CRC32C = 0x82f63b78
  const composite = (poly: number) => `${crc(poly, Buffer.concat(parts.map((p) => crc(poly, p)))).toString('base64')}-${parts.length}`

  async function upload(client: S3Client, key: string, algorithm: 'CRC32' | 'CRC32C'): Promise<void> {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: algorithm }))
    const done = []
    for (const [i, body] of parts.entries()) {
      const part = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: algorithm }))
      done.push({ PartNumber: i + 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32, ChecksumCRC32C: part.ChecksumCRC32C })
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: done } }))
  }

  it('moto alone: HeadObject drops the -N and the type, and stores a CRC32 under the CRC32C name', async () => {
    await upload(moto, 'parts/crc32c-moto.bin', 'CRC32C')
    const head = await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'parts/crc32c-moto.bin', ChecksumMode: 'ENABLED' }))
    expect(head.ChecksumType).toBeUndefined()
    expect(head.ChecksumCRC32C).not.toMatch(/-3$/)
    expect(`${head.ChecksumCRC32C}-3`).not.toBe(composite(CRC32C))
  })

  it.each([
    ['CRC32', 0xedb88320],
    ['CRC32C', CRC32C],
  ] as const)('through the proxy: HeadObject and GetObject report the composite %s as S3 does', async (algorithm, poly) => {
    const key = `parts/${algorithm}.bin`
    await upload(s3, key, algorithm)
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }))
    expect(head[`Checksum${algorithm}`]).toBe(composite(poly))
    expect(head.ChecksumType).toBe('COMPOSITE')
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }))
    await got.Body?.transformToByteArray()
    expect(got.ChecksumType).toBe('COMPOSITE')
    // A part says nothing of the whole; a plain PutObject over the key forgets the composite.
    const part = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED', PartNumber: 2 }))
    expect(part.ContentLength).toBe(5 * MiB)
    expect(part.ChecksumType).toBeUndefined()
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'replaced' }))
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }))).ChecksumType).toBeUndefined()
  })
})
