/**
 * `putplan plan` through the built CLI against objects written by a client we did not
 * write (the AWS CLI), on moto_server with signature checking on: the same options give
 * a plan of no changes, and one changed option or one changed byte gives exactly that
 * update with exactly its reason. Also multipart uploads (the AWS CLI's 8 MiB parts) and
 * SSE-KMS objects behind the S3-behaviour proxy (ETags that are not MD5s).
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, outcomes } from '../support/apply-workspace.js'
import { runAws, type AwsTarget } from '../support/aws-cli.js'
import { awsEnv, createBucket, createKmsKey, s3Client } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { checksumOf } from '../support/s3-digests.js'
import { planJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const MiB = 1024 * 1024
/** botocore otherwise adds a CRC32 to every upload it can (its default since 1.36). */
const NO_DEFAULT_CHECKSUM = { AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required' }

const suite = useMotoSuite()

async function aws(target: AwsTarget, args: string[], ws: Workspace, env: Record<string, string> = {}): Promise<void> {
  const result = await runAws(target, args, { cwd: ws.dir, env })
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
}

describe('plan against objects the AWS CLI put with the same options', () => {
  const bucket = 'interop'
  let ws: Workspace
  /** The put-object options of each object, as the manifest declares them. */
  const objects: Record<string, { file: string; args: string[] }> = {
    'site/index.html': {
      file: 'site/index.html',
      args: ['--cache-control', 'max-age=60', '--content-type', 'text/html', '--content-language', 'en', '--metadata', 'owner=web,build=42', '--tagging', 'team=web&env=prod'],
    },
    'site/report.pdf': {
      file: 'site/report.pdf',
      args: ['--content-type', 'application/pdf', '--content-disposition', 'attachment; filename="report.pdf"', '--storage-class', 'STANDARD_IA', '--expires', '2030-01-01T00:00:00Z'],
    },
    'site/old.html': {
      file: 'site/old.html',
      args: ['--content-type', 'text/html', '--website-redirect-location', '/site/index.html'],
    },
    'data/data.json': {
      file: 'data/data.json',
      args: ['--content-type', 'application/json', '--checksum-algorithm', 'SHA256'],
    },
  }
  const put = (key: string, body: string, args: string[]) =>
    aws(suite.server, ['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', body, '--server-side-encryption', 'AES256', ...args], ws)

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    await ws.write('site/index.html', '<!doctype html><title>home</title>\n')
    await ws.write('site/report.pdf', randomBytes(3000))
    await ws.write('site/old.html', '<!doctype html><title>moved</title>\n')
    await ws.write('data/data.json', '{"answer":42}\n')
    await ws.write('other/data.json', '{"answer":43}\n') // same size, other bytes
    await ws.manifest({
      version: 1,
      bucket,
      defaults: { serverSideEncryption: 'AES256' },
      uploads: [
        {
          source: 'site/index.html',
          key: 'site/index.html',
          cacheControl: 'max-age=60',
          contentType: 'text/html',
          contentLanguage: 'en',
          metadata: { owner: 'web', build: '42' },
          tagging: { team: 'web', env: 'prod' },
        },
        {
          source: 'site/report.pdf',
          key: 'site/report.pdf',
          contentType: 'application/pdf',
          contentDisposition: 'attachment; filename="report.pdf"',
          storageClass: 'STANDARD_IA',
          expires: '2030-01-01T00:00:00Z',
        },
        { source: 'site/old.html', key: 'site/old.html', contentType: 'text/html', websiteRedirectLocation: '/site/index.html' },
        { source: 'data/data.json', key: 'data/data.json', contentType: 'application/json', checksumAlgorithm: 'SHA256' },
      ],
    })
    await Promise.all(Object.entries(objects).map(([key, o]) => put(key, o.file, o.args)))
  }, 60_000)

  it('shows every object unchanged (exit 0 with --detailed-exitcode)', async () => {
    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(verdicts(plan), result.stderr).toEqual(Object.fromEntries(Object.keys(objects).map((key) => [key, { action: 'unchanged', reasons: [] }])))
    expect(plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 4, undecided: 0, conflict: 0 })
    expect(result.code).toBe(0)
  })

  it('shows exactly one changed option as a repair and one changed content as an update, with their reasons (exit 2)', async () => {
    const index = objects['site/index.html']!
    const otherCache = index.args.map((arg) => (arg === 'max-age=60' ? 'no-cache' : arg))
    await Promise.all([put('site/index.html', index.file, otherCache), put('data/data.json', 'other/data.json', objects['data/data.json']!.args)])

    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(verdicts(plan), result.stderr).toEqual({
      'data/data.json': { action: 'update', reasons: ['content changed'] },
      'site/index.html': { action: 'repair', reasons: ['cacheControl: "no-cache" -> "max-age=60"'] },
      'site/old.html': { action: 'unchanged', reasons: [] },
      'site/report.pdf': { action: 'unchanged', reasons: [] },
    })
    expect(plan.summary).toEqual({ create: 0, update: 1, repair: 1, delete: 0, unchanged: 2, undecided: 0, conflict: 0 })
    expect(result.code).toBe(2)
  })
})

