import { mkdir, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { ValidateFunction } from 'ajv'
import { PutplanError } from '../errors/index.js'
import { readRegularFile } from '../util/open-regular-file.js'
import { fromPlanDocument, PLAN_FORMAT_VERSION, planDocumentDigest, toPlanDocument, type PlanDocument, type PlanWithOrigin } from '../plan/index.js'

const PLAN_SCHEMA_URL = new URL('../../schema/plan.schema.json', import.meta.url)

/** Saves the plan document (no secrets: `toPlanDocument` leaves them out), making its folder if need be (`--out plans/plan.json`). */
export async function writePlanFile(file: string, plan: PlanWithOrigin): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, `${JSON.stringify(toPlanDocument(plan), null, 2)}\n`, { mode: 0o644 })
}

/** A plan read back from its file, with the digest that names it (the state record remembers applied plans by it). */
export interface SavedPlan {
  plan: PlanWithOrigin
  planDigest: string
}

/** Reads a saved plan, refusing one that is not valid JSON, not a plan document, or edited since it was written. */
export async function readPlanFile(file: string): Promise<SavedPlan> {
  let text: string
  try {
    text = await readRegularFile(file)
  } catch (error) {
    throw new PutplanError('plan-file-invalid', `cannot read plan file ${file}: ${(error as NodeJS.ErrnoException).code === 'not-regular-file' ? (error as Error).message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new PutplanError('plan-file-invalid', `${file} is not a plan file: ${(error as Error).message} (truncated or edited?)`)
  }
  refuseOtherFormat(file, document)
  const validate = await planValidator()
  if (!validate(document)) {
    const first = validate.errors?.[0]
    throw new PutplanError('plan-file-invalid', `${file} is not a valid plan file: ${first?.instancePath || '/'} ${first?.message ?? ''} (make a new one with putplan plan --out)`)
  }
  const plan = document as PlanDocument
  if (planDocumentDigest(plan) !== plan.planDigest) {
    throw new PutplanError('plan-file-invalid', `${file} was changed after putplan wrote it: its content does not match its planDigest. Nothing was written; make a new plan with putplan plan --out`)
  }
  return { plan: fromPlanDocument(plan), planDigest: plan.planDigest }
}

/** A plan of another format version is refused by name, before the schema (which knows only this one) lists its differences. */
function refuseOtherFormat(file: string, document: unknown): void {
  const version = (document as { formatVersion?: unknown } | null)?.formatVersion
  if (typeof version !== 'number' || version === PLAN_FORMAT_VERSION) return
  const made = version < PLAN_FORMAT_VERSION ? 'an older' : 'a newer'
  throw new PutplanError(
    'plan-file-invalid',
    `${file} was made by ${made} putplan (plan format ${version}; this one reads format ${PLAN_FORMAT_VERSION}). Nothing was written; make a new plan with putplan plan --out`,
  )
}

let validator: ValidateFunction | undefined

/** Compiled on first use: only `apply PLANFILE` reads a plan, and ajv costs about 25 ms to load. */
async function planValidator(): Promise<ValidateFunction> {
  if (validator === undefined) {
    const { Ajv2020 } = await import('ajv/dist/2020.js')
    validator = new Ajv2020({ allErrors: false, strict: false }).compile(JSON.parse(readFileSync(PLAN_SCHEMA_URL, 'utf8')) as object)
  }
  return validator
}
