import path from 'node:path'
import { executePlan, type ApplyEvent, type ApplyReport } from '../apply/index.js'
import { PutplanError, UsageError } from '../errors/index.js'
import { loadManifest, secretValues, type Manifest } from '../manifest/index.js'
import { bucketSecrets, hasChanges, redactSecrets, shardLabel, type Plan, type PutOptions, type Shard, type StoreProfile } from '../plan/index.js'
import type { ObjectStore } from '../s3/index.js'
import { readState, type StateAccess } from '../state/index.js'
import { bucketRequestOptions } from './bucket-request-options.js'
import { preflight } from './preflight.js'
import type { BucketRequest } from './bucket-request.js'
import { checkUnapplied } from './check-unapplied.js'
import { CompressedBodies } from './compressed-bodies.js'
import { invalidateCdn, type InvalidateOptions, type InvalidationReport } from './invalidate-cdn.js'
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
  /** With the manifest's `cdn`: wait for the invalidation to complete (`--wait-invalidation`). */
  waitInvalidation?: boolean
  /** How the invalidation is awaited, and (in tests) the CloudFront client's transport. */
  invalidation?: Pick<InvalidateOptions, 'pollMs' | 'waitTimeoutMs' | 'client'>
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
  /** With the manifest's `cdn`, after an apply that changed objects: the CreateInvalidation made, or why it failed. */
  invalidation?: InvalidationReport
}

/** `putplan apply`: a fresh or saved plan, approved, then executed; never a stale one, and a saved one once. */
export async function runApply(request: ApplyRequest): Promise<ApplyResult> {
  const { manifest, saved, bodies } = await openManifest(request)
  try {
    return await applyManifest(manifest, saved, bodies, request)
  } finally {
    await bodies.dispose()
  }
}

async function applyManifest(manifest: Manifest, saved: LoadedPlan | undefined, bodies: CompressedBodies, request: ApplyRequest): Promise<ApplyResult> {
  // A saved plan is applied to the store it was made for, unless --compatibility says otherwise.
  const connection = { ...request.connection, compatibility: request.connection.compatibility ?? saved?.plan.compatibility }
  const secrets = secretValues(manifest)
  const { store, profile } = await openStore(manifest, connection, request.env, redactedDebug(request.client, secrets, secretHeaders(manifest, secrets)))
  // A store that ignores conditional PUTs is sent none; the plan warned of it.
  const conditionalWrites = request.conditionalWrites && profile.conditionalPut !== 'no'
  const shard = saved ? saved.plan.shard : request.shard
  if (shard && manifest.state && !conditionalWrites) {
    await store.close()
    const why = request.conditionalWrites ? `a store that ignores conditional writes (${profile.name})` : '--no-conditional-writes'
    throw new UsageError(
      `--shard with ${why}: shards applied at once would overwrite each other's state record ${manifest.state.key} (its writes are If-Match); apply unsharded. Nothing was written`,
    )
  }
  const state = await openState(manifest, store, request, conditionalWrites)
  try {
    // What people see is redacted; what is executed holds the secrets.
    const approve = (plan: Plan) => request.approve(redactSecrets(plan, [...secrets, ...bucketSecrets(plan, secrets)]))
    const { plan, read } = saved
      ? await checkSaved(saved, store, state.access, request.concurrency, profile)
      : await planFresh(manifest, store, state.access, { ...request, approve }, profile, bodies)
    request.onExecute?.(plan)
    const report = await executePlan(plan, {
      store,
      baseDir: path.dirname(manifest.file),
      bodyPaths: bodies.bodyPaths,
      concurrency: request.concurrency,
      conditionalWrites,
      signal: request.signal,
      onEvent: request.onEvent,
      secrets: secretsOf(manifest),
      identity: identitiesOf(manifest),
      deleteOptions: bucketRequestOptions(manifest),
    })
    const hidden = [...secrets, ...bucketSecrets(plan, secrets)]
    let stateError: string | undefined
    if (state.access) {
      try {
        await recordApply(store, state.access, manifest, plan, read, report, bodies.sources, saved && completed(plan, report) ? saved.planDigest : undefined)
      } catch (error) {
        stateError = redactSecrets((error as Error).message, hidden)
      }
    }
    // After the record: the objects landed whatever the CDN answers.
    const invalidation = await invalidateCdn(manifest, report, { env: request.env, connection: request.connection, wait: request.waitInvalidation ?? false, ...request.invalidation })
    const shown = { plan: redactSecrets(plan, hidden), report: redactSecrets(report, hidden) }
    return { ...shown, ...(stateError === undefined ? {} : { stateError }), ...(invalidation === undefined ? {} : { invalidation }) }
  } finally {
    await state.close()
    await store.close()
  }
}

/** The manifest, and its compressed objects' copies: a saved plan's made for its writes, a fresh plan's made as it finds them needed. */
async function openManifest(request: ApplyRequest): Promise<{ manifest: Manifest; saved?: LoadedPlan; bodies: CompressedBodies }> {
  if (request.planFile === undefined) {
    const manifest = await loadManifest({ file: request.file, vars: request.vars, env: request.env, allowOutside: request.allowOutside })
    return { manifest, bodies: new CompressedBodies() }
  }
  const saved = await loadSavedPlan({ ...request, planFile: request.planFile })
  checkSameShard(request.planFile, saved.plan.shard, request.shard)
  return { manifest: saved.manifest, saved, bodies: saved.bodies }
}

/** A saved plan applies as the shard it was made for: `--shard`, when given, must name that one. */
function checkSameShard(planFile: string, planned: Shard | undefined, given: Shard | undefined): void {
  if (given === undefined || (planned !== undefined && shardLabel(planned) === shardLabel(given))) return
  const made = planned === undefined ? 'without --shard' : `for shard ${shardLabel(planned)}`
  throw new UsageError(`${planFile} was made ${made}, and --shard names ${shardLabel(given)}: a saved plan applies as its own shard (leave out --shard). Nothing was written`)
}

/** The plan to execute, and what was read to make or check it (for the state record). */
type Opened = { plan: Plan; read?: Pick<PlanResult, 'facts' | 'state'> }

async function planFresh(manifest: Manifest, store: ObjectStore, access: StateAccess | undefined, request: ApplyRequest, profile: StoreProfile, bodies: CompressedBodies): Promise<Opened> {
  const fresh = await makePlan(manifest, store, { concurrency: request.concurrency, state: access, refresh: request.refresh, shard: request.shard, onObject: request.onObject, profile, applyNow: true, bodies })
  if (hasChanges(fresh.plan) && !(await request.approve(fresh.plan))) {
    throw new PutplanError('not-approved', 'apply cancelled; nothing was written')
  }
  return { plan: fresh.plan, read: fresh }
}

/** A saved plan, before its first write: not applied already, its objects as planned. The record read for that is the one apply updates. */
async function checkSaved(saved: LoadedPlan, store: ObjectStore, access: StateAccess | undefined, concurrency: number, profile: StoreProfile): Promise<Opened> {
  const state = access ? await readState(access) : undefined
  await checkUnapplied(saved, { store, state, request: bucketRequestOptions(saved.manifest), concurrency, secrets: secretsOf(saved.manifest) })
  preflight(saved.manifest, await store.getBucketFacts(bucketRequestOptions(saved.manifest)), profile)
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
