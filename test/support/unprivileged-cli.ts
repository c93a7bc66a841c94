/**
 * The built CLI as an unprivileged user (uid and gid 65534, "nobody"), for the tests that
 * root would pass for the wrong reason (root reads a file whatever its mode).
 *
 * That user must reach the CLI: wherever the clone sits (a home folder of mode 700, say),
 * the CLI is run from the clone when that user can, else from a copy of what it loads
 * (bin, dist, package.json, the oclif manifest, schema, node_modules) in the temporary
 * folder, opened to every user. When even Node itself is out of that user's reach, the
 * reason is returned instead, for the test to skip with.
 */
import { spawn } from 'node:child_process'
import { chmod, cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './run-cli.js'

export const NOBODY = 65534

/** What `bin/run.js` loads at run time. */
const RUNTIME = ['bin', 'dist', 'package.json', 'oclif.manifest.json', 'schema', 'node_modules']

export type UnprivilegedCli = { entry: string; remove(): Promise<void> } | { skip: string }

export async function unprivilegedCli(): Promise<UnprivilegedCli> {
  if (!(await runsAsNobody(['-e', '0']))) return { skip: `uid ${NOBODY} cannot run ${process.execPath}` }
  const inClone = join(repoRoot, 'bin', 'run.js')
  if (await runsAsNobody([inClone, '--version'])) return { entry: inClone, remove: async () => {} }
  const copy = await mkdtemp(join(tmpdir(), 'putplan-cli-copy-'))
  const remove = () => rm(copy, { recursive: true, force: true })
  for (const name of RUNTIME) await cp(join(repoRoot, name), join(copy, name), { recursive: true })
  await openToAll(copy)
  const entry = join(copy, 'bin', 'run.js')
  if (await runsAsNobody([entry, '--version'])) return { entry, remove }
  await remove()
  return { skip: `uid ${NOBODY} can reach neither ${repoRoot} nor a copy of the CLI in ${tmpdir()}` }
}

function runsAsNobody(args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: tmpdir(), uid: NOBODY, gid: NOBODY, stdio: 'ignore' })
    child.once('error', () => resolve(false))
    child.once('close', (code) => resolve(code === 0))
  })
}

/** Folders 755, files 644, whatever the clone's umask was (node reads the scripts it runs). */
async function openToAll(dir: string): Promise<void> {
  await chmod(dir, 0o755)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await openToAll(path)
    else if (entry.isFile()) await chmod(path, 0o644)
  }
}
