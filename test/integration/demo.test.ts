/**
 * `npm run demo`, the README's first command: scripts/demo.mjs starts its own moto_server
 * and runs validate, plan, apply and plan again against it. Without moto_server it names
 * the one command that installs it and exits 1.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runProcess } from '../support/process.js'
import { repoRoot } from '../support/run-cli.js'

const demo = join(repoRoot, 'scripts', 'demo.mjs')
let emptyDir: string

beforeAll(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), 'putplan-demo-path-'))
})
afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true })
})

describe('npm run demo', () => {
  it('runs validate, plan, apply and an empty second plan against the moto_server it starts', async () => {
    const result = await runProcess(process.execPath, [demo], { cwd: repoRoot, env: cleanEnv({ NO_COLOR: '1' }) })
    expect(result.code, result.stderr + result.stdout).toBe(0)
    const steps = [...result.stdout.matchAll(/^==> (putplan .*)$/gm)].map((m) => m[1])
    expect(steps).toEqual(['putplan validate', 'putplan plan', 'putplan apply --auto-approve', 'putplan plan --detailed-exitcode'])
    expect(result.stdout).toContain('No changes. The bucket matches the manifest.')
    expect(result.stdout).toContain('The second plan is empty')
  })

  it('without moto_server on PATH: the command that installs it, exit 1', async () => {
    const result = await runProcess(process.execPath, [demo], { cwd: repoRoot, env: cleanEnv({ PATH: emptyDir }) })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('moto_server is not installed (not found on PATH). Install it with:\n  pip install "moto[server]"\n')
  })
})
