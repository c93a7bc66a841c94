import { loadManifest, secretValues, type Manifest } from '../manifest/index.js'
import { bucketSecrets, redactSecrets, type BatchExport, type PlanWithOrigin } from '../plan/index.js'
import type { BucketRequest } from './bucket-request.js'
import { CompressedBodies } from './compressed-bodies.js'
import { makePlan } from './make-plan.js'
import { openState } from './open-state.js'
import { openStore, redactedDebug, secretHeaders } from './open-store.js'
import { planOrigin } from './plan-origin.js'
import { writePlanFile } from './plan-file.js'
import { checkBatchDir, writeBatchOperations } from './write-batch-operations.js'

export interface PlanRequest extends BucketRequest {
  /** Where to save the plan (`--out`). */
  out?: string
  /** Where to write the repairs S3 Batch Operations can do (`--emit-batch-operations`). */
  batchDir?: string
}

/**
 * `putplan plan`: manifest -> bucket state and file digests -> plan (-> saved plan). The
 * plan carries its origin (the manifest's place and variables) whether saved or printed
 * as JSON, so either document can be applied alone.
 */
export async function runPlan(request: PlanRequest): Promise<{ manifest: Manifest; plan: PlanWithOrigin; batch?: BatchExport }> {
  if (request.batchDir !== undefined) await checkBatchDir(request.batchDir)
  const loaded = await loadManifest({ file: request.file, vars: request.vars, env: request.env, allowOutside: request.allowOutside })
  const bodies = new CompressedBodies()
  try {
    return { manifest: loaded, ...(await planManifest(loaded, request, bodies)) }
  } finally {
    await bodies.dispose()
  }
}

async function planManifest(manifest: Manifest, request: PlanRequest, bodies: CompressedBodies): Promise<{ plan: PlanWithOrigin; batch?: BatchExport }> {
  // Its secret digests are slow on purpose: computed while the bucket is read.
  const origin = planOrigin(manifest, request.cwd)
  origin.catch(() => {}) // awaited below; a plan that fails first must not leave it unhandled
  const secrets = secretValues(manifest)
  const { store, profile } = await openStore(manifest, request.connection, request.env, redactedDebug(request.client, secrets, secretHeaders(manifest, secrets)))
  const state = await openState(manifest, store, request, true)
  try {
    const made = await makePlan(manifest, store, {
      concurrency: request.concurrency,
      state: state.access,
      refresh: request.refresh,
      shard: request.shard,
      profile,
      onObject: request.onObject,
      bodies,
    })
    // A secret variable's value shows nowhere: not in options, reasons, or the bucket's values.
    const plan = redactSecrets({ ...made.plan, origin: await origin }, [...secrets, ...bucketSecrets(made.plan, secrets)])
    if (request.out !== undefined) await writePlanFile(request.out, plan)
    const batch = request.batchDir === undefined ? undefined : await writeBatchOperations(request.batchDir, plan)
    return { plan, ...(batch ? { batch } : {}) }
  } finally {
    await state.close()
    await store.close()
  }
}
