/**
 * `putplan plan` of a bucket that boto3 and the AWS CLI filled, as a bucket a team adopts:
 * multipart objects of uneven parts, composite CRC32 / CRC32C / SHA checksums (the AWS CLI's
 * and boto3's default for multipart), SSE-KMS objects whose ETag says nothing (behind the
 * proxy that gives them S3's ETags and S3's composite checksums), and empty objects uploaded
 * as one empty part. Every one is decided: unchanged while the bytes are the file's, content
 * changed once they are not, never a false change and never undecided. A state record keeps
 * the part sizes learnt, so the next plan asks for none.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, outcomes } from '../support/apply-workspace.js'
import { runAws, runAwsJson, type AwsTarget } from '../support/aws-cli.js'
import { awsEnv, createBucket, createKmsKey } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson, verdicts, type PlanJson, type Workspace } from '../support/plan-workspace.js'
import { cleanEnv, runProcess } from '../support/process.js'
import { checksumOf } from '../support/s3-digests.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const MiB = 1024 * 1024
/** The uneven cut of the issue: 6 MiB, 5 MiB, then 5 MiB and a tail. */
const UNEVEN = [6 * MiB, 5 * MiB, 5 * MiB + 1000]
const SIZE = UNEVEN.reduce((a, b) => a + b, 0)
const BOTO3_SCRIPT = fileURLToPath(new URL('../support/boto3-multipart.py', import.meta.url))
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0

const suite = useMotoSuite()

interface Boto3Object {
  key: string
  file: string
  parts: number[]
  algorithm?: 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256'
  kms?: boolean
}