describe('plan against multipart objects the AWS CLI uploaded (8 MiB parts)', () => {
  const bucket = 'multipart'
  let ws: Workspace
  const cp = (file: string, key: string, env: Record<string, string> = {}) =>
    aws(suite.server, ['s3', 'cp', file, `s3://${bucket}/${key}`, '--content-type', 'application/octet-stream'], ws, env)

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    const big = randomBytes(20 * MiB)
    await ws.write('big.bin', big)
    big[12 * MiB] = big[12 * MiB]! ^ 0xff
    await ws.write('changed/big.bin', big)
    await ws.manifest({
      version: 1,
      bucket,
      uploads: [
        { source: 'big.bin', key: 'with-checksum.bin', contentType: 'application/octet-stream' },
        { source: 'big.bin', key: 'etag-only.bin', contentType: 'application/octet-stream' },
      ],
    })
    await Promise.all([cp('big.bin', 'with-checksum.bin'), cp('big.bin', 'etag-only.bin', NO_DEFAULT_CHECKSUM)])
  }, 60_000)

  /**
   * What the bucket tells: the AWS CLI's default CRC32 of a multipart upload is composite
   * (a CRC of the parts' CRCs), and moto's HeadObject reports it without S3's `-3` suffix
   * and without `x-amz-checksum-type`. So it is no evidence of the file's full CRC32.
   */
  it('the AWS CLI wrote 3 parts, with a composite CRC32 by default and no checksum when told not to', async () => {
    const s3 = s3Client(suite.server)
    try {
      const head = (Key: string) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key, ChecksumMode: 'ENABLED' }))
      const withChecksum = await head('with-checksum.bin')
      expect(withChecksum.ETag).toMatch(/-3"$/)
      const fullCrc32 = Buffer.alloc(4)
      fullCrc32.writeUInt32BE(crc32(await readFile(ws.path('big.bin'))))
      expect(withChecksum.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==(-3)?$/)
      expect(withChecksum.ChecksumCRC32).not.toBe(fullCrc32.toString('base64'))
      expect(withChecksum.ChecksumType ?? 'COMPOSITE').toBe('COMPOSITE')
      const etagOnly = await head('etag-only.bin')
      expect(etagOnly.ETag).toMatch(/-3"$/)
      expect(etagOnly.ChecksumCRC32 ?? etagOnly.ChecksumCRC64NVME ?? etagOnly.ChecksumSHA256).toBeUndefined()
    } finally {
      s3.destroy()
    }
  })

  it('shows both unchanged, by the multipart ETag recomputed with the part size HeadObject partNumber=1 reveals', async () => {
    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(verdicts(plan), result.stderr).toEqual({
      'etag-only.bin': { action: 'unchanged', reasons: [] },
      'with-checksum.bin': { action: 'unchanged', reasons: [] },
    })
    expect(result.code).toBe(0)
  })

  it('shows both as updates with "content changed" after one byte changed', async () => {
    await Promise.all([cp('changed/big.bin', 'with-checksum.bin'), cp('changed/big.bin', 'etag-only.bin', NO_DEFAULT_CHECKSUM)])
    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(verdicts(plan), result.stderr).toEqual({
      'etag-only.bin': { action: 'update', reasons: ['content changed'] },
      'with-checksum.bin': { action: 'update', reasons: ['content changed'] },
    })
    expect(result.code).toBe(2)
  })
})

/**
 * Copies another tool put in one request without a checksum are judged by their ETag (the
 * MD5) alone: the plan computes no CRC64NVME for what it leaves alone, and reads the files
 * it updates again for what their upload sends. A file above putplan's 16 MiB multipart
 * threshold goes up in parts, with the checksum and without a whole-file MD5.
 */
