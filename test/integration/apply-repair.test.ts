/**
 * Repair in place, through the built CLI against moto: when only options drift, apply
 * fixes them without sending the bytes again, by CopyObject of the object onto itself or,
 * for tags, ACLs, retention and legal hold, by their own calls.
 *
 * The CLI talks to a fault proxy (here only counting requests and the bodies that reach
 * moto), in front of the S3 behaviour proxy, in front of moto: moto ignores
 * `x-amz-copy-source-if-match` and stores a CRC32 as the CRC64NVME of a copy, and the
 * behaviour proxy restores S3's answers (test/support/s3-copy-source.ts). The AWS CLI and
 * the AWS SDK check the bucket independently, through the behaviour proxy.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { GetObjectLegalHoldCommand, GetObjectTaggingCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { executePlan, type ApplyReport } from '../../src/apply/index.js'
import { loadManifest } from '../../src/manifest/index.js'
import { S3Client as PutplanS3Client, resolveS3Config } from '../../src/s3/index.js'
import { createSigner } from '../../src/s3/request-signer.js'
import { makePlan } from '../../src/workflow/make-plan.js'
import { applyJson, getBytes, outcomes, sha256, type ApplyRun } from '../support/apply-workspace.js'
import { runAws, runAwsJson, type AwsTarget } from '../support/aws-cli.js'
import { startFaultProxy, type FaultProxy, type FaultStats } from '../support/fault-proxy.js'
import { awsEnv, createBucket, createKmsKey, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, planJson, verdicts, type PlanRun, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'
import { checksumOf } from '../support/s3-digests.js'

const MiB = 1024 * 1024
const SMALL = Array.from({ length: 40 }, (_, i) => `assets/a${String(i).padStart(2, '0')}.css`)
const BIG = 'media/big.bin'
const KEYS = [...SMALL, BIG].sort()
const STATE_KEY = '.putplan/state.json'

let server: MotoServer
let behaviour: S3Proxy
let counting: FaultProxy
/** Where the AWS CLI and the SDK look: the behaviour proxy, which answers as S3 would. */
let target: AwsTarget
let s3: S3Client
/** The CLI's environment: through the counting proxy. */
let env: Record<string, string>
const workspaces: Workspace[] = []

beforeAll(async () => {
  server = await startMoto()
  behaviour = await startS3Proxy(server.endpoint, { credentials: server.credentials })
  counting = await startFaultProxy(behaviour.endpoint)
  target = { ...server, endpoint: behaviour.endpoint }
  s3 = s3Client(target)
  env = awsEnv({ ...server, endpoint: counting.endpoint })
}, 60_000)

afterAll(async () => {
  s3?.destroy()
  await Promise.all(workspaces.map((ws) => ws.remove()))
  await counting?.stop()
  await behaviour?.stop()
  await server?.stop()
})

async function workspace(): Promise<Workspace> {
  const ws = await makeWorkspace('putplan-repair-')
  workspaces.push(ws)
  return ws
}

async function aws(args: string[]): Promise<void> {
  const result = await runAws(target, args)
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
}

type CountedRun = ApplyRun & { stats: FaultStats }

/** `putplan apply` with what the counting proxy saw of that run alone. */
async function applyCounted(ws: Workspace, args: readonly string[]): Promise<CountedRun> {
  counting.setFaults({})
  const run = await applyJson(ws, env, args)
  return { ...run, stats: counting.stats() }
}

/** Requests that change the bucket (every method but GET and HEAD), by operation. */
function writes(stats: FaultStats): Record<string, number> {
  const reads = new Set(['HeadObject', 'GetObject', 'ObjectSubresource', 'ListObjectsV2', 'ListMultipartUploads', 'HeadBucket', 'GetBucketSettings'])
  return Object.fromEntries(Object.entries(stats.byOperation).filter(([operation]) => !reads.has(operation)))
}

/** The bodies of PutObject and UploadPart requests that reached moto for the objects (the state record's aside). */
function objectBodies(stats: FaultStats, bucket: string): FaultStats['bodies'] {
  return stats.bodies.filter((body) => (body.operation === 'PutObject' || body.operation === 'UploadPart') && body.path !== `/${bucket}/${STATE_KEY}`)
}

