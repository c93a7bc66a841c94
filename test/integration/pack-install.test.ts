/**
 * putplan as a site's repository gets it: `npm pack` on a copy of the sources without
 * dist/ (so the package's own `prepare` script must build it), the tarball installed into
 * a fresh project, and the installed binary run through npx against moto with signature
 * checking on: --version, validate, plan, apply, and a second plan without changes.
 * One pack per run; the install reuses the npm cache that `npm ci` filled.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsEnv, createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { cleanEnv, runProcess, type RunResult } from '../support/process.js'
import { cliEnv, repoRoot } from '../support/run-cli.js'

/** What a checkout has that a clean clone would not, and what the package build never reads. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'oclif.manifest.json', join('src', 'manifest', 'generated'), 'test', 'bench', 'coverage', '.putplan-demo'])
const BUCKET = 'putplan-installed'
const NPM_QUIET = ['--prefer-offline', '--no-audit', '--no-fund']

let server: MotoServer
let work: string
let project: string
let version: string

beforeAll(async () => {
  version = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
  work = await mkdtemp(join(tmpdir(), 'putplan-pack-'))
  const sources = join(work, 'sources')
  await cp(repoRoot, sources, { recursive: true, filter: (path) => !NOT_COPIED.has(relative(repoRoot, path)) })
  // The build's tools, without a second install.
  await symlink(join(repoRoot, 'node_modules'), join(sources, 'node_modules'), 'dir')
  // What an earlier build left: a module whose source has since been removed.
  await mkdir(join(sources, 'dist', 'commands'), { recursive: true })
  await writeFile(join(sources, 'dist', 'commands', 'removed-since.js'), 'export default class Removed {}\n')
  const packed = await npm(['pack', '--json', '--pack-destination', work], sources)
  expect(packed.code, packed.stderr).toBe(0)
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }]

  project = join(work, 'site')
  await mkdir(project)
  await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'site', private: true }, null, 2)}\n`)
  const installed = await npm(['install', join(work, filename), ...NPM_QUIET], project)
  expect(installed.code, installed.stderr).toBe(0)

  await mkdir(join(project, 'public'))
  await writeFile(join(project, 'public', 'index.html'), '<h1>installed</h1>\n')
  await writeFile(join(project, 'public', 'app.css'), 'body { margin: 0 }\n')
  await writeFile(join(project, 'uploads.yaml'), `version: 1\nbucket: ${BUCKET}\nuploads:\n  - source: "public/**"\n    root: public\n    prefix: site/\n`)
  server = await startMoto()
  await createBucket(server, BUCKET)
}, 300_000)

afterAll(async () => {
  await server?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

function npm(args: string[], cwd: string): Promise<RunResult> {
  return runProcess('npm', args, { cwd, env: cleanEnv({ npm_config_update_notifier: 'false' }), timeoutMs: 240_000 })
}

/**
 * The installed binary, as a site's scripts call it; with NODE_ENV=development, as a site's
 * shell or CI often sets it (oclif then looked for TypeScript and warned on every run).
 */
function putplan(args: string[]): Promise<RunResult> {
  return runProcess('npx', ['--no-install', 'putplan', ...args], { cwd: project, env: cliEnv({ ...awsEnv(server), NODE_ENV: 'development' }) })
}

describe('the packed and installed CLI', () => {
  it('the tarball holds the built CLI, not its sources', async () => {
    const listed = await runProcess('tar', ['-tzf', join(work, `putplan-${version}.tgz`)], { env: cleanEnv() })
    const files = listed.stdout.split('\n').filter(Boolean)
    expect(files).toEqual(expect.arrayContaining(['package/bin/run.js', 'package/dist/commands/plan.js', 'package/oclif.manifest.json', 'package/schema/uploads.schema.json']))
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([])
    expect(files).not.toContain('package/dist/commands/removed-since.js')
  })

  it('npx putplan --version', async () => {
    const result = await putplan(['--version'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^putplan/${version.replace(/\./g, '\\.')} `))
  })

  it('validate, plan, apply --auto-approve, then a plan without changes; nothing on stderr but the report', async () => {
    const validate = await putplan(['validate'])
    expect(validate.code, validate.stderr).toBe(0)
    expect(validate.stdout).toBe(`Valid: uploads.yaml wants 2 objects (${'<h1>installed</h1>\n'.length + 'body { margin: 0 }\n'.length} B) in bucket ${BUCKET}.\n`)
    expect(validate.stderr).toBe('')

    const plan = await putplan(['plan', '--detailed-exitcode'])
    expect(plan.code, plan.stderr).toBe(2)
    expect(plan.stdout).toContain('+ site/index.html')
    expect(plan.stdout).toContain('Plan: 2 to create, 0 to update')
    expect(plan.stderr).toBe('')

    const apply = await putplan(['apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toMatch(/^Apply complete: 2 created, 0 updated, 0 unchanged/m)

    const again = await putplan(['plan', '--detailed-exitcode'])
    expect(again.code, again.stdout).toBe(0)
    expect(again.stdout).toContain('No changes. The bucket matches the manifest.')
    expect(again.stderr).toBe('')
  })
})
