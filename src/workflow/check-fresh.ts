import { hashFile } from '../local/index.js'
import { PutplanError } from '../errors/index.js'
import { secretValues, type DesiredObject, type Manifest } from '../manifest/index.js'
import { canonicalJson, isUpload, redactSecrets, withoutSecrets, type FilePlanItem, type Plan, type RepairItem, type UploadItem } from '../plan/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { digestsAgree, rehashOptions } from './hash-options.js'
import { count, shown, stale } from './stale-plan.js'

/**
 * A saved plan is applied only while it is still true of the files: the manifest (loaded
 * again as it was, see `loadSavedPlan`) resolves to the same files of the same sizes, and
 * every file it would write (or whose object it repairs in place, which holds only while the
 * object's bytes are still the file's) has the same bytes. Otherwise apply refuses, naming
 * what changed, before any request is sent.
 */
export async function checkFresh(plan: Plan, manifest: Manifest, concurrency: number): Promise<void> {
  if (plan.bucket !== manifest.bucket) {
    throw stale(`the plan is for bucket "${plan.bucket}" but the manifest now names "${manifest.bucket}"`)
  }
  if (plan.manifestDigest !== manifest.digest) throw stale(filesChanged(plan, manifest))
  const writes = plan.items.filter((item): item is UploadItem | RepairItem => isUpload(item) || item.action === 'repair')
  // The manifest is as it was, so a write it does not ask for (another key, file or option) was put in the plan by hand.
  const desired = new Map(manifest.objects.map((o) => [o.key, o]))
  const secrets = secretValues(manifest)
  const foreign = writes.filter((item) => {
    const wanted = desired.get(item.key)
    const shown = wanted && canonicalJson(redactSecrets(withoutSecrets(wanted.options), secrets))
    return wanted === undefined || wanted.source !== item.source || shown !== canonicalJson(withoutSecrets(item.options))
  })
  if (foreign.length > 0) {
    throw new PutplanError(
      'plan-file-invalid',
      `the saved plan writes what the manifest does not ask for (edited by hand?): ${shown(foreign.map((item) => `"${item.key}"`))}. Nothing was written; make a new plan with putplan plan --out`,
    )
  }
  const changed = (await mapBounded(writes, concurrency, async (item) => ((await sameBytes(desired.get(item.key), item)) ? undefined : item.source))).filter(
    (source): source is string => source !== undefined,
  )
  if (changed.length > 0) throw stale(`${count(changed.length, 'planned file')} changed since the plan: ${shown(changed)}`)
}

/**
 * Why the manifest, read from the same text with the same variables, resolves to other
 * objects: files its globs match now and did not, planned files gone, planned files of
 * another size. (The digest covers options too, which the same text and variables fix.)
 */
function filesChanged(plan: Plan, manifest: Manifest): string {
  const planned = new Map(plan.items.filter((item): item is FilePlanItem => item.action !== 'delete').map((item) => [item.key, item]))
  const now = new Set(manifest.objects.map((o) => o.key))
  const added = manifest.objects.filter((o) => !planned.has(o.key)).map((o) => o.source)
  const gone = [...planned.values()].filter((item) => !now.has(item.key)).map((item) => item.source)
  const resized = manifest.objects
    .filter((o) => {
      const item = planned.get(o.key)
      // A compressed object's planned size is its copy's, made only for the plan's writes.
      const sized = item !== undefined && (item.compress === undefined || isUpload(item) || item.action === 'repair')
      return item !== undefined && ((sized && item.size !== o.size) || item.source !== o.source)
    })
    .map((o) => o.source)
  const causes = [
    ...(added.length > 0 ? [`${count(added.length, 'file')} the plan does not name ${added.length === 1 ? 'is' : 'are'} now in the manifest: ${shown(added)}`] : []),
    ...(gone.length > 0 ? [`${count(gone.length, 'planned file')} ${gone.length === 1 ? 'is' : 'are'} gone: ${shown(gone)}`] : []),
    ...(resized.length > 0 ? [`${count(resized.length, 'planned file')} changed since the plan: ${shown(resized)}`] : []),
  ]
  return causes.length > 0 ? causes.join('; ') : 'the manifest resolves to other objects or options than when the plan was made'
}

async function sameBytes(desired: DesiredObject | undefined, item: UploadItem | RepairItem): Promise<boolean> {
  if (desired === undefined) return false
  try {
    // Exactly the digests the plan recorded, no more.
    return digestsAgree(item.local, await hashFile(desired.sourcePath, rehashOptions(item.local), { identity: desired.identity }))
  } catch {
    return false
  }
}