describe('plan and apply over copies the AWS CLI put without a checksum', () => {
  const bucket = 'no-checksum'
  let ws: Workspace
  const files = { 'page.html': '<!doctype html><title>page</title>\n', 'kept.html': '<!doctype html><title>kept</title>\n', 'big.bin': randomBytes(20 * MiB) }
  const local = (plan: Awaited<ReturnType<typeof planJson>>['plan'], key: string) => plan.actions.find((a) => a.key === key)!.local

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    for (const [name, content] of Object.entries(files)) await ws.write(name, content)
    await ws.manifest({
      version: 1,
      bucket,
      state: { key: '.putplan/state.json' },
      uploads: Object.keys(files).map((name) => ({ source: name, key: name, contentType: 'application/octet-stream' })),
    })
    const put = (name: string) =>
      aws(suite.server, ['s3api', 'put-object', '--bucket', bucket, '--key', name, '--body', name, '--content-type', 'application/octet-stream'], ws, NO_DEFAULT_CHECKSUM)
    await Promise.all(Object.keys(files).map(put))
  }, 60_000)

  it('shows all unchanged by their MD5, and computes no checksum of the large file', async () => {
    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(plan.summary, result.stderr).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 3, undecided: 0, conflict: 0 })
    for (const [name, content] of Object.entries(files)) expect(local(plan, name).md5).toBe(createHash('md5').update(content).digest('hex'))
    // Small files are hashed while LIST runs, as for a create; the large one only as the comparison needs.
    expect(local(plan, 'big.bin').checksums).toEqual({})
  })

  it('gives the files it updates the checksum their upload sends, and apply stores exactly those bytes', async () => {
    const page = '<!doctype html><title>page, edited</title>\n'
    const big = randomBytes(20 * MiB)
    await ws.write('page.html', page)
    await ws.write('big.bin', big)
    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(verdicts(plan), result.stderr).toEqual({
      'big.bin': { action: 'update', reasons: ['content changed'] },
      'kept.html': { action: 'unchanged', reasons: [] },
      'page.html': { action: 'update', reasons: ['content changed'] },
    })
    expect(local(plan, 'page.html')).toMatchObject({ md5: createHash('md5').update(page).digest('hex'), checksums: { CRC64NVME: await checksumOf('crc64nvme', Buffer.from(page)) } })
    expect(local(plan, 'big.bin').checksums).toEqual({ CRC64NVME: await checksumOf('crc64nvme', big) })
    expect(local(plan, 'big.bin').md5).toBeUndefined()

    const applied = await applyJson(ws, awsEnv(suite.server))
    expect(outcomes(applied.report), applied.result.stderr).toEqual({ 'big.bin': 'updated', 'kept.html': 'unchanged', 'page.html': 'updated' })
    const s3 = s3Client(suite.server)
    try {
      expect((await getBytes(s3, { Bucket: bucket, Key: 'page.html' })).toString()).toBe(page)
      expect((await getBytes(s3, { Bucket: bucket, Key: 'big.bin' })).equals(big)).toBe(true)
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'page.html', ChecksumMode: 'ENABLED' }))
      expect(head.ChecksumCRC64NVME).toBe(await checksumOf('crc64nvme', Buffer.from(page)))
    } finally {
      s3.destroy()
    }
    const after = await planJson(ws, awsEnv(suite.server))
    expect(after.plan.summary, after.result.stderr).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 3, undecided: 0, conflict: 0 })
    expect(after.result.code).toBe(0)
  })
})

describe('plan against SSE-KMS objects, behind the proxy that gives them non-MD5 ETags as S3 does', () => {
  const bucket = 'kms'
  let ws: Workspace
  let proxy: S3Proxy
  let target: AwsTarget

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    proxy = await startS3Proxy(suite.server.endpoint, { credentials: suite.server.credentials })
    target = { ...suite.server, endpoint: proxy.endpoint }
    const { keyId } = await createKmsKey(suite.server)
    await ws.write('plain.txt', 'encrypted, no checksum\n')
    await ws.write('checked.txt', 'encrypted, with a SHA-256\n')
    const kms = { contentType: 'text/plain', serverSideEncryption: 'aws:kms', ssekmsKeyId: keyId }
    await ws.manifest({
      version: 1,
      bucket,
      uploads: [
        { source: 'plain.txt', key: 'plain.txt', ...kms },
        { source: 'checked.txt', key: 'checked.txt', ...kms, checksumAlgorithm: 'SHA256' },
      ],
    })
    const put = (key: string, extra: string[], env: Record<string, string> = {}) =>
      aws(target, ['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', key, '--content-type', 'text/plain', '--server-side-encryption', 'aws:kms', '--ssekms-key-id', keyId, ...extra], ws, env)
    await Promise.all([put('plain.txt', [], NO_DEFAULT_CHECKSUM), put('checked.txt', ['--checksum-algorithm', 'SHA256'])])
  }, 60_000)

  afterAll(async () => {
    await proxy?.stop()
  })

  it('never calls an SSE-KMS object without a checksum unchanged; with its declared SHA256 it is', async () => {
    const { result, plan } = await planJson(ws, awsEnv(target), ['--endpoint', proxy.endpoint])
    const byKey = verdicts(plan)
    expect(byKey['checked.txt'], result.stderr).toEqual({ action: 'unchanged', reasons: [] })
    expect(byKey['plain.txt']!.action).toBe('undecided')
    expect(byKey['plain.txt']!.reasons).toHaveLength(1)
    expect(byKey['plain.txt']!.reasons[0]).toMatch(/^content cannot be verified: /)
    // The proxy's ETag, like S3's for SSE-KMS, is not the MD5 of the bytes.
    const md5 = createHash('md5').update(await readFile(ws.path('plain.txt'))).digest('hex')
    expect(plan.actions.find((a) => a.key === 'plain.txt')!.remoteEtag).not.toBe(md5)
    expect(result.code).toBe(2)
  })
})
