/**
 * The bucket's settings through the built CLI against moto (auth on): plan reads ownership,
 * Object Lock, default encryption and versioning once, shows them in every view, and
 * refuses before any write what the bucket would refuse halfway through an apply. moto
 * accepts ACLs on a BucketOwnerEnforced bucket (S3 does not), so the refusal is proved by
 * putplan sending no write at all: the bucket stays empty and `--debug` shows no PUT.
 */
import { PutBucketEncryptionCommand, PutBucketOwnershipControlsCommand } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { listKeys } from '../support/apply-workspace.js'
import { createBucket, createKmsKey } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { parsePlanJson, planJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-bucket-settings-')

async function site(bucket: string, entry: object): Promise<Workspace> {
  const ws = await suite.workspace()
  await ws.write('site/index.html', '<h1>hi</h1>\n')
  await ws.manifest({ version: 1, bucket, uploads: [{ source: 'site/index.html', key: 'index.html', ...entry }] })
  return ws
}

async function enforceOwner(bucket: string): Promise<void> {
  await suite.s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }))
}

function run(ws: Workspace, args: string[]) {
  return runPutplan(args, { cwd: ws.dir, env: suite.env })
}

describe('the plan header shows the bucket settings it used', () => {
  it('JSON, human and markdown; an unconfigured bucket says none and off', async () => {
    await createBucket(suite.server, 'facts-plain')
    const ws = await site('facts-plain', {})
    const { result, plan } = await planJson(ws, suite.env)
    expect(result.code, result.stderr).toBe(2)
    expect((plan as unknown as { bucketFacts: unknown }).bucketFacts).toEqual({ versioning: 'off', encryption: 'none', ownership: 'none', objectLock: 'off' })
    const human = await run(ws, ['plan'])
    expect(human.stdout).toContain('Bucket facts-plain: versioning off, default encryption none, ownership none, object lock off')
    const markdown = await run(ws, ['plan', '--format', 'markdown'])
    expect(markdown.stdout).toContain('Bucket settings: `versioning off, default encryption none, ownership none, object lock off`')
  })

  it('versioning, Object Lock, a KMS default with its bucket key and enforced ownership', async () => {
    await createBucket(suite.server, 'facts-set', { objectLock: true })
    await enforceOwner('facts-set')
    const key = await createKmsKey(suite.server)
    await suite.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'facts-set',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn }, BucketKeyEnabled: true }] },
      }),
    )
    const ws = await site('facts-set', {})
    const { plan } = await planJson(ws, suite.env)
    expect((plan as unknown as { bucketFacts: unknown }).bucketFacts).toEqual({
      versioning: 'Enabled',
      encryption: { algorithm: 'aws:kms', kmsKeyId: key.arn, bucketKeyEnabled: true },
      ownership: 'BucketOwnerEnforced',
      objectLock: 'Enabled',
    })
  })
})

describe('refused before any write', () => {
  it.each([
    ['a canned ACL', { acl: 'public-read' }],
    ['a grant', { grantRead: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' }],
  ])('%s on a BucketOwnerEnforced bucket: plan and apply exit 1 at the entry, no PUT sent', async (_what, entry) => {
    const bucket = `enforced-${Object.keys(entry)[0]!.toLowerCase()}`
    await createBucket(suite.server, bucket)
    await enforceOwner(bucket)
    const ws = await site(bucket, entry)
    const plan = await run(ws, ['plan'])
    expect(plan.code).toBe(1)
    expect(plan.stderr).toMatch(/uploads\.yaml:\d+:\d+: error\[bucket-refuses\]: uploads\[0\]: (acl|grantRead): the bucket's Object Ownership is BucketOwnerEnforced/)
    const apply = await run(ws, ['apply', '--auto-approve', '--debug'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('error[bucket-refuses]')
    expect(apply.stderr).toContain('-> HeadBucket #1 HEAD')
    expect(apply.stderr).not.toMatch(/-> \w+ #\d+ PUT/)
    expect(await listKeys(suite.s3, bucket)).toEqual([])
  })

  it('acl: bucket-owner-full-control alone is what such a bucket accepts', async () => {
    await createBucket(suite.server, 'enforced-full-control')
    await enforceOwner('enforced-full-control')
    const ws = await site('enforced-full-control', { acl: 'bucket-owner-full-control' })
    const apply = await run(ws, ['apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    expect(await listKeys(suite.s3, 'enforced-full-control')).toEqual(['index.html'])
  })

  it('Object Lock options on a bucket without Object Lock', async () => {
    await createBucket(suite.server, 'no-lock')
    const ws = await site('no-lock', { objectLockLegalHoldStatus: 'ON' })
    const apply = await run(ws, ['apply', '--auto-approve'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('uploads[0]: objectLockLegalHoldStatus: the bucket does not have Object Lock enabled')
    expect(await listKeys(suite.s3, 'no-lock')).toEqual([])
  })

  it('a saved plan is checked again against the settings when applied: ownership enforced since is refused', async () => {
    await createBucket(suite.server, 'enforced-later')
    const ws = await site('enforced-later', { acl: 'public-read' })
    const plan = await run(ws, ['plan', '--out', 'plan.json'])
    expect(plan.code, plan.stderr).toBe(0)
    await enforceOwner('enforced-later')
    const apply = await run(ws, ['apply', 'plan.json'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('error[bucket-refuses]')
    expect(await listKeys(suite.s3, 'enforced-later')).toEqual([])
  })
})

describe('warned, not refused', () => {
  it('ssekmsKeyId other than the bucket default key with its bucket key, bucketKeyEnabled declared: a warning in every view, apply works', async () => {
    await createBucket(suite.server, 'kms-default')
    const [bucketKey, objectKey] = [await createKmsKey(suite.server), await createKmsKey(suite.server)]
    await suite.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'kms-default',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: bucketKey.keyId }, BucketKeyEnabled: true }] },
      }),
    )
    const ws = await site('kms-default', { serverSideEncryption: 'aws:kms', ssekmsKeyId: objectKey.keyId, bucketKeyEnabled: true })
    const json = await run(ws, ['plan', '--format', 'json'])
    expect(json.code, json.stderr).toBe(0)
    const warnings = (parsePlanJson(json) as unknown as { warnings: string[] }).warnings
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`ssekmsKeyId ${objectKey.keyId} differs from the bucket's default key ${bucketKey.keyId}`)
    expect((await run(ws, ['plan'])).stdout).toContain(`Warning: uploads[0] (line `)
    const apply = await run(ws, ['apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    expect(await listKeys(suite.s3, 'kms-default')).toEqual(['index.html'])
  })
})
