import { hashFile } from '../local/index.js'
import { PutplanError } from '../errors/index.js'
import type { Manifest } from '../manifest/index.js'
import { canonicalJson, isUpload, withoutSecrets, type Plan, type UploadItem } from '../plan/index.js'
import { mapBounded } from '../util/map-bounded.js'
import { digestsAgree, rehashOptions } from './hash-options.js'

/**
 * A saved plan is applied only while it is still true: same manifest (text, variables and
 * the files it resolved to) and, for every object it would write, the same bytes.
 * Otherwise apply refuses, naming what changed, before any request is sent.
 */
export async function checkFresh(plan: Plan, manifest: Manifest, concurrency: number): Promise<void> {
  if (plan.bucket !== manifest.bucket) {
    throw stale(`the plan is for bucket "${plan.bucket}" but the manifest now names "${manifest.bucket}"`)
  }
  if (plan.manifestDigest !== manifest.digest) {
    throw stale('the manifest, its variables or the set of files it names changed since the plan')
  }
  const writes = plan.items.filter(isUpload)
  // The manifest is as it was, so a write it does not ask for (another key, file or option) was put in the plan by hand.
  const desired = new Map(manifest.objects.map((o) => [o.key, o]))
  const foreign = writes.filter((item) => {
    const wanted = desired.get(item.key)
    return wanted === undefined || wanted.source !== item.source || canonicalJson(withoutSecrets(wanted.options)) !== canonicalJson(withoutSecrets(item.options))
  })
  if (foreign.length > 0) {
    const keys = foreign.slice(0, 10).map((item) => `"${item.key}"`).join(', ')
    throw new PutplanError(
      'plan-file-invalid',
      `the saved plan writes what the manifest does not ask for (edited by hand?): ${keys}${foreign.length > 10 ? ', ...' : ''}. Nothing was written; make a new plan with putplan plan --out`,
    )
  }
  const paths = new Map(manifest.objects.map((o) => [o.key, o.sourcePath]))
  const changed = (await mapBounded(writes, concurrency, async (item) => ((await sameBytes(paths.get(item.key), item)) ? undefined : item.source))).filter(
    (source): source is string => source !== undefined,
  )
  if (changed.length > 0) {
    const shown = changed.slice(0, 10).join(', ')
    throw stale(`${changed.length} planned ${changed.length === 1 ? 'file' : 'files'} changed since the plan: ${shown}${changed.length > 10 ? ', ...' : ''}`)
  }
}

async function sameBytes(sourcePath: string | undefined, item: UploadItem): Promise<boolean> {
  if (sourcePath === undefined) return false
  try {
    // Exactly the digests the plan recorded, no more.
    return digestsAgree(item.local, await hashFile(sourcePath, rehashOptions(item.local)))
  } catch {
    return false
  }
}

function stale(why: string): PutplanError {
  return new PutplanError('plan-stale', `the saved plan is stale: ${why}. Nothing was written; run putplan plan again.`)
}
