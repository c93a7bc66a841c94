/**
 * Race safety of `putplan apply plan.json`, through the built CLI: after apply checked that
 * the saved plan is still true of the bucket (a change before that refuses the whole plan,
 * see apply-saved-plan-alone.test.ts) and before its writes land, another client (the AWS
 * CLI) writes or deletes objects: the proxy holds putplan's first conditional write until
 * the other client is done. Apply sends
 * `If-Match: <planned ETag>` on updates and `If-None-Match: *` on creates, so each of
 * those objects is reported as a conflict (exit 1) and the bucket keeps the other
 * client's bytes, while the objects nobody touched are written as planned. Runs through
 * the S3-behaviour proxy, so the SSE-KMS object's ETag is not its MD5 and the condition
 * carries the ETag S3 gave, not one putplan could compute.
 *
 * moto 5.2 ignores If-Match on CompleteMultipartUpload (it honours If-None-Match there,
 * and both on PutObject), so a multipart update raced by another client overwrites it on
 * moto; S3 answers 412. That test asserts moto's defect and that putplan did send the
 * condition on CompleteMultipartUpload.
 */
import { randomBytes } from 'node:crypto'
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, listKeys, sha256, type ApplyRun } from '../support/apply-workspace.js'
import { runAws, type AwsTarget } from '../support/aws-cli.js'
import { awsEnv, createBucket, createKmsKey, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, parsePlanJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const bucket = 'race'
const MiB = 1024 * 1024

let server: MotoServer
let proxy: S3Proxy
let target: AwsTarget
let s3: S3Client
let ws: Workspace
let env: Record<string, string>
let kmsArn: string
let applied: ApplyRun
const ours = (name: string) => `ours: ${name}\n`
const theirs = (name: string) => `theirs: ${name}\n`
const big = randomBytes(17 * MiB)

async function aws(args: string[]): Promise<void> {
  const result = await runAws(target, args, { cwd: ws.dir })
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
}

async function putTheirs(key: string, extra: string[] = []): Promise<void> {
  await ws.write(`theirs/${key}`, theirs(key))
  await aws(['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', `theirs/${key}`, ...extra])
}

/** The object's content as text, or its size and SHA-256 when it is not short text. */
async function text(key: string): Promise<string> {
  const bytes = await getBytes(s3, { Bucket: bucket, Key: key })
  return bytes.length < 200 ? bytes.toString('utf8') : `${bytes.length} bytes, sha256 ${sha256(bytes)}`
}

/**
 * Keys and what happens to them between plan and apply:
 * - updated-by-them, kms-updated-by-them, multipart-updated-by-them: planned update; the other client rewrites it.
 * - deleted-by-them: planned update; the other client deletes it.
 * - same-bytes-by-them: planned update; the other client writes our bytes, with another Content-Type.
 * - created-by-them, multipart-created-by-them: planned create; the other client creates it first.
 * - create-only-by-them: create-only entry (ifNoneMatch), planned create; the other client creates it first.
 * - update-ok, kms-update-ok, create-ok: nobody touches them: written as planned.
 */
const UPDATES = ['updated-by-them', 'kms-updated-by-them', 'multipart-updated-by-them', 'deleted-by-them', 'same-bytes-by-them', 'update-ok', 'kms-update-ok']
const CREATES = ['created-by-them', 'create-only-by-them', 'multipart-created-by-them', 'create-ok']
let plannedEtags: Record<string, string | undefined>

beforeAll(async () => {
  server = await startMoto()
  proxy = await startS3Proxy(server.endpoint, { credentials: server.credentials, beforeConditionalWrite: () => otherClient() })
  target = { ...server, endpoint: proxy.endpoint }
  s3 = s3Client(target)
  env = awsEnv(target)
  await createBucket(server, bucket)
  kmsArn = (await createKmsKey(server)).arn
  ws = await makeWorkspace('putplan-apply-')
  for (const name of [...UPDATES, ...CREATES]) await ws.write(`files/${name}`, name.startsWith('multipart') ? big : ours(name))
  const kms = (name: string) => (name.startsWith('kms') ? { serverSideEncryption: 'aws:kms', ssekmsKeyId: kmsArn } : {})
  await ws.manifest({
    version: 1,
    bucket,
    uploads: [...UPDATES, ...CREATES].map((name) => ({
      source: `files/${name}`,
      key: name,
      contentType: 'text/plain',
      ...kms(name),
      ...(name === 'create-only-by-them' ? { ifNoneMatch: '*' } : {}),
    })),
  })
  // What the bucket holds when planning: an older version of each object to update.
  await Promise.all(
    UPDATES.map((name) =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: name,
          Body: `old: ${name}\n`,
          ContentType: 'text/plain',
          ...(name.startsWith('kms') ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsArn } : {}),
        }),
      ),
    ),
  )

  const planned = await runPutplan(['plan', '--format', 'json', '--out', 'plan.json'], { cwd: ws.dir, env })
  const planDocument = parsePlanJson(planned)
  plannedEtags = Object.fromEntries(planDocument.actions.map((a) => [a.key, a.remoteEtag]))
  const plan = verdicts(planDocument)
  const expected = Object.fromEntries([...UPDATES.map((k) => [k, 'update']), ...CREATES.map((k) => [k, 'create'])])
  expect(Object.fromEntries(Object.entries(plan).map(([k, v]) => [k, v.action])), planned.stderr).toEqual(expected)

  applied = await applyJson(ws, env, ['plan.json', '--debug'])
}, 180_000)