async function tagsOf(bucket: string, key: string): Promise<Record<string, string>> {
  const { TagSet = [] } = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))
  return Object.fromEntries(TagSet.map((tag) => [tag.Key, tag.Value]))
}

function planned(run: PlanRun): Record<string, { action: string; repairs?: string[] }> {
  return Object.fromEntries(run.plan.actions.map((a) => [a.key, { action: a.action, ...((a as { repairs?: string[] }).repairs && { repairs: (a as { repairs?: string[] }).repairs }) }]))
}

const every = <T>(keys: readonly string[], value: T): Record<string, T> => Object.fromEntries(keys.map((key) => [key, value]))

describe('site: 40 small objects and one of 9 MiB, tagged, with a state record', () => {
  const bucket = 'repair-site'
  let ws: Workspace
  const files = new Map<string, Buffer>()
  const manifest = (extra: Record<string, unknown> = {}) =>
    ws.manifest({
      version: 1,
      bucket,
      state: { key: STATE_KEY },
      variables: { CACHE: {} },
      uploads: [{ source: 'site/**', root: 'site', cacheControl: '${CACHE}', tagging: { team: 'web' }, ...extra }],
    })
  const vars = (cache: string) => ['--var', `CACHE=${cache}`]

  beforeAll(async () => {
    await createBucket(server, bucket)
    ws = await workspace()
    for (const key of SMALL) files.set(key, randomBytes(200 + SMALL.indexOf(key)))
    files.set(BIG, randomBytes(9 * MiB))
    for (const [key, bytes] of files) await ws.write(`site/${key}`, bytes)
    await manifest()
    const first = await applyJson(ws, env, ['--auto-approve', ...vars('max-age=60')])
    expect(first.report.summary.created, first.result.stderr).toBe(KEYS.length)
  }, 120_000)

  describe('a Cache-Control change', () => {
    let plan: PlanRun
    let applied: CountedRun

    beforeAll(async () => {
      plan = await planJson(ws, env, vars('no-cache'))
      applied = await applyCounted(ws, ['--auto-approve', ...vars('no-cache')])
    }, 120_000)

    it('is planned as a repair by copy of each object, with its reason (exit 2)', () => {
      expect(plan.result.code, plan.result.stderr).toBe(2)
      expect(planned(plan)).toEqual(every(KEYS, { action: 'repair', repairs: ['copy'] }))
      expect(verdicts(plan.plan)[BIG]?.reasons).toEqual(['cacheControl: "max-age=60" -> "no-cache"'])
      expect(plan.plan.summary).toMatchObject({ repair: KEYS.length, update: 0, create: 0 })
    })

    it('sends no object bytes: one CopyObject per object, no PutObject or UploadPart but the state record’s', () => {
      expect(applied.result.code, applied.result.stderr).toBe(0)
      expect(objectBodies(applied.stats, bucket)).toEqual([])
      expect(applied.stats.bodies.map((body) => body.path)).toEqual([`/${bucket}/${STATE_KEY}`])
      expect(writes(applied.stats)).toEqual({ CopyObject: KEYS.length, PutObject: 1 })
    })

    it('reports each object repaired by copy, with the copy’s ETag and LastModified, and 0 bytes uploaded', () => {
      expect(applied.report.summary).toMatchObject({ repaired: KEYS.length, created: 0, updated: 0, failed: 0, conflict: 0 })
      expect(applied.report.bytesUploaded).toBe(0)
      expect(outcomes(applied.report)).toEqual(every(KEYS, 'repaired'))
      for (const item of applied.report.items) expect(item).toMatchObject({ action: 'repair', repairs: ['copy'], bytes: 0, etag: expect.any(String), lastModified: expect.any(String) })
    })

    it('keeps the bytes, the tags and the CRC64NVME of each object (the AWS CLI, and the SDK for all)', async () => {
      const sample = [BIG, SMALL[0]!, SMALL[39]!]
      for (const key of sample) {
        const head = await runAwsJson<{ CacheControl?: string; ChecksumCRC64NVME?: string }>(target, ['s3api', 'head-object', '--bucket', bucket, '--key', key, '--checksum-mode', 'ENABLED'])
        expect(head, key).toMatchObject({ CacheControl: 'no-cache', ChecksumCRC64NVME: await checksumOf('crc64nvme', files.get(key)!) })
        const tagging = await runAwsJson<{ TagSet: { Key: string; Value: string }[] }>(target, ['s3api', 'get-object-tagging', '--bucket', bucket, '--key', key])
        expect(tagging.TagSet, key).toEqual([{ Key: 'team', Value: 'web' }])
      }
      const got = await runAws(target, ['s3api', 'get-object', '--bucket', bucket, '--key', BIG, ws.path('big.out')])
      expect(got.code, got.stderr).toBe(0)
      expect(sha256(await readFile(ws.path('big.out')))).toBe(sha256(files.get(BIG)!))
      for (const key of KEYS) {
        expect(sha256(await getBytes(s3, { Bucket: bucket, Key: key })), key).toBe(sha256(files.get(key)!))
        expect(await tagsOf(bucket, key), key).toEqual({ team: 'web' })
      }
    })

    it('updates the state record from the copies’ answers', async () => {
      const record = JSON.parse((await getBytes(s3, { Bucket: bucket, Key: STATE_KEY })).toString('utf8')) as { objects: Record<string, { etag: string; lastModified: string; headers: { cacheControl?: string } }> }
      for (const item of applied.report.items) {
        const recorded = record.objects[item.key]
        expect(recorded, item.key).toMatchObject({ etag: item.etag, headers: { cacheControl: 'no-cache' } })
        expect(Math.floor(Date.parse(recorded!.lastModified) / 1000)).toBe(Math.floor(Date.parse(item.lastModified!) / 1000))
      }
    })

    it('leaves nothing to do: the next plan is empty, by the record and by HeadObject alike', async () => {
      for (const extra of [[], ['--refresh']]) {
        const again = await planJson(ws, env, [...vars('no-cache'), ...extra])
        expect(again.result.code, `${extra.join(' ')}\n${again.result.stderr}\n${JSON.stringify(verdicts(again.plan), null, 1)}`).toBe(0)
        expect(again.plan.summary).toMatchObject({ unchanged: KEYS.length, repair: 0, update: 0 })
      }
    })
  })

  describe('a tag-only change', () => {
    let applied: CountedRun

    beforeAll(async () => {
      await manifest({ tagging: { team: 'ops', 'cost centre': 'a+b' } })
      applied = await applyCounted(ws, ['--auto-approve', ...vars('no-cache')])
    }, 120_000)

    it('makes only PutObjectTagging calls, one per object', () => {
      expect(applied.result.code, applied.result.stderr).toBe(0)
      expect(writes(applied.stats)).toEqual({ PutObjectTagging: KEYS.length })
      expect(outcomes(applied.report)).toEqual(every(KEYS, 'repaired'))
      expect(applied.report.items.every((item) => item.repairs?.join() === 'tagging' && item.etag === undefined)).toBe(true)
    })

    it('sets the tags (the AWS CLI) and leaves nothing to do', async () => {
      const tagging = await runAwsJson<{ TagSet: { Key: string; Value: string }[] }>(target, ['s3api', 'get-object-tagging', '--bucket', bucket, '--key', BIG])
      expect(tagging.TagSet.sort((a, b) => (a.Key < b.Key ? -1 : 1))).toEqual([
        { Key: 'cost centre', Value: 'a+b' },
        { Key: 'team', Value: 'ops' },
      ])
      for (const key of KEYS) expect(await tagsOf(bucket, key), key).toEqual({ team: 'ops', 'cost centre': 'a+b' })
      const again = await planJson(ws, env, vars('no-cache'))
      expect(again.result.code, again.result.stderr).toBe(0)
    })
  })

  describe('an ACL-only change', () => {
    let applied: CountedRun

    beforeAll(async () => {
      await manifest({ tagging: { team: 'ops', 'cost centre': 'a+b' }, acl: 'public-read' })
      applied = await applyCounted(ws, ['--auto-approve', ...vars('no-cache')])
    }, 120_000)

    it('makes only PutObjectAcl calls, one per object', () => {
      expect(applied.result.code, applied.result.stderr).toBe(0)
      expect(writes(applied.stats)).toEqual({ PutObjectAcl: KEYS.length })
      expect(applied.report.items.every((item) => item.outcome === 'repaired' && item.repairs?.join() === 'acl')).toBe(true)
    })

    it('sets the ACL (the AWS CLI) and leaves nothing to do', async () => {
      const acl = await runAwsJson<{ Grants: { Grantee: { URI?: string }; Permission: string }[] }>(target, ['s3api', 'get-object-acl', '--bucket', bucket, '--key', SMALL[3]!])
      expect(acl.Grants).toContainEqual(expect.objectContaining({ Grantee: expect.objectContaining({ URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }), Permission: 'READ' }))
      const again = await planJson(ws, env, vars('no-cache'))
      expect(again.result.code, again.result.stderr).toBe(0)
    })
  })

  describe('a copy raced by another writer', () => {
    const raced = SMALL[7]!
    const theirs = Buffer.from('/* theirs */\n')
    let applied: ApplyRun

    beforeAll(async () => {
      const saved = await runPutplan(['plan', '--out', 'plan.json', ...vars('max-age=5')], { cwd: ws.dir, env })
      expect(saved.code, saved.stderr).toBe(0)
      // Between the plan and the apply, another client rewrites one object.
      await ws.write('theirs.css', theirs)
      await aws(['s3api', 'put-object', '--bucket', bucket, '--key', raced, '--body', ws.path('theirs.css'), '--content-type', 'text/css'])
      applied = await applyJson(ws, env, ['plan.json', ...vars('max-age=5')])
    }, 120_000)

    it('is a conflict (exit 1); every other object is repaired', () => {
      expect(applied.result.code, applied.result.stderr).toBe(1)
      expect(outcomes(applied.report)).toEqual({ ...every(KEYS, 'repaired'), [raced]: 'conflict' })
      expect(applied.report.items.find((item) => item.key === raced)?.reason).toBe('changed in the bucket since the plan')
    })

    it('keeps the other writer’s object as it wrote it', async () => {
      expect(await getBytes(s3, { Bucket: bucket, Key: raced })).toEqual(theirs)
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: raced }))
      expect(head.CacheControl).toBeUndefined()
      expect(head.ContentType).toBe('text/css')
    })
  })
})

