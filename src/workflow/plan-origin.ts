import { randomBytes } from 'node:crypto'
import type { Manifest } from '../manifest/index.js'
import type { PlanOrigin } from '../plan/index.js'
import { locateManifest } from './manifest-location.js'
import { secretDigest } from './secret-digest.js'

/** What a plan records so that `apply PLANFILE` needs nothing else: the manifest's place, text digest and variables; secrets as digests. */
export async function planOrigin(manifest: Manifest, cwd: string): Promise<PlanOrigin> {
  const planId = randomBytes(16).toString('hex')
  const variables = Object.fromEntries(manifest.variables.filter((v) => !v.secret).map((v) => [v.name, v.value]))
  const secret = manifest.variables.filter((v) => v.secret)
  const secrets = Object.fromEntries(await Promise.all(secret.map(async (v) => [v.name, await secretDigest(planId, v.name, v.value)] as const)))
  return { planId, manifest: { ...locateManifest(manifest.file, cwd), textDigest: manifest.textDigest, variables, secrets } }
}
