/**
 * The S3 client against moto_server: signed (IAM auth mode) for the keys moto accepts
 * there, unsigned-checking for the rest of the key corpus (moto rejects correctly signed
 * requests for `+ % & = ' ( ) * :` and non-ASCII keys in auth mode; the signing of those
 * is proven against the AWS SDK in the unit tests).
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalDigest } from '../../src/plan/local-digest.js'
import { S3Client, S3ServiceError } from '../../src/s3/index.js'
import { createSigner } from '../../src/s3/request-signer.js'
import { resolveS3Config } from '../../src/s3/s3-config.js'
import { runAwsJson } from '../support/aws-cli.js'
import { createBucket, startMoto, type MotoServer } from '../support/moto.js'

const SIGNED_KEYS = ['plain.txt', 'with space.txt', 'tilde~file', 'hash#file', 'question?file', 'a/b/c/nested file.txt', 'folder/']
const UNSIGNED_KEYS = ['a+b.txt', '100%.txt', 'and&file', 'equals=file', "quote'file", '(parens)', 'star*file', 'colon:file', 'ümlaut.txt', '日本/語.txt', 'emoji-😀.png']

function clientFor(server: MotoServer, bucket: string, credentials = server.credentials): S3Client {
  const config = resolveS3Config({ bucket, endpoint: server.endpoint, region: server.region, maxAttempts: 2 }, {})
  return new S3Client(config, { signer: createSigner(credentials) })
}

function digestOf(body: Buffer): LocalDigest {
  return {
    size: body.length,
    md5: createHash('md5').update(body).digest('hex'),
    checksums: { SHA256: createHash('sha256').update(body).digest('base64') },
  }
}

/** moto's auth mode also rejects correctly signed query values with `/` or `?`: list those without a prefix there. */
async function roundTrip(s3: S3Client, key: string, listPrefix: string | null = key): Promise<void> {
  const body = Buffer.from(`content of ${key}`)
  const digest = digestOf(body)
  const options = { contentType: 'text/plain', metadata: { Origin: 'putplan' }, checksumAlgorithm: 'SHA256' } as const
  const put = await s3.putObject(key, { options, md5: digest.md5!, checksum: { algorithm: 'SHA256', value: digest.checksums.SHA256! }, body: () => Readable.from([body]), contentLength: body.length })
  expect(put.etag).toBe(createHash('md5').update(body).digest('hex'))
  const head = await s3.headObject(key)
  expect(head).toMatchObject({ etag: put.etag, size: body.length, headers: { contentType: 'text/plain', metadata: { origin: 'putplan' }, storageClass: 'STANDARD' } })
  expect(head?.checksums.SHA256).toBe(digestOf(body).checksums.SHA256)
  const listed: string[] = []
  for await (const page of s3.listObjectsV2(listPrefix ? { prefix: listPrefix } : {})) listed.push(...page.map((o) => o.key))
  expect(listed).toContain(key)
}

