/**
 * `putplan apply` through the built CLI, then `putplan plan --detailed-exitcode`: zero
 * changes for every combination of {single-part, multipart} x {no encryption, SSE-S3,
 * SSE-KMS, SSE-C} x {default checksum, CRC32, CRC32C, SHA256, CRC64NVME}. One manifest
 * holds all 40 objects, so the matrix costs one apply and one plan. Everything goes
 * through the S3-behaviour proxy: SSE-KMS/SSE-C ETags are not MD5s, wrong digests are
 * refused, SSE-C objects can be read only with their key. Every object is also read back
 * with the AWS SDK and its SHA-256 compared with the file's.
 *
 * moto 5.2 keeps a CRC32 where S3 keeps the full-object CRC32C or CRC64NVME of a multipart
 * upload, and reports composite checksums without S3's `-<parts>` suffix: the proxy gives
 * S3's answers (test/integration/support/s3-behaviour-proxy.test.ts shows moto's own).
 */
import { randomBytes } from 'node:crypto'
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, listUploads, outcomes, sha256, type ApplyRun } from '../support/apply-workspace.js'
import { awsEnv, createBucket, createKmsKey, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, planJson, verdicts, type PlanRun, type Workspace } from '../support/plan-workspace.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const MiB = 1024 * 1024
const bucket = 'matrix'
const sseKey = randomBytes(32)

const SIZES = { small: 'small.bin', multipart: 'multipart.bin' } as const
const ENCRYPTIONS = ['none', 'sse-s3', 'sse-kms', 'sse-c'] as const
const CHECKSUMS = ['default', 'CRC32', 'CRC32C', 'SHA256', 'CRC64NVME'] as const
type Size = keyof typeof SIZES
type Encryption = (typeof ENCRYPTIONS)[number]
type Checksum = (typeof CHECKSUMS)[number]

interface Combination {
  key: string
  size: Size
  encryption: Encryption
  checksum: Checksum
}

const combinations: Combination[] = (Object.keys(SIZES) as Size[]).flatMap((size) =>
  ENCRYPTIONS.flatMap((encryption) => CHECKSUMS.map((checksum) => ({ key: `${size}/${encryption}/${checksum}.bin`, size, encryption, checksum }))),
)

// A single PutObject up to 16 MiB, parts of 16 MiB above: two parts, the second odd-sized.
const files: Record<Size, Buffer> = { small: randomBytes(300 * 1024 + 7), multipart: randomBytes(17 * MiB + 12_345) }

let server: MotoServer
let proxy: S3Proxy
let s3: S3Client
let ws: Workspace
let env: Record<string, string>
let kmsArn: string
let applied: ApplyRun
let replanned: PlanRun

function encryptionOptions(encryption: Encryption): Record<string, string> {
  switch (encryption) {
    case 'none':
      return {}
    case 'sse-s3':
      return { serverSideEncryption: 'AES256' }
    case 'sse-kms':
      return { serverSideEncryption: 'aws:kms', ssekmsKeyId: kmsArn }
    case 'sse-c':
      return { sseCustomerAlgorithm: 'AES256', sseCustomerKey: '${SSE_KEY}' }
  }
}

function manifest(of: readonly Combination[]): object {
  return {
    version: 1,
    bucket,
    variables: { SSE_KEY: { secret: true } },
    uploads: of.map((c) => ({
      source: SIZES[c.size],
      key: c.key,
      contentType: 'application/octet-stream',
      ...encryptionOptions(c.encryption),
      ...(c.checksum === 'default' ? {} : { checksumAlgorithm: c.checksum }),
    })),
  }
}

/** The SSE-C read parameters for a combination that needs them. */
function sseRead(c: Combination): { SSECustomerAlgorithm?: string; SSECustomerKey?: string } {
  return c.encryption === 'sse-c' ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseKey as unknown as string } : {}
}

