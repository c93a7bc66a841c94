import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { createBucket, createKmsKey, s3Client, startMoto, type MotoServer } from '../../support/moto.js'

describe('startMoto with auth (the default)', () => {
  let server: MotoServer
  let startupMs = 0

  beforeAll(async () => {
    const started = Date.now()
    server = await startMoto()
    startupMs = Date.now() - started
  })
  afterAll(() => server?.stop())

  it('starts within a few seconds on a loopback port', () => {
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.auth).toBe(true)
    expect(startupMs).toBeLessThan(10_000)
  })

  it('accepts requests signed with the returned key', async () => {
    await createBucket(server, 'auth-ok')
    const client = s3Client(server)
    await client.send(new PutObjectCommand({ Bucket: 'auth-ok', Key: 'a.txt', Body: 'hello' }))
    const got = await client.send(new GetObjectCommand({ Bucket: 'auth-ok', Key: 'a.txt' }))
    expect(await got.Body?.transformToString()).toBe('hello')
    client.destroy()
  })

  it('rejects a request signed with a wrong secret with 403', async () => {
    const client = s3Client({
      ...server,
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
    })
    const error = await client.send(new ListBucketsCommand({})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(S3ServiceException)
    expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(403)
    expect((error as S3ServiceException).name).toBe('SignatureDoesNotMatch')
    client.destroy()
  })

  it('rejects an unknown access key and an unsigned request with 403', async () => {
    const unknown = s3Client({ ...server, credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } })
    const error = await unknown.send(new ListBucketsCommand({})).catch((e: unknown) => e)
    expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(403)
    unknown.destroy()
    const unsigned = await fetch(`${server.endpoint}/auth-ok/a.txt`)
    expect(unsigned.status).toBe(403)
  })

  // A moto defect in auth mode, kept visible here: a correctly signed request
  // whose query has a '/' (ListObjectsV2 with Prefix 'dir/') is refused. Tests
  // that list under a folder must use a prefix without '/' or auth: false.
  it("refuses a correctly signed ListObjectsV2 whose prefix has '/' (moto defect)", async () => {
    const client = s3Client(server)
    await client.send(new ListObjectsV2Command({ Bucket: 'auth-ok', Prefix: 'dir' }))
    const error = await client.send(new ListObjectsV2Command({ Bucket: 'auth-ok', Prefix: 'dir/' })).catch((e: unknown) => e)
    expect((error as S3ServiceException).name).toBe('SignatureDoesNotMatch')
    client.destroy()
  })

  it('creates versioned and Object Lock buckets', async () => {
    await createBucket(server, 'versioned', { versioning: true })
    await createBucket(server, 'locked', { objectLock: true })
    const client = s3Client(server)
    const versioning = await client.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))
    expect(versioning.Status).toBe('Enabled')
    const lock = await client.send(new GetObjectLockConfigurationCommand({ Bucket: 'locked' }))
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled')
    client.destroy()
  })

  it('lets the test user create KMS keys', async () => {
    const key = await createKmsKey(server)
    expect(key.arn).toContain(key.keyId)
  })

  it('kills moto on stop()', async () => {
    const other = await startMoto({ auth: false })
    await other.stop()
    await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow()
  })
})

describe('startMoto without auth', () => {
  let server: MotoServer
  beforeAll(async () => {
    server = await startMoto({ auth: false })
  })
  afterAll(() => server?.stop())

  it("accepts a ListObjectsV2 prefix with '/'", async () => {
    await createBucket(server, 'listing')
    const client = s3Client(server)
    await client.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'dir/' }))
    client.destroy()
  })

  it('accepts any signature', async () => {
    await createBucket(server, 'open')
    const client = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      credentials: { accessKeyId: 'anything', secretAccessKey: 'anything' },
      forcePathStyle: true,
    })
    await client.send(new PutObjectCommand({ Bucket: 'open', Key: 'k', Body: 'x' }))
    client.destroy()
  })
})
