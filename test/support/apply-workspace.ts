/**
 * Helpers for the apply integration tests: run `putplan apply` and parse the report it
 * prints with `--format json` (the whole of stdout, checked against
 * schema/report.schema.json), start the CLI to signal it midway, and read objects back
 * independently of putplan.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { cliEntry, cliEnv, runPutplan, type RunResult } from './run-cli.js'
import type { Workspace } from './plan-workspace.js'

/** The apply report as the tests read it (see schema/report.schema.json). */
export interface ReportJson {
  formatVersion: number
  bucket: string
  summary: { created: number; updated: number; repaired: number; deleted: number; unchanged: number; conflict: number; failed: number; skipped: number }
  bytesUploaded: number
  interrupted: boolean
  orphanedUploads: { key: string; uploadId: string }[]
  items: {
    key: string
    action: 'create' | 'update' | 'undecided' | 'repair' | 'delete' | 'unchanged' | 'conflict'
    outcome: 'created' | 'updated' | 'repaired' | 'deleted' | 'unchanged' | 'conflict' | 'failed' | 'skipped'
    reason?: string
    repairs?: string[]
    etag?: string
    lastModified?: string
    versionId?: string
    deleteMarker?: boolean
    checksums?: Record<string, string>
    serverSideEncryption?: string
    ssekmsKeyId?: string
    bytes: number
    attempts?: number
  }[]
}

// ajv-formats is CommonJS; under NodeNext its default export sits on `.default`.
const addFormats = addFormatsModule.default
const schemaFile = fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url))
let validator: ReturnType<Ajv2020['compile']> | undefined

/** Errors of `document` against schema/report.schema.json; empty when valid. */
export function reportSchemaErrors(document: unknown): string[] {
  if (validator === undefined) {
    const ajv = new Ajv2020({ strict: true, allErrors: true })
    addFormats(ajv)
    validator = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
  }
  return validator(document) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

/**
 * Parses the whole of stdout as one JSON document (anything else printed there fails)
 * and checks it against the report schema.
 */
export function parseReportJson(result: RunResult): ReportJson {
  let document: unknown
  try {
    document = JSON.parse(result.stdout)
  } catch (error) {
    throw new Error(`stdout is not one JSON document (${(error as Error).message}); exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
  const errors = reportSchemaErrors(document)
  if (errors.length > 0) throw new Error(`the report does not match schema/report.schema.json:\n${errors.join('\n')}\nstdout:\n${result.stdout}`)
  return document as ReportJson
}

/** `{ key: outcome }`, for `toEqual` on a whole report. */
export function outcomes(report: ReportJson): Record<string, string> {
  return Object.fromEntries(report.items.map((item) => [item.key, item.outcome]))
}

export interface ApplyRun {
  result: RunResult
  report: ReportJson
}

/** `putplan apply [...args] --format json` in the workspace; the report parsed and validated. */
export async function applyJson(ws: Workspace, env: Record<string, string | undefined>, args: readonly string[] = ['--auto-approve'], timeoutMs?: number): Promise<ApplyRun> {
  const result = await runPutplan(['apply', ...args, '--format', 'json'], { cwd: ws.dir, env, ...(timeoutMs ? { timeoutMs } : {}) })
  return { result, report: parseReportJson(result) }
}

/** Every key in the bucket, all pages. */
export async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
    for (const object of page.Contents ?? []) keys.push(object.Key as string)
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return keys.sort()
}

/** The multipart uploads in progress in the bucket, as `key uploadId` strings. */
export async function listUploads(s3: S3Client, bucket: string): Promise<string[]> {
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))
  return Uploads.map((u) => `${u.Key} ${u.UploadId}`)
}

/** The object's bytes as GetObject returns them. */
export async function getBytes(s3: S3Client, input: ConstructorParameters<typeof GetObjectCommand>[0]): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand(input))
  return Buffer.from(await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export interface SpawnedCli {
  child: ChildProcess
  /** stdout and stderr so far. */
  output(): { stdout: string; stderr: string }
  /** Resolves when the process has exited: its code, or 128 + the signal's number. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts the built CLI (`node bin/run.js ...`) without waiting for it, for tests that
 * signal it midway. Same environment rules as `runPutplan`.
 */
export function spawnPutplan(args: readonly string[], opts: { cwd: string; env: Record<string, string | undefined> }): SpawnedCli {
  const child = spawn(process.execPath, [cliEntry, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  return {
    child,
    output: () => ({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    exited,
  }
}

/** Polls `probe` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
