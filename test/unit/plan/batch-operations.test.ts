/**
 * `plan --emit-batch-operations`: the jobs made from a plan of 10,000 repairs (computed by
 * the real diff from synthetic facts) checked against the documented formats: each CreateJob
 * request against a JSON Schema of the s3control CreateJob request written here from the API
 * reference (Operation S3PutObjectCopy / S3PutObjectTagging, Manifest with JobManifestSpec
 * S3BatchOperations_CSV_20180820, Report, Priority, RoleArn, ...), and each CSV manifest
 * parsed back: `bucket,key` rows, keys URL-encoded. Then which repairs no job may make.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import {
  BATCH_COPY_MAX_BYTES,
  batchFiles,
  batchOperations,
  computePlan,
  encodeManifestKey,
  PLACEHOLDERS,
  type Plan,
  type PlanItem,
  type RepairItem,
} from '../../../src/plan/index.js'
import { bytes, factsFor, uploadedObject } from './builders.js'

const addFormats = addFormatsModule.default
const BUCKET = 'example-site'
const PLAN_ID = '0123456789abcdef0123456789abcdef'

const string1024 = { type: 'string', minLength: 1, maxLength: 1024 }
const tag = { type: 'object', required: ['Key', 'Value'], additionalProperties: false, properties: { Key: string1024, Value: { type: 'string', maxLength: 1024 } } }
const tagSet = { type: 'array', items: tag }

/** The CreateJob request (s3control 2018-08-20) as far as putplan fills it, from the API reference. */
const CREATE_JOB_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['AccountId', 'Operation', 'Report', 'ClientRequestToken', 'Priority', 'RoleArn', 'Manifest'],
  additionalProperties: false,
  properties: {
    AccountId: { type: 'string', maxLength: 64 },
    ConfirmationRequired: { type: 'boolean' },
    ClientRequestToken: { type: 'string', minLength: 1, maxLength: 64 },
    Description: { type: 'string', minLength: 1, maxLength: 256 },
    Priority: { type: 'integer', minimum: 0, maximum: 2147483647 },
    RoleArn: { type: 'string', minLength: 1, maxLength: 2048 },
    Report: {
      type: 'object',
      required: ['Enabled'],
      additionalProperties: false,
      properties: {
        Bucket: { type: 'string', minLength: 1, maxLength: 128 },
        Format: { enum: ['Report_CSV_20180820'] },
        Enabled: { type: 'boolean' },
        Prefix: { type: 'string', minLength: 1, maxLength: 512 },
        ReportScope: { enum: ['AllTasks', 'FailedTasksOnly'] },
      },
    },
    Manifest: {
      type: 'object',
      required: ['Spec', 'Location'],
      additionalProperties: false,
      properties: {
        Spec: {
          type: 'object',
          required: ['Format'],
          additionalProperties: false,
          properties: {
            Format: { enum: ['S3BatchOperations_CSV_20180820', 'S3InventoryReport_CSV_20161130'] },
            Fields: { type: 'array', items: { enum: ['Ignore', 'Bucket', 'Key', 'VersionId'] } },
          },
        },
        Location: {
          type: 'object',
          required: ['ObjectArn', 'ETag'],
          additionalProperties: false,
          properties: { ObjectArn: { type: 'string', minLength: 1, maxLength: 2000 }, ETag: string1024, ObjectVersionId: string1024 },
        },
      },
    },
    Operation: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        S3PutObjectTagging: { type: 'object', additionalProperties: false, properties: { TagSet: tagSet } },
        S3PutObjectCopy: {
          type: 'object',
          additionalProperties: false,
          properties: {
            TargetResource: { type: 'string', minLength: 1, maxLength: 128, pattern: '^arn:[^:]+:s3:.*' },
            CannedAccessControlList: { enum: ['private', 'public-read', 'public-read-write', 'aws-exec-read', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control'] },
            AccessControlGrants: { type: 'array' },
            MetadataDirective: { enum: ['COPY', 'REPLACE'] },
            ModifiedSinceConstraint: { type: 'string', format: 'date-time' },
            NewObjectMetadata: {
              type: 'object',
              additionalProperties: false,
              properties: {
                CacheControl: string1024,
                ContentDisposition: string1024,
                ContentEncoding: string1024,
                ContentLanguage: string1024,
                UserMetadata: { type: 'object', maxProperties: 8192, additionalProperties: { type: 'string', maxLength: 1024 }, propertyNames: string1024 },
                ContentType: string1024,
                HttpExpiresDate: { type: 'string', format: 'date-time' },
                SSEAlgorithm: { enum: ['AES256', 'KMS'] },
              },
            },
            NewObjectTagging: tagSet,
            RedirectLocation: { type: 'string', minLength: 1, maxLength: 2048 },
            RequesterPays: { type: 'boolean' },
            StorageClass: { enum: ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER', 'INTELLIGENT_TIERING', 'DEEP_ARCHIVE', 'GLACIER_IR'] },
            UnModifiedSinceConstraint: { type: 'string', format: 'date-time' },
            SSEAwsKmsKeyId: { type: 'string', minLength: 1, maxLength: 2000 },
            TargetKeyPrefix: string1024,
            ObjectLockLegalHoldStatus: { enum: ['OFF', 'ON'] },
            ObjectLockMode: { enum: ['COMPLIANCE', 'GOVERNANCE'] },
            ObjectLockRetainUntilDate: { type: 'string', format: 'date-time' },
            BucketKeyEnabled: { type: 'boolean' },
            ChecksumAlgorithm: { enum: ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] },
          },
        },
      },
    },
  },
}

