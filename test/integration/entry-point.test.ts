/**
 * `bin/run.js` turns V8's allocation-site pretenuring off before anything loads: with it on,
 * a long plan sometimes keeps every finished request's objects until a full collection
 * (bench/README.md). V8 reports each pretenuring decision under `--trace-pretenuring-statistics`,
 * so the CLI must print none, while the same start without the flag prints some.
 */
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cleanEnv, runProcess } from '../support/process.js'
import { cliEntry, repoRoot } from '../support/run-cli.js'

const trace = '--trace-pretenuring-statistics'
const decisions = /^\[\d+:0x[0-9a-f]+\] pretenuring: /m

describe('the entry point', () => {
  it('control: the same start without the flag makes pretenuring decisions', async () => {
    const withoutFlag = `const { execute } = await import('@oclif/core'); await execute({ dir: ${JSON.stringify(pathToFileURL(cliEntry).href)}, args: ['--version'] })`
    const result = await runProcess(process.execPath, [trace, '--input-type=module', '-e', withoutFlag], { cwd: repoRoot, env: cleanEnv() })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^putplan\/\d/m)
    expect(result.stdout).toMatch(decisions)
  })

  it('makes no pretenuring decision once bin/run.js has started', async () => {
    const result = await runProcess(process.execPath, [trace, cliEntry, '--version'], { cwd: repoRoot, env: cleanEnv() })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^putplan\/\d/m)
    expect(result.stdout).not.toMatch(decisions)
  })
})
