import path from 'node:path'
import { executePlan, type ApplyEvent, type ApplyReport } from '../apply/index.js'
import { PutplanError } from '../errors/index.js'
import { loadManifest, type Manifest } from '../manifest/index.js'
import { hasChanges, type Plan } from '../plan/index.js'
import type { BucketRequest } from './bucket-request.js'
import { checkFresh } from './check-fresh.js'
import { makePlan } from './make-plan.js'
import { openStore } from './open-store.js'
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

/** `putplan apply`: a fresh or saved plan, approved, then executed; never a stale one. */
export async function runApply(request: ApplyRequest): Promise<{ plan: Plan; report: ApplyReport }> {
  const manifest = await loadManifest({ file: request.file, vars: request.vars, env: request.env })
  const saved = request.planFile === undefined ? undefined : await readPlanFile(request.planFile)
  if (saved) await checkFresh(saved, manifest, request.concurrency)
  const store = await openStore(manifest, request.connection, request.env, request.client)
  try {
    const plan = saved ?? (await makePlan(manifest, store, { concurrency: request.concurrency, onObject: request.onObject }))
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
    })
    return { plan, report }
  } finally {
    await store.close()
  }
}

/** A saved plan holds no secret: they come again from the manifest and its variables. */
function secretsOf(manifest: Manifest): (key: string) => { sseCustomerKey?: string } | undefined {
  const byKey = new Map(manifest.objects.map((o) => [o.key, o.options.sseCustomerKey]))
  return (key) => {
    const sseCustomerKey = byKey.get(key)
    return sseCustomerKey === undefined ? undefined : { sseCustomerKey }
  }
}
