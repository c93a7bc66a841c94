import path from 'node:path'
import { executePlan, type ApplyEvent, type ApplyReport } from '../apply/index.js'
import { PutplanError } from '../errors/index.js'
import { loadManifest, secretValues, type Manifest } from '../manifest/index.js'
import { bucketSecrets, hasChanges, redactSecrets, type Plan, type PutOptions } from '../plan/index.js'
import type { ObjectStore } from '../s3/index.js'
import { readState, type StateAccess } from '../state/index.js'
import { bucketRequestOptions } from './bucket-request-options.js'
import type { BucketRequest } from './bucket-request.js'
import { checkUnapplied } from './check-unapplied.js'
import { loadSavedPlan, type LoadedPlan } from './load-saved-plan.js'
import { makePlan, type PlanResult } from './make-plan.js'
import { openState } from './open-state.js'
import { optionsWithSecrets } from './options-with-secrets.js'
import { openStore, redactedDebug, secretHeaders } from './open-store.js'
import { recordApply } from './record-apply.js'

interface ApplyOptions extends Omit<BucketRequest, 'file'> {
  conditionalWrites: boolean
  signal: AbortSignal
  /** Asked once a fresh plan with changes is known; false cancels with nothing written. */
  approve: (plan: Plan) => Promise<boolean>
  /** The plan about to be executed, for totals. */
  onExecute?: (plan: Plan) => void
  onEvent?: (event: ApplyEvent) => void
}

/**
 * A fresh plan of the manifest `file`; or exactly the saved plan `planFile`, with the
 * manifest it records (`file`, when given, must name that one).
 */
export type ApplyRequest = ApplyOptions & ({ planFile?: undefined; file: string } | { planFile: string; file?: string })

export interface ApplyResult {
  plan: Plan
  report: ApplyReport
  /** Why the state record could not be written; the objects themselves were applied. */
  stateError?: string
}

/** `putplan apply`: a fresh or saved plan, approved, then executed; never a stale one, and a saved one once. */
export async function runApply(request: ApplyRequest): Promise<ApplyResult> {
  const { manifest, saved } = await openManifest(request)
  const secrets = secretValues(manifest)
  const store = await openStore(manifest, request.connection, request.env, redactedDebug(request.client, secrets, secretHeaders(manifest, secrets)))
  const state = await openState(manifest, store, request, request.conditionalWrites)
  try {
    // What people see is redacted; what is executed holds the secrets.
    const approve = (plan: Plan) => request.approve(redactSecrets(plan, [...secrets, ...bucketSecrets(plan, secrets)]))
    const { plan, read } = saved ? await checkSaved(saved, store, state.access, request.concurrency) : await planFresh(manifest, store, state.access, { ...request, approve })
    request.onExecute?.(plan)
    const report = await executePlan(plan, {
      store,
      baseDir: path.dirname(manifest.file),
      concurrency: request.concurrency,
      conditionalWrites: request.conditionalWrites,
      signal: request.signal,
      onEvent: request.onEvent,
      secrets: secretsOf(manifest),
      identity: identitiesOf(manifest),
      deleteOptions: bucketRequestOptions(manifest),
    })
    const hidden = [...secrets, ...bucketSecrets(plan, secrets)]
    const shown = { plan: redactSecrets(plan, hidden), report: redactSecrets(report, hidden) }
    if (!state.access) return shown
    try {
      await recordApply(store, state.access, manifest, plan, read, report, saved && completed(plan, report) ? saved.planDigest : undefined)
      return shown
    } catch (error) {
      return { ...shown, stateError: redactSecrets((error as Error).message, hidden) }
    }
  } finally {
    await state.close()
    await store.close()
  }
}

async function openManifest(request: ApplyRequest): Promise<{ manifest: Manifest; saved?: LoadedPlan }> {
  if (request.planFile === undefined) return { manifest: await loadManifest({ file: request.file, vars: request.vars, env: request.env, allowOutside: request.allowOutside }) }
  const saved = await loadSavedPlan({ ...request, planFile: request.planFile })
  return { manifest: saved.manifest, saved }
}

/** The plan to execute, and what was read to make or check it (for the state record). */
type Opened = { plan: Plan; read?: Pick<PlanResult, 'facts' | 'state'> }

async function planFresh(manifest: Manifest, store: ObjectStore, access: StateAccess | undefined, request: ApplyRequest): Promise<Opened> {
  const fresh = await makePlan(manifest, store, { concurrency: request.concurrency, state: access, refresh: request.refresh, onObject: request.onObject })
  if (hasChanges(fresh.plan) && !(await request.approve(fresh.plan))) {
    throw new PutplanError('not-approved', 'apply cancelled; nothing was written')
  }
  return { plan: fresh.plan, read: fresh }
}

/** A saved plan, before its first write: not applied already, its objects as planned. The record read for that is the one apply updates. */
async function checkSaved(saved: LoadedPlan, store: ObjectStore, access: StateAccess | undefined, concurrency: number): Promise<Opened> {
  const state = access ? await readState(access) : undefined
  await checkUnapplied(saved, { store, state, request: bucketRequestOptions(saved.manifest), concurrency, secrets: secretsOf(saved.manifest) })
  return { plan: saved.plan, read: state && { facts: [], state } }
}

/** Every write of the plan landed: the plan is used up. A plan that writes nothing is never used up. */
function completed(plan: Plan, report: ApplyReport): boolean {
  return hasChanges(plan) && report.summary.failed === 0 && report.summary.conflict === 0 && report.summary.skipped === 0 && !report.interrupted
}

/** The file each key's source was when the manifest was loaded (and confined): apply's opens must find the same. */
function identitiesOf(manifest: Manifest): (key: string) => { dev: number; ino: number } | undefined {
  const byKey = new Map(manifest.objects.map((o) => [o.key, o.identity]))
  return (key) => byKey.get(key)
}

/** A saved plan holds no secret: the options of objects that carry one come again from the manifest and its variables. */
function secretsOf(manifest: Manifest): (key: string) => PutOptions | undefined {
  const withSecrets = optionsWithSecrets(manifest)
  return (key) => withSecrets.get(key)
}