describe('create-only objects and encrypted objects', () => {
  const bucket = 'repair-enc'
  const key = randomBytes(32).toString('base64')
  const release = Buffer.from('release 1.0\n')
  let ws: Workspace
  let kmsArn: string
  const run = (cache: string) => ['--var', `CACHE=${cache}`, '--var', `SSEC_KEY=${key}`]

  beforeAll(async () => {
    await createBucket(server, bucket)
    kmsArn = (await createKmsKey(server)).arn
    ws = await workspace()
    await ws.write('kms.txt', 'kms\n')
    await ws.write('ssec.txt', 'ssec\n')
    await ws.write('release.txt', release)
    await ws.manifest({
      version: 1,
      bucket,
      variables: { CACHE: {}, SSEC_KEY: { secret: true } },
      defaults: { cacheControl: '${CACHE}' },
      uploads: [
        { source: 'kms.txt', key: 'kms.txt', serverSideEncryption: 'aws:kms', ssekmsKeyId: kmsArn },
        { source: 'ssec.txt', key: 'ssec.txt', sseCustomerKey: '${SSEC_KEY}' },
        { source: 'release.txt', key: 'releases/1.0/release.txt', ifNoneMatch: '*' },
      ],
    })
    const first = await applyJson(ws, env, ['--auto-approve', ...run('max-age=60')])
    expect(first.report.summary.created, first.result.stderr).toBe(3)
  }, 120_000)

  it('a create-only object with the same bytes and other options is a repair the plan shows, never a silent unchanged', async () => {
    const human = await runPutplan(['plan', ...run('no-cache')], { cwd: ws.dir, env })
    expect(human.stdout).toContain('  * releases/1.0/release.txt  12 B  from release.txt\n      cacheControl: "max-age=60" -> "no-cache"\n      in place: CopyObject onto itself, tags kept\n')
    const plan = await planJson(ws, env, run('no-cache'))
    expect(planned(plan)).toEqual(every(['kms.txt', 'releases/1.0/release.txt', 'ssec.txt'], { action: 'repair', repairs: ['copy'] }))
  })

  it('repairs SSE-KMS, SSE-C and create-only objects in place, keeping their bytes, and plans nothing after', async () => {
    const applied = await applyCounted(ws, ['--auto-approve', ...run('no-cache')])
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(outcomes(applied.report)).toEqual(every(['kms.txt', 'releases/1.0/release.txt', 'ssec.txt'], 'repaired'))
    expect(writes(applied.stats)).toEqual({ CopyObject: 3 })
    const sseC = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key, SSECustomerKeyMD5: createHash('md5').update(Buffer.from(key, 'base64')).digest('base64') }
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'ssec.txt', ...sseC }))
    expect(head.CacheControl).toBe('no-cache')
    expect(await getBytes(s3, { Bucket: bucket, Key: 'ssec.txt', ...sseC })).toEqual(Buffer.from('ssec\n'))
    const kms = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'kms.txt' }))
    expect(kms).toMatchObject({ CacheControl: 'no-cache', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsArn })
    expect(await getBytes(s3, { Bucket: bucket, Key: 'releases/1.0/release.txt' })).toEqual(release)
    const again = await planJson(ws, env, run('no-cache'))
    expect(again.result.code, JSON.stringify(verdicts(again.plan))).toBe(0)
  })
})

