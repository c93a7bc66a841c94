import { existsSync } from 'node:fs'
import path from 'node:path'

/** The nearest directory at or above `dir` with a `.git` entry (a directory, or a file in a linked work tree or submodule). */
export function workTreeOf(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return at
    if (path.dirname(at) === at) return undefined
  }
}