/** The other client (the AWS CLI), after apply's checks and before its writes. */
async function otherClient(): Promise<void> {
  await Promise.all([
    putTheirs('updated-by-them', ['--content-type', 'text/plain']),
    putTheirs('kms-updated-by-them', ['--server-side-encryption', 'aws:kms', '--ssekms-key-id', kmsArn, '--content-type', 'text/plain']),
    putTheirs('multipart-updated-by-them'),
    aws(['s3api', 'delete-object', '--bucket', bucket, '--key', 'deleted-by-them']),
    aws(['s3api', 'put-object', '--bucket', bucket, '--key', 'same-bytes-by-them', '--body', 'files/same-bytes-by-them', '--content-type', 'application/x-theirs']),
    putTheirs('created-by-them'),
    putTheirs('create-only-by-them'),
    putTheirs('multipart-created-by-them'),
  ])
}

afterAll(async () => {
  s3?.destroy()
  await ws?.remove()
  await proxy?.stop()
  await server?.stop()
})

describe('apply plan.json while another client changes the bucket', () => {
  it('exits 1 and reports each object the other client touched as a conflict, the rest as written', () => {
    const { result, report } = applied
    expect(result.code, result.stderr).toBe(1)
    const got = Object.fromEntries(report.items.map((i) => [i.key, { outcome: i.outcome, reason: i.reason }]))
    expect(got).toEqual({
      'create-ok': { outcome: 'created', reason: undefined },
      'create-only-by-them': { outcome: 'conflict', reason: 'created by someone else since the plan' },
      'created-by-them': { outcome: 'conflict', reason: 'created by someone else since the plan' },
      'deleted-by-them': { outcome: 'conflict', reason: 'deleted from the bucket since the plan' },
      'kms-update-ok': { outcome: 'updated', reason: undefined },
      'kms-updated-by-them': { outcome: 'conflict', reason: 'changed in the bucket since the plan' },
      'multipart-created-by-them': { outcome: 'conflict', reason: 'created by someone else since the plan' },
      'multipart-updated-by-them': { outcome: 'updated', reason: undefined }, // moto: see below
      'same-bytes-by-them': { outcome: 'conflict', reason: 'changed in the bucket since the plan' },
      'update-ok': { outcome: 'updated', reason: undefined },
      'updated-by-them': { outcome: 'conflict', reason: 'changed in the bucket since the plan' },
    })
    expect(report.summary).toEqual({ created: 1, updated: 3, repaired: 0, deleted: 0, unchanged: 0, conflict: 7, failed: 0, skipped: 0 })
    expect(report.orphanedUploads).toEqual([])
  })

  it("keeps the other client's bytes (and headers) in every conflicting object, and does not recreate the deleted one", async () => {
    for (const key of ['updated-by-them', 'kms-updated-by-them', 'created-by-them', 'create-only-by-them', 'multipart-created-by-them']) {
      expect(await text(key), key).toBe(theirs(key))
    }
    expect(await listKeys(s3, bucket)).not.toContain('deleted-by-them')
    const sameBytes = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'same-bytes-by-them' }))
    expect(sameBytes.ContentType).toBe('application/x-theirs')
  })

  it('wrote the objects nobody else touched', async () => {
    for (const key of ['update-ok', 'kms-update-ok', 'create-ok']) expect(await text(key), key).toBe(ours(key))
  })

  it('moto cannot serve: it ignores If-Match on CompleteMultipartUpload, which putplan sends (S3 answers 412)', async () => {
    const etag = plannedEtags['multipart-updated-by-them']
    expect(etag).toMatch(/^[0-9a-f]{32}$/)
    const complete = applied.result.stderr.split('\n').filter((line) => /-> CompleteMultipartUpload .*\/race\/multipart-updated-by-them\?uploadId=/.test(line))
    expect(complete).toHaveLength(1)
    expect(complete[0]).toContain(`"if-match":"\\"${etag}\\""`)
    // The other client's write is lost on moto only.
    expect(await text('multipart-updated-by-them')).toBe(`${big.length} bytes, sha256 ${sha256(big)}`)
  })

  // After the 412 the object holds the planned bytes, but with the other client's headers:
  // its write, not ours (an earlier attempt of ours would carry the manifest's headers).
  it('an update raced by another client that wrote the same bytes with other headers is a conflict, not "updated"', () => {
    const item = applied.report.items.find((i) => i.key === 'same-bytes-by-them')
    expect(item).toMatchObject({ outcome: 'conflict', reason: 'changed in the bucket since the plan' })
  })

  it('a fresh apply then leaves the create-only object alone: a conflict in the plan, never overwritten', async () => {
    const { result, report } = await applyJson(ws, env, ['--auto-approve'])
    expect(result.code, result.stderr).toBe(1)
    const createOnly = report.items.find((i) => i.key === 'create-only-by-them')
    expect(createOnly).toMatchObject({ action: 'conflict', outcome: 'conflict', reason: 'create-only object already exists and its content differs' })
    expect(await text('create-only-by-them')).toBe(theirs('create-only-by-them'))
  })
})