describe('objects S3 cannot copy: an archived storage class', () => {
  const bucket = 'repair-archive'
  let ws: Workspace
  const manifest = (cache: string) =>
    ws.manifest({
      version: 1,
      bucket,
      defaults: { storageClass: 'GLACIER', cacheControl: cache },
      uploads: [
        { source: 'a.txt', key: 'archive/a.txt' },
        { source: 'a.txt', key: 'releases/a.txt', ifNoneMatch: '*' },
      ],
    })

  beforeAll(async () => {
    await createBucket(server, bucket)
    ws = await workspace()
    await ws.write('a.txt', 'archived\n')
    await manifest('max-age=60')
    const first = await applyJson(ws, env)
    expect(first.report.summary.created, first.result.stderr).toBe(2)
  }, 60_000)

  it('plans an upload, saying why, and for a create-only object a conflict with the reasons', async () => {
    await manifest('no-cache')
    const plan = await planJson(ws, env)
    const why = 'cacheControl cannot be repaired in place: the object is in GLACIER, which S3 copies only once it is restored'
    expect(verdicts(plan.plan)).toEqual({
      'archive/a.txt': { action: 'update', reasons: ['cacheControl: "max-age=60" -> "no-cache"', why] },
      'releases/a.txt': {
        action: 'conflict',
        reasons: ['create-only object already exists with the same content, but only an upload could fix its options', 'cacheControl: "max-age=60" -> "no-cache"', why],
      },
    })
    expect(plan.result.code).toBe(1)
  })

  it('the copy it avoids is one S3 refuses (ObjectNotInActiveTierError), as moto does', async () => {
    const copy = await runAws(target, ['s3api', 'copy-object', '--bucket', bucket, '--key', 'archive/a.txt', '--copy-source', `${bucket}/archive/a.txt`, '--metadata-directive', 'REPLACE', '--cache-control', 'no-cache'])
    expect(copy.stderr).toContain('ObjectNotInActiveTierError')
  })
})

