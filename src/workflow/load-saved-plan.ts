import { createHash } from 'node:crypto'
import path from 'node:path'
import { PutplanError, UsageError } from '../errors/index.js'
import { loadManifest, type Manifest } from '../manifest/index.js'
import { isUpload, type Plan } from '../plan/index.js'
import { CompressedBodies } from './compressed-bodies.js'
import { checkFresh } from './check-fresh.js'
import { manifestShard } from './manifest-shard.js'
import { count, stale } from './stale-plan.js'
import { manifestFileOf, sameFile } from './manifest-location.js'
import { readPlanFile, type SavedPlan } from './plan-file.js'
import { secretDigest } from './secret-digest.js'
import { readRegularFile } from '../util/open-regular-file.js'

export interface SavedPlanRequest {
  planFile: string
  /** A manifest named on the command line (`-f`): it must be the plan's own. */
  file?: string
  cwd: string
  /** `--var` values: a secret's value, or the plan's own value of another variable. */
  vars: Readonly<Record<string, string>>
  env: Readonly<Record<string, string | undefined>>
  /** `--allow-outside` of this apply: never the plan's, which anyone who hands over the plan file could widen. */
  allowOutside?: string[]
  concurrency: number
}

export interface LoadedPlan extends SavedPlan {
  /** The manifest as the plan was made from it: its recorded variables, the secrets read again. */
  manifest: Manifest
  /** The compressed copies the manifest's objects name (those the plan writes); the caller disposes of them. */
  bodies: CompressedBodies
}

/**
 * A saved plan and its manifest, loaded again as they were when the plan was made: the
 * manifest from the path the plan records (so no `-f` is needed in another job), with the
 * values of its variables the plan records, not the environment's (which moves on: another
 * commit, another tag): exactly what was reviewed. Secrets, which no plan holds, are read
 * again from --var and the environment and must match the plan's digests. Refused, naming
 * the cause, when the manifest's text, a variable or a file changed: nothing is written.
 */
export async function loadSavedPlan(request: SavedPlanRequest): Promise<LoadedPlan> {
  const saved = await readPlanFile(request.planFile)
  const { planId, manifest: origin } = saved.plan.origin
  const file = manifestFileOf(origin, request.cwd)
  if (request.file !== undefined && !sameFile(path.resolve(request.cwd, request.file), file)) {
    throw new UsageError(`${request.planFile} was made from the manifest ${file}, and -f names ${request.file}: a saved plan applies its own manifest (leave out -f)`)
  }
  const text = await readText(file, origin.path)
  if (createHash('sha256').update(text).digest('hex') !== origin.textDigest) throw stale(`the manifest ${origin.path} changed since the plan`)

  const secretNames = Object.keys(origin.secrets)
  const secrets = Object.fromEntries(secretNames.map((name) => [name, request.vars[name] ?? request.env[name]]))
  const manifest = await loadManifest({ file, text, vars: { ...secrets, ...origin.variables }, env: {}, allowOutside: request.allowOutside })

  // The value read now: --var or the environment, else the declaration's default.
  const valueOf = (name: string) => manifest.variables.find((v) => v.name === name)?.value ?? ''
  const digests = await Promise.all(secretNames.map((name) => secretDigest(planId, name, valueOf(name))))
  const differ = secretNames.filter((name, i) => digests[i] !== origin.secrets[name]).map((name) => `${name} (secret: its value is not shown)`)
  for (const [name, value] of Object.entries(request.vars)) {
    const planned = origin.variables[name]
    if (planned !== undefined && planned !== value) differ.push(`${name} (--var gives ${JSON.stringify(value)}; the plan was made with ${JSON.stringify(planned)})`)
  }
  if (differ.length > 0) throw stale(`${count(differ.length, 'variable')} ${differ.length === 1 ? 'differs' : 'differ'} from the plan's: ${differ.join(', ')}`)

  const bodies = new CompressedBodies()
  try {
    const written = await withWrittenBodies(manifest, saved.plan, bodies, request.concurrency)
    // A shard's plan names only its shard's files.
    await checkFresh(saved.plan, manifestShard(written, saved.plan.shard), request.concurrency)
    return { ...saved, manifest: written, bodies }
  } catch (error) {
    await bodies.dispose()
    throw error
  }
}

/**
 * The manifest with the compressed copy of each object with `compress` that the plan
 * writes (uploads, or repairs in place, whose bytes must still be the plan's): the checks
 * of the saved plan and the uploads read them. Other objects are not compressed.
 */
async function withWrittenBodies(manifest: Manifest, plan: Plan, bodies: CompressedBodies, concurrency: number): Promise<Manifest> {
  const writes = new Set(plan.items.filter((item) => isUpload(item) || item.action === 'repair').map((item) => item.key))
  return { ...manifest, objects: await bodies.bodiesOf(manifest.objects, writes, concurrency) }
}

async function readText(file: string, recorded: string): Promise<string> {
  try {
    return await readRegularFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'not-regular-file') throw new PutplanError('manifest-invalid', `the plan's manifest ${(error as Error).message}`)
    if (code !== 'ENOENT') throw new PutplanError('manifest-invalid', `the plan's manifest ${file} cannot be read: ${code ?? (error as Error).message}`)
    throw stale(`its manifest ${recorded} is not at ${file} (run apply in the repository, or the directory, the plan was made in)`)
  }
}
