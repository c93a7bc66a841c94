import { realpathSync } from 'node:fs'
import path from 'node:path'
import { PutplanError } from '../errors/index.js'
import type { ManifestOrigin } from '../plan/index.js'
import { workTreeOf } from '../manifest/index.js'

export type ManifestLocation = Pick<ManifestOrigin, 'path' | 'relativeTo'>

/**
 * Where a saved plan says its manifest is: relative to the root of the git work tree that
 * holds it, so that the plan applies in any clone (CI jobs check out afresh, often at
 * another path); outside git, relative to the directory plan ran in.
 */
export function locateManifest(file: string, cwd: string): ManifestLocation {
  const absolute = path.resolve(cwd, file)
  const root = workTreeOf(path.dirname(absolute))
  return root === undefined ? { path: slashes(path.relative(cwd, absolute)), relativeTo: 'directory' } : { path: slashes(path.relative(root, absolute)), relativeTo: 'repository' }
}

/** The absolute path of a saved plan's manifest, found from `cwd`: the repository's root is that of the work tree `cwd` is in. */
export function manifestFileOf(location: ManifestLocation, cwd: string): string {
  if (location.relativeTo === 'directory') return path.resolve(cwd, location.path)
  const root = workTreeOf(cwd)
  if (root === undefined) {
    throw new PutplanError(
      'plan-file-invalid',
      `the plan's manifest is ${location.path} in its git repository, and ${cwd} is in no git work tree: run putplan apply inside a clone of the repository. Nothing was written`,
    )
  }
  return path.join(root, ...location.path.split('/'))
}

/** Whether two paths name one file (through symbolic links too). */
export function sameFile(a: string, b: string): boolean {
  return real(a) === real(b)
}

function real(file: string): string {
  try {
    return realpathSync.native(file)
  } catch {
    return path.resolve(file)
  }
}

function slashes(relative: string): string {
  return relative.split(path.sep).join('/')
}
