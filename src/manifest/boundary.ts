import { realpathSync } from 'node:fs'
import path from 'node:path'
import fg from 'fast-glob'
import { workTreeOf } from './work-tree.js'

/**
 * Where a manifest may read files: the git work tree that holds it (outside git, its own
 * folder), and the folders it or the command line names explicitly. A manifest and its
 * files may come from a pull request while the job holds credentials: a path or link that
 * leads elsewhere would upload (and print) what the pull request's author cannot see.
 * All paths here are real (symbolic links resolved), so that real paths compare.
 */
export interface Boundary {
  root: string
  /** `git`: the work tree's root; `folder`: the manifest's folder (no git above it). */
  kind: 'git' | 'folder'
  /** Folders allowed besides (`--allow-outside`, the manifest's `allowOutside`). */
  allowed: string[]
}

/** `manifestDir`: the manifest's folder as the path names it; `allowed`: absolute folders. */
export function boundaryOf(manifestDir: string, allowed: readonly string[]): Boundary {
  const dir = realOrResolved(manifestDir)
  const root = workTreeOf(dir)
  return { root: root ?? dir, kind: root === undefined ? 'folder' : 'git', allowed: allowed.map(realOrResolved) }
}

/** Whether a real path lies inside the boundary. */
export function contains(boundary: Boundary, real: string): boolean {
  return [boundary.root, ...boundary.allowed].some((dir) => isWithin(dir, real))
}

/** "the git work tree /src/site" or "the manifest's folder /tmp/x": for messages. */
export function describeBoundary(boundary: Boundary): string {
  return boundary.kind === 'git' ? `the git work tree ${boundary.root}` : `the manifest's folder ${boundary.root}`
}

/** An allowed folder as plans show it: relative to the boundary's root, with `/`. */
export function shownFolder(boundary: Boundary, dir: string): string {
  return path.relative(boundary.root, dir).split(path.sep).join('/') || '.'
}

/**
 * Why a path written in the manifest (a source glob or a root, relative to its folder
 * `dir`, real) leaves the boundary before any file is looked at, if it does: absolute, or
 * `..` beyond it. A `..` after a wildcard cannot be judged from the text and is refused.
 */
export function pathEscape(boundary: Boundary, dir: string, written: string): 'absolute' | 'parent' | 'parent-after-wildcard' | undefined {
  if (path.posix.isAbsolute(written) || path.isAbsolute(written) || /^[A-Za-z]:/.test(written)) return 'absolute'
  const segments = written.split('/').filter((segment) => segment !== '' && segment !== '.')
  const firstDynamic = segments.findIndex((segment) => fg.isDynamicPattern(segment))
  const base = firstDynamic < 0 ? segments : segments.slice(0, firstDynamic)
  if (firstDynamic >= 0 && segments.slice(firstDynamic).includes('..')) return 'parent-after-wildcard'
  return contains(boundary, path.resolve(dir, ...base)) ? undefined : 'parent'
}

function isWithin(dir: string, target: string): boolean {
  const relative = path.relative(dir, target)
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
}

function realOrResolved(dir: string): string {
  try {
    return realpathSync.native(dir)
  } catch {
    return path.resolve(dir)
  }
}
