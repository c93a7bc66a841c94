/**
 * A temporary folder holding a manifest and its files, and helpers to run
 * `putplan plan --format json` in it and read the document it prints.
 *
 * Manifests are written as JSON (which is YAML), so keys with any character
 * need no YAML quoting in the tests.
 */
import { describeReason, type PlanAction, type PlanSummary, type PruneReport, type Reason } from '../../src/plan/index.js'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { runPutplan, type RunResult } from './run-cli.js'

export interface Workspace {
  dir: string
  /** Writes a file (creating its folders) and returns its absolute path. */
  write(relative: string, content: string | Buffer): Promise<string>
  /** Writes `uploads.yaml` (or `file`) from a manifest object. */
  manifest(manifest: object, file?: string): Promise<string>
  path(relative: string): string
  remove(): Promise<void>
}

export async function makeWorkspace(prefix = 'putplan-plan-'): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const path = (relative: string) => join(dir, relative)
  const write = async (relative: string, content: string | Buffer) => {
    const file = path(relative)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, content)
    return file
  }
  return {
    dir,
    path,
    write,
    manifest: (manifest, file = 'uploads.yaml') => write(file, `${JSON.stringify(manifest, null, 2)}\n`),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** The plan document as the tests read it (see schema/plan.schema.json). */
export interface PlanJson {
  formatVersion: number
  version: number
  bucket: string
  manifestDigest: string
  summary: PlanSummary
  actions: {
    key: string
    action: PlanAction
    reasons: Reason[]
    source: string
    size: number
    remoteEtag?: string
    local: Record<string, unknown>
    options: Record<string, unknown>
  }[]
  /** With the manifest's `prune`. */
  prune?: PruneReport
}

// ajv-formats is CommonJS; under NodeNext its default export sits on `.default`.
const addFormats = addFormatsModule.default
const schemaFile = fileURLToPath(new URL('../../schema/plan.schema.json', import.meta.url))
let validator: ReturnType<Ajv2020['compile']> | undefined

/** Errors of `document` against schema/plan.schema.json; empty when valid. */
export function planSchemaErrors(document: unknown): string[] {
  if (validator === undefined) {
    const ajv = new Ajv2020({ strict: true, allErrors: true })
    addFormats(ajv)
    validator = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
  }
  return validator(document) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

/**
 * Parses the whole of stdout as one JSON document (so anything else printed there
 * fails) and checks it against the plan schema.
 */
export function parsePlanJson(result: RunResult): PlanJson {
  let document: unknown
  try {
    document = JSON.parse(result.stdout)
  } catch (error) {
    throw new Error(`stdout is not one JSON document (${(error as Error).message}); exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
  const errors = planSchemaErrors(document)
  if (errors.length > 0) throw new Error(`the plan does not match schema/plan.schema.json:\n${errors.join('\n')}`)
  return document as PlanJson
}

/** `{ key: { action, reasons } }`, for `toEqual` on a whole plan. */
/** Each key's action and its reasons, as the human view prints them. */
export function verdicts(plan: PlanJson): Record<string, { action: string; reasons: string[] }> {
  return Object.fromEntries(plan.actions.map((a) => [a.key, { action: a.action, reasons: a.reasons.map(describeReason) }]))
}

export interface PlanRun {
  result: RunResult
  plan: PlanJson
}

/** `putplan plan --format json --detailed-exitcode [...extra]` in the workspace. */
export async function planJson(ws: Workspace, env: Record<string, string | undefined>, extra: readonly string[] = []): Promise<PlanRun> {
  const result = await runPutplan(['plan', '--format', 'json', '--detailed-exitcode', ...extra], { cwd: ws.dir, env })
  return { result, plan: parsePlanJson(result) }
}