describe('an object above the copy threshold, copied in parts (the threshold lowered to 5 MiB)', () => {
  const bucket = 'repair-parts'
  const bytes = randomBytes(12 * MiB)
  let ws: Workspace
  let report: ApplyReport
  let stats: FaultStats
  const manifest = (cache: string) => ws.manifest({ version: 1, bucket, uploads: [{ source: 'big.bin', key: 'big.bin', cacheControl: cache, tagging: { team: 'web' } }] })

  beforeAll(async () => {
    await createBucket(server, bucket)
    ws = await workspace()
    await ws.write('big.bin', bytes)
    await manifest('max-age=60')
    const first = await applyJson(ws, env)
    expect(first.report.summary.created, first.result.stderr).toBe(1)
    await manifest('no-cache')
    // The workflow and the S3 client as the CLI runs them, with the copy policy injected.
    const store = new PutplanS3Client(resolveS3Config({ bucket, endpoint: counting.endpoint, region: server.region }, {}), { signer: createSigner(server.credentials) })
    try {
      const loaded = await loadManifest({ file: ws.path('uploads.yaml'), vars: {}, env: {} })
      const { plan } = await makePlan(loaded, store, { concurrency: 4 })
      expect(plan.items.map((item) => [item.key, item.action])).toEqual([['big.bin', 'repair']])
      counting.setFaults({})
      report = await executePlan(plan, { store, baseDir: ws.dir, concurrency: 4, copy: { threshold: 5 * MiB, partSize: 5 * MiB } })
      stats = counting.stats()
    } finally {
      await store.close()
    }
  }, 120_000)

  it('copies it with UploadPartCopy, sending no bytes', () => {
    expect(report.items).toEqual([expect.objectContaining({ key: 'big.bin', outcome: 'repaired', repairs: ['copy'], bytes: 0, etag: expect.stringMatching(/-3$/) })])
    expect(writes(stats)).toEqual({ CreateMultipartUpload: 1, UploadPartCopy: 3, CompleteMultipartUpload: 1 })
    expect(objectBodies(stats, bucket)).toEqual([])
  })

  it('keeps its bytes and tags, stores the new Cache-Control, and leaves nothing to do', async () => {
    expect(sha256(await getBytes(s3, { Bucket: bucket, Key: 'big.bin' }))).toBe(sha256(bytes))
    expect(await tagsOf(bucket, 'big.bin')).toEqual({ team: 'web' })
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }))).CacheControl).toBe('no-cache')
    const again = await planJson(ws, env)
    expect(again.result.code, JSON.stringify(verdicts(again.plan))).toBe(0)
  })
})