describe.skipIf(!hasBoto3)(`plan against objects boto3 and the AWS CLI wrote${hasBoto3 ? '' : ' (skipped: python3 cannot import boto3)'}`, () => {
  const bucket = 'adopted'
  let ws: Workspace
  let proxy: S3Proxy
  let target: AwsTarget
  let keyId: string
  /** Requests the proxy saw, as `METHOD path?query`. */
  const requests: string[] = []

  const boto3Objects: Boto3Object[] = [
    { key: 'boto3/uneven-etag.bin', file: 'big.bin', parts: UNEVEN },
    { key: 'boto3/uneven-crc32.bin', file: 'big.bin', parts: UNEVEN, algorithm: 'CRC32' },
    { key: 'boto3/uneven-crc32c.bin', file: 'big.bin', parts: UNEVEN, algorithm: 'CRC32C' },
    { key: 'boto3/uneven-sha256.bin', file: 'big.bin', parts: UNEVEN, algorithm: 'SHA256' },
    { key: 'boto3/kms-crc32.bin', file: 'big.bin', parts: UNEVEN, algorithm: 'CRC32', kms: true },
    { key: 'boto3/kms-crc32c.bin', file: 'big.bin', parts: UNEVEN, algorithm: 'CRC32C', kms: true },
    { key: 'boto3/kms-sha1.bin', file: 'big.bin', parts: UNEVEN, algorithm: 'SHA1', kms: true },
    { key: 'boto3/kms-even-crc32c.bin', file: 'big.bin', parts: [6 * MiB, 6 * MiB, 4 * MiB + 1000], algorithm: 'CRC32C', kms: true },
    { key: 'boto3/empty.bin', file: 'empty.bin', parts: [0] },
    { key: 'boto3/kms-empty-crc32.bin', file: 'empty.bin', parts: [0], algorithm: 'CRC32', kms: true },
  ]
  /** The AWS CLI's own multipart uploads: 8 MiB parts and a composite CRC32, its default. */
  const cliObjects = [
    { key: 'cli/crc32.bin', kms: false },
    { key: 'cli/kms-crc32.bin', kms: true },
  ]
  const keys = [...boto3Objects.map((o) => o.key), ...cliObjects.map((o) => o.key), 'cli/uneven-kms-crc32c.bin'].sort()
  const nonEmpty = keys.filter((key) => !key.includes('empty'))

  const plan = () => planJson(ws, awsEnv(target), ['--endpoint', proxy.endpoint])
  const partHeads = () => requests.filter((r) => r.startsWith('HEAD ') && r.includes('partNumber='))

  async function boto3(objects: Boto3Object[]): Promise<void> {
    const input = await Promise.all(
      objects.map(async (o) => ({
        key: o.key,
        file: ws.path(o.file),
        parts: o.parts,
        ...(o.algorithm && { algorithm: o.algorithm }),
        // botocore computes CRC32C only with awscrt: hand it the parts' values.
        ...(o.algorithm === 'CRC32C' && { partChecksums: await partChecksums(o.file, o.parts, 'crc32c') }),
        ...(o.kms && { kmsKeyId: keyId }),
      })),
    )
    const spec = { endpoint: target.endpoint, region: target.region, ...target.credentials, bucket, objects: input }
    const result = await runProcess('python3', [BOTO3_SCRIPT], { input: JSON.stringify(spec), env: cleanEnv({ PYTHONWARNINGS: 'ignore' }), timeoutMs: 120_000 })
    if (result.code !== 0) throw new Error(`boto3 upload failed (${result.code}): ${result.stderr}`)
  }

  async function partChecksums(file: string, parts: number[], name: 'crc32c'): Promise<string[]> {
    const { readFile } = await import('node:fs/promises')
    const bytes = await readFile(ws.path(file))
    const values: string[] = []
    let offset = 0
    for (const size of parts) values.push(await checksumOf(name, bytes.subarray(offset, (offset += size))))
    return values
  }

  async function aws(args: string[]): Promise<void> {
    const result = await runAws(target, args, { cwd: ws.dir })
    if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  }

  /** The AWS CLI's low-level calls, as a script would make them: uneven parts, SSE-KMS, CRC32C given part by part. */
  async function awsUnevenUpload(key: string): Promise<void> {
    const kms = ['--server-side-encryption', 'aws:kms', '--ssekms-key-id', keyId]
    const { UploadId } = await runAwsJson<{ UploadId: string }>(target, ['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', key, '--content-type', 'application/octet-stream', '--checksum-algorithm', 'CRC32C', ...kms])
    const values = await partChecksums('big.bin', UNEVEN, 'crc32c')
    const { readFile } = await import('node:fs/promises')
    const bytes = await readFile(ws.path('big.bin'))
    const parts = []
    let offset = 0
    for (const [i, size] of UNEVEN.entries()) {
      await ws.write(`cli-part-${i + 1}`, bytes.subarray(offset, (offset += size)))
      const part = await runAwsJson<{ ETag: string }>(target, ['s3api', 'upload-part', '--bucket', bucket, '--key', key, '--upload-id', UploadId, '--part-number', String(i + 1), '--body', `cli-part-${i + 1}`, '--checksum-crc32-c', values[i]!], { cwd: ws.dir })
      parts.push({ PartNumber: i + 1, ETag: part.ETag, ChecksumCRC32C: values[i] })
    }
    await runAwsJson(target, ['s3api', 'complete-multipart-upload', '--bucket', bucket, '--key', key, '--upload-id', UploadId, '--multipart-upload', JSON.stringify({ Parts: parts })])
  }

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    proxy = await startS3Proxy(suite.server.endpoint, { credentials: suite.server.credentials, onRequest: (method, url) => requests.push(`${method} ${url}`) })
    target = { ...suite.server, endpoint: proxy.endpoint }
    keyId = (await createKmsKey(suite.server)).keyId
    await ws.write('big.bin', randomBytes(SIZE))
    await ws.write('empty.bin', '')
    const kms = { serverSideEncryption: 'aws:kms', ssekmsKeyId: keyId }
    const isKms = (key: string) => key.includes('kms')
    await ws.manifest({
      version: 1,
      bucket,
      state: { key: '.putplan/state.json' },
      uploads: keys.map((key) => ({ source: key.includes('empty') ? 'empty.bin' : 'big.bin', key, contentType: 'application/octet-stream', ...(isKms(key) && kms) })),
    })
    await boto3(boto3Objects)
    const sse = (o: { kms: boolean }) => (o.kms ? ['--sse', 'aws:kms', '--sse-kms-key-id', keyId] : [])
    for (const o of cliObjects) await aws(['s3', 'cp', 'big.bin', `s3://${bucket}/${o.key}`, '--content-type', 'application/octet-stream', ...sse(o)])
    await awsUnevenUpload('cli/uneven-kms-crc32c.bin')
  }, 180_000)

  afterAll(async () => {
    await proxy?.stop()
  })

  it('the bucket holds what S3 would: uneven parts, composite checksums with -N, opaque ETags', async () => {
    const head = (key: string) => runAwsJson<Record<string, string>>(target, ['s3api', 'head-object', '--bucket', bucket, '--key', key, '--checksum-mode', 'ENABLED'])
    expect(await head('boto3/kms-crc32c.bin')).toMatchObject({ ChecksumCRC32C: expect.stringMatching(/^[A-Za-z0-9+/]{6}==-3$/), ChecksumType: 'COMPOSITE', ETag: expect.stringMatching(/^"[0-9a-f]{32}-3"$/) })
    expect(await head('cli/kms-crc32.bin')).toMatchObject({ ChecksumCRC32: expect.stringMatching(/-3$/), ChecksumType: 'COMPOSITE' })
    const part2 = await runAwsJson<{ ContentLength: number; PartsCount: number }>(target, ['s3api', 'head-object', '--bucket', bucket, '--key', 'boto3/uneven-etag.bin', '--part-number', '2'])
    expect(part2).toMatchObject({ ContentLength: 5 * MiB, PartsCount: 3 })
    expect(await head('boto3/empty.bin')).toMatchObject({ ContentLength: 0, ETag: expect.stringMatching(/-1"$/) })
  })

  let first: PlanJson
  it('plans every object unchanged: none undecided, no false change', async () => {
    requests.length = 0
    const { result, plan: document } = await plan()
    first = document
    expect(verdicts(document), result.stderr).toEqual(Object.fromEntries(keys.map((key) => [key, { action: 'unchanged', reasons: [] }])))
    expect(document.summary).toMatchObject({ unchanged: keys.length, undecided: 0, update: 0, conflict: 0 })
    expect(result.code).toBe(0)
  })

  it('learnt every part of the uneven objects, and only part 1 of the others', () => {
    const asked = (key: string) => partHeads().filter((r) => r.includes(`/${bucket}/${encodeURI(key)}?`)).map((r) => /partNumber=(\d+)/.exec(r)![1])
    // Part 1 suggests 6 + 6 + 4 MiB: the digests disagree, so part 2 is asked, and the last is the rest.
    expect(asked('boto3/kms-crc32c.bin')).toEqual(['1', '2'])
    expect(asked('boto3/uneven-etag.bin')).toEqual(['1', '2'])
    // A cut of equal parts: part 1 tells it.
    expect(asked('boto3/kms-even-crc32c.bin')).toEqual(['1'])
    expect(asked('cli/kms-crc32.bin')).toEqual(['1'])
    expect(asked('boto3/empty.bin')).toEqual([])
    const local = first.actions.find((a) => a.key === 'boto3/kms-crc32c.bin')!.local
    expect(local?.multipart).toMatchObject({ partSizes: UNEVEN, compositeChecksums: { CRC32C: expect.stringMatching(/-3$/) } })
  })

  it('after apply records them, plans again without a HeadObject', async () => {
    const applied = await applyJson(ws, awsEnv(target), ['--auto-approve', '--endpoint', proxy.endpoint])
    expect(Object.values(outcomes(applied.report)), applied.result.stderr).toEqual(keys.map(() => 'unchanged'))
    requests.length = 0
    const { result, plan: document } = await plan()
    expect(document.summary, result.stderr).toMatchObject({ unchanged: keys.length, undecided: 0, update: 0 })
    // HeadBucket only: LIST and the record stand for every object, part sizes included.
    expect(requests.filter((r) => r.startsWith('HEAD '))).toEqual([`HEAD /${bucket}/`])
  })

  it('plans "content changed" for every one once one byte of the file differs, and still none undecided', async () => {
    const { readFile } = await import('node:fs/promises')
    const bytes = await readFile(ws.path('big.bin'))
    bytes[SIZE - 10] = bytes[SIZE - 10]! ^ 0xff
    await ws.write('big.bin', bytes)
    const { result, plan: document } = await plan()
    const expected = Object.fromEntries(keys.map((key) => [key, nonEmpty.includes(key) ? { action: 'update', reasons: ['content changed'] } : { action: 'unchanged', reasons: [] }]))
    expect(verdicts(document), result.stderr).toEqual(expected)
    expect(document.summary).toMatchObject({ update: nonEmpty.length, undecided: 0 })
    expect(result.code).toBe(2)
  })
})