const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)
const validateCreateJob = ajv.compile(CREATE_JOB_SCHEMA)

/** Keys that a CSV row or a URL could trip on. */
const AWKWARD = ['a,b.html', 'space here.html', 'plus+sign.css', 'per%cent.js', 'café/ünï.html', 'tilde~.css', "quote'(x)*!.js", 'new\nline.html', 'hash#?.html']

const TYPES = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' } as const

/** 10,000 objects whose bytes are right and whose Cache-Control drifted: the real diff makes them repairs. */
function tenThousandRepairs(): Plan {
  const keys = [...Array.from({ length: 10_000 - AWKWARD.length }, (_, i) => `site/page-${i}.${(['html', 'css', 'js'] as const)[i % 3]}`), ...AWKWARD]
  const objects = keys.map((key, i) => {
    const data = bytes(24, i + 1)
    const contentType = TYPES[key.slice(key.lastIndexOf('.') + 1) as keyof typeof TYPES]
    const remote = uploadedObject(data, { contentType, cacheControl: 'max-age=60' })
    return factsFor(data, { key, options: { contentType, cacheControl: 'no-cache', checksumAlgorithm: 'CRC32' } }, { ...remote, headers: { ...remote.headers } }, { algorithms: ['CRC32', 'CRC64NVME'] })
  })
  return computePlan({ bucket: BUCKET, manifestDigest: 'd'.repeat(64), objects })
}

/** Rows of a CSV manifest, split on commas (a key's commas are encoded). */
function rows(csv: string): string[][] {
  expect(csv.endsWith('\n')).toBe(true)
  return csv
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split(','))
}