describe('S3 client against moto with signature checking', () => {
  let server: MotoServer
  let s3: S3Client
  beforeAll(async () => {
    server = await startMoto({ auth: true })
    await createBucket(server, 'signed-bucket')
    s3 = clientFor(server, 'signed-bucket')
  }, 60_000)
  afterAll(async () => {
    await s3?.close()
    await server?.stop()
  })

  it.each(SIGNED_KEYS)('round-trips %j', async (key) => {
    await roundTrip(s3, key, /[/?]/.test(key) ? null : key)
  })

  it('reaches the bucket and reports a missing object as undefined', async () => {
    await s3.headBucket()
    expect(await s3.headObject('no such key')).toBeUndefined()
  })

  it('fails with a 403 S3ServiceError for a wrong secret', async () => {
    const wrong = clientFor(server, 'signed-bucket', { ...server.credentials, secretAccessKey: 'not-the-secret' })
    try {
      const error = await wrong.putObject('x', { options: {}, body: 'x', contentLength: 1 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(S3ServiceError)
      expect(error).toMatchObject({ code: 's3', status: 403 })
    } finally {
      await wrong.close()
    }
  })
})

describe('S3 client against moto without signature checking', () => {
  let server: MotoServer
  let s3: S3Client
  beforeAll(async () => {
    server = await startMoto({ auth: false })
    await createBucket(server, 'open-bucket')
    s3 = clientFor(server, 'open-bucket')
  }, 60_000)
  afterAll(async () => {
    await s3?.close()
    await server?.stop()
  })

  it.each(UNSIGNED_KEYS)('round-trips %j', async (key) => {
    await roundTrip(s3, key)
  })

  it('writes and reads tagging and ACLs', async () => {
    const body = Buffer.from('tagged')
    const options = { tagging: { team: 'web + ops = a/b@c:d', 'build id': '007' }, acl: 'public-read' }
    await s3.putObject('tagged ü.txt', { options, md5: digestOf(body).md5!, body, contentLength: body.length })
    expect(await s3.getObjectTagging('tagged ü.txt')).toEqual({ team: 'web + ops = a/b@c:d', 'build id': '007' })
    const acl = await s3.getObjectAcl('tagged ü.txt')
    expect(acl.grants).toContainEqual({ grantee: 'uri=http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' })
  })

  it('uploads in parts, and aborts uploads', async () => {
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'a')
    const part2 = Buffer.from('tail')
    const key = 'multi part/ü.bin'
    const uploadId = await s3.createMultipartUpload(key, { contentType: 'application/octet-stream', checksumAlgorithm: 'SHA256' })
    const sha256 = (bytes: Buffer) => ({ algorithm: 'SHA256' as const, value: createHash('sha256').update(bytes).digest('base64') })
    const parts = [
      await s3.uploadPart(key, { uploadId, partNumber: 1, body: () => Readable.from([part1]), contentLength: part1.length, checksum: sha256(part1) }),
      await s3.uploadPart(key, { uploadId, partNumber: 2, body: part2, contentLength: part2.length, checksum: sha256(part2) }),
    ]
    const done = await s3.completeMultipartUpload(key, { uploadId, parts, condition: { ifNoneMatch: '*' } })
    expect(done.etag).toMatch(/-2$/)
    expect(await s3.headObject(key)).toMatchObject({ etag: done.etag, size: part1.length + part2.length, partCount: 2 })
    expect(await s3.headPart(key, 1)).toEqual({ size: part1.length, partCount: 2 })
    expect(await s3.headPart(key, 2)).toEqual({ size: part2.length, partCount: 2 })

    const abandoned = await s3.createMultipartUpload('abandoned', {})
    // The AWS CLI, an independent client, lists the uploads open before and after the abort.
    const open = async () => ((await runAwsJson<{ Uploads?: { UploadId: string }[] }>(server, ['s3api', 'list-multipart-uploads', '--bucket', 'open-bucket'])).Uploads ?? []).map((u) => u.UploadId)
    expect(await open()).toContain(abandoned)
    await s3.abortMultipartUpload('abandoned', abandoned)
    expect(await open()).not.toContain(abandoned)
  })

  it('lists across pages', async () => {
    const keys = Array.from({ length: 1003 }, (_, i) => `many/${String(i).padStart(4, '0')}`)
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => s3.putObject(key, { options: {}, body: '', contentLength: 0 })))
    }
    const pages: number[] = []
    const listed: string[] = []
    for await (const page of s3.listObjectsV2({ prefix: 'many/' })) {
      pages.push(page.length)
      listed.push(...page.map((o) => o.key))
    }
    expect(pages.length).toBeGreaterThan(1)
    expect(listed).toEqual(keys)

    const after: string[] = []
    for await (const page of s3.listObjectsV2({ prefix: 'many/', startAfter: 'many/0500' })) after.push(...page.map((o) => o.key))
    expect(after).toEqual(keys.slice(501))
  }, 60_000)
})