beforeAll(async () => {
  server = await startMoto()
  proxy = await startS3Proxy(server.endpoint, { credentials: server.credentials })
  const target = { ...server, endpoint: proxy.endpoint }
  s3 = s3Client(target)
  env = { ...awsEnv(target), SSE_KEY: sseKey.toString('base64') }
  await createBucket(server, bucket)
  kmsArn = (await createKmsKey(server)).arn
  ws = await makeWorkspace('putplan-apply-')
  await ws.write(SIZES.small, files.small)
  await ws.write(SIZES.multipart, files.multipart)
  await ws.manifest(manifest(combinations))
  applied = await applyJson(ws, env, ['--auto-approve'], 120_000)
  replanned = await planJson(ws, env)
}, 180_000)

afterAll(async () => {
  s3?.destroy()
  await ws?.remove()
  await proxy?.stop()
  await server?.stop()
})

describe('apply of 40 combinations through the S3-behaviour proxy', () => {
  it('creates every object (exit 0), and leaves no multipart upload open', async () => {
    const { result, report } = applied
    expect(result.code, result.stderr).toBe(0)
    // 40 objects waiting for 16 slots all listen to the one abort signal: no warning about it.
    expect(result.stderr).not.toContain('MaxListenersExceededWarning')
    expect(outcomes(report)).toEqual(Object.fromEntries(combinations.map((c) => [c.key, 'created'])))
    expect(report.summary).toEqual({ created: 40, updated: 0, repaired: 0, deleted: 0, unchanged: 0, conflict: 0, failed: 0, skipped: 0 })
    expect(report.bytesUploaded).toBe(20 * files.small.length + 20 * files.multipart.length)
    expect(report.interrupted).toBe(false)
    expect(report.orphanedUploads).toEqual([])
    for (const item of report.items.filter((i) => i.key.includes('/sse-kms/'))) expect(item.serverSideEncryption, item.key).toBe('aws:kms')
    expect(await listUploads(s3, bucket)).toEqual([])
  })

  it('stored every object with the bytes of its file (GetObject, with the SSE-C key where needed)', async () => {
    const digests = { small: sha256(files.small), multipart: sha256(files.multipart) }
    const read = await Promise.all(combinations.map(async (c) => [c.key, sha256(await getBytes(s3, { Bucket: bucket, Key: c.key, ...sseRead(c) }))]))
    expect(Object.fromEntries(read)).toEqual(Object.fromEntries(combinations.map((c) => [c.key, digests[c.size]])))
  })

  it('SSE-C objects cannot be read without their key (the proxy enforces S3 behaviour)', async () => {
    await expect(getBytes(s3, { Bucket: bucket, Key: 'small/sse-c/CRC32.bin' })).rejects.toThrow()
  })
})

describe('plan right after apply', () => {
  it('shows every combination unchanged and exits 0 with zero changes', () => {
    const { result, plan } = replanned
    expect(verdicts(plan), result.stderr).toEqual(Object.fromEntries(combinations.map((c) => [c.key, { action: 'unchanged', reasons: [] }])))
    expect(plan.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 40, undecided: 0, conflict: 0 })
    expect(result.code).toBe(0)
  })

  it('reads the checksums S3 keeps of a multipart upload: the full-object CRC sent, the SHA256 composite with its -2', async () => {
    const head = (c: Combination) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: c.key, ChecksumMode: 'ENABLED', ...sseRead(c) }))
    const crc64 = await head({ key: 'multipart/sse-kms/default.bin', size: 'multipart', encryption: 'sse-kms', checksum: 'default' })
    expect(crc64).toMatchObject({ ChecksumCRC64NVME: expect.stringMatching(/^[A-Za-z0-9+/]{11}=$/), ChecksumType: 'FULL_OBJECT' })
    const sha = await head({ key: 'multipart/sse-c/SHA256.bin', size: 'multipart', encryption: 'sse-c', checksum: 'SHA256' })
    expect(sha).toMatchObject({ ChecksumSHA256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=-2$/), ChecksumType: 'COMPOSITE' })
  })
})