describe('a plan of 10,000 repairs as Batch Operations jobs', () => {
  const plan = tenThousandRepairs()
  const exported = batchOperations(plan)
  const files = new Map(batchFiles(exported, { bucket: BUCKET, planId: PLAN_ID }).map((file) => [file.name, file.text]))

  it('is 10,000 copies in place, one job per set of options (here one per Content-Type)', () => {
    expect(plan.summary.repair).toBe(10_000)
    expect(plan.items.every((item) => item.action === 'repair' && item.repairs.join() === 'copy')).toBe(true)
    expect(exported.left).toEqual([])
    expect(exported.jobs.map((job) => job.name)).toEqual(['copy-001', 'copy-002', 'copy-003'])
    expect(exported.jobs.reduce((sum, job) => sum + job.keys.length, 0)).toBe(10_000)
    const types = exported.jobs.map((job) => ('S3PutObjectCopy' in job.operation ? job.operation.S3PutObjectCopy.NewObjectMetadata.ContentType : undefined))
    expect(types.sort()).toEqual(Object.values(TYPES).sort())
  })

  it('writes CreateJob requests that match the API: S3PutObjectCopy with REPLACE, the CSV spec, placeholders for what only the user knows', () => {
    for (const job of exported.jobs) {
      const request = JSON.parse(files.get(`${job.name}.create-job.json`)!) as Record<string, any>
      expect(validateCreateJob(request), JSON.stringify(validateCreateJob.errors)).toBe(true)
      expect(request.Manifest.Spec).toEqual({ Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] })
      expect(request.Manifest.Location).toEqual({ ObjectArn: '<MANIFEST_OBJECT_ARN>', ETag: '<MANIFEST_ETAG>' })
      expect(request.AccountId).toBe(PLACEHOLDERS.AccountId)
      expect(request.RoleArn).toBe('<ROLE_ARN>')
      expect(request.Report).toMatchObject({ Bucket: '<REPORT_BUCKET_ARN>', Format: 'Report_CSV_20180820', Enabled: true, ReportScope: 'AllTasks' })
      expect(request.ConfirmationRequired).toBe(true)
      expect(request.ClientRequestToken).toBe(`putplan-${PLAN_ID}-${job.name}`)
      const copy = request.Operation.S3PutObjectCopy
      expect(copy).toMatchObject({ TargetResource: `arn:aws:s3:::${BUCKET}`, MetadataDirective: 'REPLACE', ChecksumAlgorithm: 'CRC32' })
      expect(copy.NewObjectMetadata.CacheControl).toBe('no-cache')
    }
  })

  it('the schema itself refuses what CreateJob would refuse', () => {
    const request = JSON.parse(files.get('copy-001.create-job.json')!) as Record<string, any>
    const broken = (change: (r: Record<string, any>) => void) => {
      const copy = structuredClone(request)
      change(copy)
      return validateCreateJob(copy)
    }
    expect(broken((r) => (r.Operation.S3PutObjectCopy.MetadataDirective = 'MERGE'))).toBe(false)
    expect(broken((r) => (r.Manifest.Spec.Fields = ['Bucket', 'Name']))).toBe(false)
    expect(broken((r) => (r.Operation.S3PutObjectCopy.StorageClass = 'REDUCED_REDUNDANCY'))).toBe(false)
    expect(broken((r) => (r.Operation.S3PutObjectCopy.NewObjectMetadata.SSEAlgorithm = 'aws:kms'))).toBe(false)
    expect(broken((r) => (r.Description = 'x'.repeat(257)))).toBe(false)
    expect(broken((r) => delete r.RoleArn)).toBe(false)
  })

  it('writes CSV manifests of bucket,key rows, every key URL-encoded, each planned key in exactly one job', () => {
    const all = exported.jobs.flatMap((job) => rows(files.get(`${job.name}.csv`)!))
    // One test over all rows: 10,000 expect calls would cost seconds.
    expect(all.filter((row) => row.length !== 2 || row[0] !== BUCKET || !/^[A-Za-z0-9\-_.~/%]+$/.test(row[1]!))).toEqual([])
    const seen = all.map((row) => decodeURIComponent(row[1]!))
    expect(seen.sort()).toEqual(plan.items.map((item) => item.key).sort())
    expect(new Set(seen).size).toBe(10_000)
  })

  it('encodes keys as the manifest format shows: spaces as %20, slashes kept', () => {
    expect(encodeManifestKey('object key with spaces')).toBe('object%20key%20with%20spaces')
    expect(encodeManifestKey('photos/jpgs/objectkey4')).toBe('photos/jpgs/objectkey4')
    expect(encodeManifestKey('a,b+c%d')).toBe('a%2Cb%2Bc%25d')
    expect(encodeManifestKey("é'(x)*!")).toBe('%C3%A9%27%28x%29%2A%21')
  })

  it('indexes the jobs in jobs.json and says in README.md what to fill, how to run, and that the jobs are not race-safe', () => {
    const index = JSON.parse(files.get('jobs.json')!) as { jobs: { name: string; objects: number }[]; left: unknown[] }
    expect(index.jobs.map((job) => job.objects).reduce((a, b) => a + b)).toBe(10_000)
    const readme = files.get('README.md')!
    expect(readme).toContain('aws s3control create-job --region REGION --cli-input-json file://NAME.create-job.json')
    expect(readme).toContain('## Not race-safe')
    expect(readme).toContain('MetadataDirective REPLACE')
    for (const placeholder of Object.values(PLACEHOLDERS)) expect(readme).toContain(placeholder)
  })
})

