import { randomBytes } from 'node:crypto'
import type { Manifest } from '../manifest/index.js'
import type { PlanOrigin } from '../plan/index.js'
import { locateManifest } from './manifest-location.js'
import { secretDigest } from './secret-digest.js'

/** What a plan records so that `apply PLANFILE` needs nothing else: the manifest's place, text digest and variables; secrets as digests. */
export async function planOrigin(manifest: Manifest, cwd: string): Promise<PlanOrigin> {
  const planId = randomBytes(16).toString('hex')
  const variables: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  for (const variable of manifest.variables) {
    if (variable.secret) secrets[variable.name] = await secretDigest(planId, variable.name, variable.value)
    else variables[variable.name] = variable.value
  }
  return { planId, manifest: { ...locateManifest(manifest.file, cwd), textDigest: manifest.textDigest, variables, secrets } }
}
