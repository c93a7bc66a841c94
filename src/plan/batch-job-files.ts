import type { BatchExport, BatchJob } from './batch-operations.js'

/**
 * The files of a Batch Operations export, as text: per job a CSV manifest and a CreateJob
 * request for `aws s3control create-job --cli-input-json`, and an index of them all.
 * Values only the user knows are placeholders in angle brackets (`PLACEHOLDERS`).
 */
export interface BatchFile {
  name: string
  text: string
}

/** What the user fills in each CreateJob request, by JSON path. */
export const PLACEHOLDERS = {
  AccountId: '<ACCOUNT_ID>',
  RoleArn: '<ROLE_ARN>',
  'Manifest.Location.ObjectArn': '<MANIFEST_OBJECT_ARN>',
  'Manifest.Location.ETag': '<MANIFEST_ETAG>',
  'Report.Bucket': '<REPORT_BUCKET_ARN>',
} as const

/** The CSV manifest's format and columns (`S3BatchOperations_CSV_20180820`, no version IDs). */
export const MANIFEST_SPEC = { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] } as const

export interface BatchContext {
  bucket: string
  /** The plan's id, for the idempotency token of each CreateJob request. */
  planId: string
}

export function batchFiles(exported: BatchExport, context: BatchContext): BatchFile[] {
  const files: BatchFile[] = []
  for (const job of exported.jobs) {
    files.push({ name: `${job.name}.csv`, text: manifestCsv(context.bucket, job.keys) })
    files.push({ name: `${job.name}.create-job.json`, text: `${JSON.stringify(createJobRequest(job, context), null, 2)}\n` })
  }
  const index = {
    bucket: context.bucket,
    planId: context.planId,
    jobs: exported.jobs.map((job) => ({
      name: job.name,
      operation: Object.keys(job.operation)[0],
      objects: job.keys.length,
      bytes: job.bytes,
      manifest: `${job.name}.csv`,
      request: `${job.name}.create-job.json`,
    })),
    left: exported.left,
  }
  files.push({ name: 'jobs.json', text: `${JSON.stringify(index, null, 2)}\n` })
  files.push({ name: 'README.md', text: batchReadme(exported, context) })
  return files
}

/** Repairs named one by one in README.md; jobs.json lists them all. */
const LEFT_SHOWN = 20