describe('what no job makes, left to apply with the reason', () => {
  const base = tenThousandRepairs().items[0] as RepairItem
  const repair = (key: string, change: Partial<RepairItem>): PlanItem => ({ ...base, key, ...change, options: { ...base.options, ...change.options } })
  const plan: Plan = {
    bucket: BUCKET,
    manifestDigest: 'd'.repeat(64),
    summary: { create: 0, update: 0, repair: 9, delete: 0, unchanged: 0, undecided: 0, conflict: 0 },
    items: [
      repair('big.bin', { size: BATCH_COPY_MAX_BYTES + 1 }),
      repair('exactly-5-gib.bin', { size: BATCH_COPY_MAX_BYTES }),
      repair('sse-c.bin', { options: { sseCustomerAlgorithm: 'AES256', sseCustomerKey: '(secret)' } }),
      repair('grants.html', { options: { grantRead: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' } }),
      repair('acl-only.html', { repairs: ['acl'] }),
      repair('retention.html', { repairs: ['copy', 'retention'] }),
      repair('dsse.html', { options: { serverSideEncryption: 'aws:kms:dsse' } }),
      repair('context.html', { options: { serverSideEncryption: 'aws:kms', ssekmsEncryptionContext: { team: 'web' } } }),
      repair('tags.html', { repairs: ['tagging'], options: { tagging: { team: 'web', env: 'prod' } } }),
    ],
  }
  const exported = batchOperations(plan)

  it('leaves objects over 5 GiB, SSE-C, grants, ACL and retention repairs, DSSE-KMS and an encryption context', () => {
    expect(Object.fromEntries(exported.left.map((left) => [left.key, left.why]))).toEqual({
      'big.bin': expect.stringContaining('over 5 GiB'),
      'sse-c.bin': expect.stringContaining('SSE-C'),
      'grants.html': expect.stringContaining('grants'),
      'acl-only.html': expect.stringContaining('acl'),
      'retention.html': expect.stringContaining('retention'),
      'dsse.html': expect.stringContaining('aws:kms:dsse'),
      'context.html': expect.stringContaining('ssekmsEncryptionContext'),
    })
  })

  it('copies an object of exactly 5 GiB, and replaces tags alone with S3PutObjectTagging', () => {
    expect(exported.jobs.map((job) => [job.name, job.keys])).toEqual([
      ['copy-001', ['exactly-5-gib.bin']],
      ['tagging-001', ['tags.html']],
    ])
    const request = JSON.parse(batchFiles(exported, { bucket: BUCKET, planId: PLAN_ID }).find((f) => f.name === 'tagging-001.create-job.json')!.text)
    expect(validateCreateJob(request), JSON.stringify(validateCreateJob.errors)).toBe(true)
    expect(request.Operation).toEqual({ S3PutObjectTagging: { TagSet: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'web' }] } })
  })

  it('maps SSE-KMS, storage class, canned ACL, redirect and lock options onto the copy', () => {
    const item = repair('kms.html', {
      options: { serverSideEncryption: 'aws:kms', ssekmsKeyId: 'alias/site', bucketKeyEnabled: true, storageClass: 'STANDARD_IA', acl: 'public-read', websiteRedirectLocation: '/new.html', objectLockLegalHoldStatus: 'ON', metadata: { commit: 'abc' }, expires: '2030-01-01T00:00:00Z' },
    })
    const [job] = batchOperations({ ...plan, items: [item] }).jobs
    const request = JSON.parse(batchFiles({ jobs: [job!], left: [] }, { bucket: BUCKET, planId: PLAN_ID })[1]!.text)
    expect(validateCreateJob(request), JSON.stringify(validateCreateJob.errors)).toBe(true)
    expect(request.Operation.S3PutObjectCopy).toMatchObject({
      NewObjectMetadata: { SSEAlgorithm: 'KMS', UserMetadata: { commit: 'abc' }, HttpExpiresDate: '2030-01-01T00:00:00Z' },
      SSEAwsKmsKeyId: 'alias/site',
      BucketKeyEnabled: true,
      StorageClass: 'STANDARD_IA',
      CannedAccessControlList: 'public-read',
      RedirectLocation: '/new.html',
      ObjectLockLegalHoldStatus: 'ON',
    })
  })
})
