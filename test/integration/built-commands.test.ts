/**
 * `npm run build` bundles each command with what it imports (scripts/bundle.mjs), so an
 * installed putplan has only its `dependencies`: whatever a built command still imports
 * at run time must be one of them, or a module of Node's own.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../support/run-cli.js'

const commandNames = (dir: string, extension: string) =>
  readdirSync(join(repoRoot, dir))
    .filter((file) => file.endsWith(extension))
    .map((file) => file.slice(0, -extension.length))
    .sort()

const specifiers = (code: string) => [...code.matchAll(/(?:\bfrom\s*|\bimport\(\s*|\brequire\(\s*)["']([^"']+)["']/g)].map((m) => m[1]!)

/** The packages a module imports or requires by name. */
function packagesImported(code: string): Set<string> {
  const named = specifiers(code).filter((s) => !s.startsWith('.') && !isBuiltin(s))
  return new Set(named.map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/')))
}

const filesImported = (code: string) => specifiers(code).filter((s) => s.startsWith('.'))

describe('the built commands', () => {
  const built = commandNames('dist/commands', '.js')

  it('are one file per command, which loads no other file of the build', () => {
    expect(built).toEqual(commandNames('src/commands', '.ts'))
    for (const name of built) expect(filesImported(readFileSync(join(repoRoot, 'dist', 'commands', `${name}.js`), 'utf8')), name).toEqual([])
  })

  it('import no package at run time but the dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    const dependencies = Object.keys(pkg.dependencies)
    for (const name of built) {
      const imported = packagesImported(readFileSync(join(repoRoot, 'dist', 'commands', `${name}.js`), 'utf8'))
      expect([...imported].filter((p) => !dependencies.includes(p)), name).toEqual([])
    }
  })

  it('control: an unbundled module is caught importing files and development packages', () => {
    const unbundled = `import { parseDocument } from "yaml"\nimport { x } from '../cli/flags.js'\nconst fg = require('fast-glob')\nimport('node:fs')`
    expect(packagesImported(unbundled)).toEqual(new Set(['yaml', 'fast-glob']))
    expect(filesImported(unbundled)).toEqual(['../cli/flags.js'])
  })
})