/** How to run the jobs, what to fill in, and what they do not guarantee. */
export function batchReadme(exported: BatchExport, context: BatchContext): string {
  const rows = exported.jobs.map((job) => `| ${job.name} | ${Object.keys(job.operation)[0]} | ${job.keys.length} | ${job.bytes} |`)
  const left = exported.left.slice(0, LEFT_SHOWN).map((repair) => `- \`${repair.key}\`: ${repair.why}`)
  if (exported.left.length > LEFT_SHOWN) left.push(`- ...and ${exported.left.length - LEFT_SHOWN} more (jobs.json lists them all)`)
  return `${[
    `# S3 Batch Operations jobs for bucket ${context.bucket} (plan ${context.planId})`,
    '',
    'An alternative to `putplan apply` for these repairs, not an addition: run these jobs, or apply, for them.',
    'After the jobs ran, plan again: the repaired objects are then unchanged, and the plan shows what is left.',
    '',
    '| job | operation | objects | bytes |',
    '|---|---|---:|---:|',
    ...rows,
    '',
    '## Not race-safe',
    '',
    'Batch Operations sends no ETag condition: each task acts on whatever object holds the key when it runs,',
    'so an object rewritten since the plan gets these options (and, for a copy, keeps its new bytes), where',
    '`putplan apply` would report a conflict and leave it alone. Run a job only while nothing else writes these keys.',
    '',
    '## What the jobs do',
    '',
    '- S3PutObjectCopy copies each object onto itself with MetadataDirective REPLACE: the copy stores exactly the',
    '  metadata in the request and nothing else. Every header and user metadata entry the manifest does not declare',
    '  is dropped, as with `putplan apply`, whose copy in place does the same. Tags are kept unless the request has',
    '  NewObjectTagging (the manifest declares tagging).',
    '- S3PutObjectTagging replaces all tags of each object with the TagSet.',
    '- Objects over 5 GiB, SSE-C objects, grants, a KMS encryption context and ACL, retention or legal-hold repairs',
    '  are not in any job: `putplan apply` makes them (listed below).',
    '',
    '## To run a job',
    '',
    'For each job NAME, upload its manifest where the job role can read it, then fill the placeholders of',
    '`NAME.create-job.json`:',
    '',
    '| field | placeholder | fill with |',
    '|---|---|---|',
    `| AccountId | \`${PLACEHOLDERS.AccountId}\` | your 12-digit AWS account ID |`,
    `| RoleArn | \`${PLACEHOLDERS.RoleArn}\` | the ARN of a role Batch Operations assumes (trusts batchoperations.s3.amazonaws.com), allowed s3:GetObject and s3:PutObject (copy) or s3:PutObjectTagging (tags) on ${context.bucket}, s3:GetObject on the manifest and s3:PutObject on the report bucket |`,
    `| Manifest.Location.ObjectArn | \`${PLACEHOLDERS['Manifest.Location.ObjectArn']}\` | arn:aws:s3:::MANIFEST_BUCKET/KEY of the uploaded NAME.csv |`,
    `| Manifest.Location.ETag | \`${PLACEHOLDERS['Manifest.Location.ETag']}\` | the uploaded CSV's ETag, without its quotes |`,
    `| Report.Bucket | \`${PLACEHOLDERS['Report.Bucket']}\` | arn:aws:s3:::REPORT_BUCKET for the completion report |`,
    '',
    '```sh',
    'aws s3 cp NAME.csv s3://MANIFEST_BUCKET/putplan-batch/NAME.csv   # not SSE-KMS: Batch Operations cannot read such a manifest',
    "aws s3api head-object --bucket MANIFEST_BUCKET --key putplan-batch/NAME.csv --query ETag --output text | tr -d '\"'",
    'aws s3control create-job --region REGION --cli-input-json file://NAME.create-job.json',
    'aws s3control update-job-status --region REGION --account-id ACCOUNT_ID --job-id JOB_ID --requested-job-status Ready',
    '```',
    '',
    'The requests have ConfirmationRequired: the job waits for the last command, a last look before it runs.',
    '',
    `## Left to \`putplan apply\` (${exported.left.length})`,
    '',
    ...(left.length > 0 ? left : ['None.']),
  ].join('\n')}\n`
}

/** One `bucket,key` line per object, keys URL-encoded as the CSV manifest format requires. */
export function manifestCsv(bucket: string, keys: readonly string[]): string {
  return keys.map((key) => `${bucket},${encodeManifestKey(key)}\n`).join('')
}

/**
 * A key as the CSV manifest holds it: every UTF-8 byte percent-encoded except letters,
 * digits, `-`, `_`, `.`, `~` and `/` (as in S3's own example, `object%20key%20with%20spaces`).
 * A comma or a line break in a key can then never split its row.
 */
export function encodeManifestKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/')
}

/** The CreateJob request (`aws s3control create-job --cli-input-json file://...`), placeholders included. */
export function createJobRequest(job: BatchJob, context: BatchContext): Record<string, unknown> {
  const what = 'S3PutObjectCopy' in job.operation ? 'copy in place (metadata REPLACE)' : 'tags replaced'
  return {
    AccountId: PLACEHOLDERS.AccountId,
    // The job waits for `update-job-status --requested-job-status Ready`: a last look before it runs.
    ConfirmationRequired: true,
    Operation: job.operation,
    Report: {
      Bucket: PLACEHOLDERS['Report.Bucket'],
      Format: 'Report_CSV_20180820',
      Enabled: true,
      Prefix: `putplan-batch-reports/${job.name}`,
      ReportScope: 'AllTasks',
    },
    // The same job submitted twice is one job.
    ClientRequestToken: `putplan-${context.planId.slice(0, 32)}-${job.name}`,
    Manifest: {
      Spec: MANIFEST_SPEC,
      Location: { ObjectArn: PLACEHOLDERS['Manifest.Location.ObjectArn'], ETag: PLACEHOLDERS['Manifest.Location.ETag'] },
    },
    Description: `putplan ${job.name}: ${what} of ${job.keys.length} objects in ${context.bucket}`.slice(0, 256),
    Priority: 10,
    RoleArn: PLACEHOLDERS.RoleArn,
  }
}
