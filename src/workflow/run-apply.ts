import path from 'node:path'
import { executePlan, type ApplyEvent, type ApplyReport } from '../apply/index.js'
import { PutplanError } from '../errors/index.js'
import { loadManifest, type Manifest } from '../manifest/index.js'
import { hasChanges, type Plan } from '../plan/index.js'
import type { BucketRequest } from './bucket-request.js'
import { checkFresh } from './check-fresh.js'
import { bucketRequestOptions } from './bucket-request-options.js'
import { makePlan } from './make-plan.js'
import { openState } from './open-state.js'
import { optionsWithSecrets } from './options-with-secrets.js'
import { openStore } from './open-store.js'
import { recordApply } from './record-apply.js'
import { readPlanFile } from './plan-file.js'

export interface ApplyRequest extends BucketRequest {
  /** Apply exactly this saved plan instead of planning afresh. */
  planFile?: string
  conditionalWrites: boolean
  signal: AbortSignal
  /** Asked once a fresh plan with changes is known; false cancels with nothing written. */
  approve: (plan: Plan) => Promise<boolean>
  /** The plan about to be executed, for totals. */
  onExecute?: (plan: Plan) => void
  onEvent?: (event: ApplyEvent) => void
}

export interface ApplyResult {
  plan: Plan
  report: ApplyReport
  /** Why the state record could not be written; the objects themselves were applied. */
  stateError?: string
}

/** `putplan apply`: a fresh or saved plan, approved, then executed; never a stale one. */
export async function runApply(request: ApplyRequest): Promise<ApplyResult> {
  const manifest = await loadManifest({ file: request.file, vars: request.vars, env: request.env })
  const saved = request.planFile === undefined ? undefined : await readPlanFile(request.planFile)
  if (saved) await checkFresh(saved, manifest, request.concurrency)
  const store = await openStore(manifest, request.connection, request.env, request.client)
  const state = await openState(manifest, store, request, request.conditionalWrites)
  try {
    const fresh = saved
      ? undefined
      : await makePlan(manifest, store, { concurrency: request.concurrency, state: state.access, refresh: request.refresh, onObject: request.onObject })
    const plan = saved ?? fresh!.plan
    if (!saved && hasChanges(plan) && !(await request.approve(plan))) {
      throw new PutplanError('not-approved', 'apply cancelled; nothing was written')
    }
    request.onExecute?.(plan)
    const report = await executePlan(plan, {
      store,
      baseDir: path.dirname(manifest.file),
      concurrency: request.concurrency,
      conditionalWrites: request.conditionalWrites,
      signal: request.signal,
      onEvent: request.onEvent,
      secrets: secretsOf(manifest),
      deleteOptions: bucketRequestOptions(manifest),
    })
    if (!state.access) return { plan, report }
    try {
      await recordApply(store, state.access, manifest, plan, fresh, report)
      return { plan, report }
    } catch (error) {
      return { plan, report, stateError: (error as Error).message }
    }
  } finally {
    await state.close()
    await store.close()
  }
}

/** A saved plan holds no secret: they come again from the manifest and its variables. */
function secretsOf(manifest: Manifest): (key: string) => { sseCustomerKey?: string } | undefined {
  const withSecrets = optionsWithSecrets(manifest)
  return (key) => {
    const sseCustomerKey = withSecrets.get(key)?.sseCustomerKey
    return sseCustomerKey === undefined ? undefined : { sseCustomerKey }
  }
}