describe('retention and legal hold, in a bucket with Object Lock', () => {
  const bucket = 'repair-lock'
  let ws: Workspace
  const until = (days: number) => new Date(Math.floor((Date.now() + days * 24 * 3600 * 1000) / 1000) * 1000).toISOString()
  const manifest = (lock: Record<string, string>) =>
    ws.manifest({ version: 1, bucket, uploads: [{ source: 'report.txt', key: 'report.txt', contentType: 'text/plain', objectLockMode: 'GOVERNANCE', ...lock }] })

  beforeAll(async () => {
    await createBucket(server, bucket, { objectLock: true })
    ws = await workspace()
    await ws.write('report.txt', 'report\n')
    await manifest({ objectLockRetainUntilDate: until(2), objectLockLegalHoldStatus: 'OFF' })
    const first = await applyJson(ws, env)
    expect(first.report.summary.created, first.result.stderr).toBe(1)
  }, 60_000)

  it('extends the retention and sets the legal hold with their own calls alone, and plans nothing after', async () => {
    const later = until(5)
    await manifest({ objectLockRetainUntilDate: later, objectLockLegalHoldStatus: 'ON' })
    const plan = await planJson(ws, env)
    expect(planned(plan)).toEqual({ 'report.txt': { action: 'repair', repairs: ['retention', 'legal-hold'] } })
    const applied = await applyCounted(ws, ['--auto-approve'])
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(writes(applied.stats)).toEqual({ PutObjectRetention: 1, PutObjectLegalHold: 1 })
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'report.txt' }))
    expect(head.ObjectLockRetainUntilDate?.toISOString()).toBe(later)
    expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'report.txt' }))).LegalHold?.Status).toBe('ON')
    const again = await planJson(ws, env)
    expect(again.result.code, JSON.stringify(verdicts(again.plan))).toBe(0)
  })
})
