/**
 * Runs the built CLI (`bin/run.js`, which loads `dist/`; `npm run build` first)
 * as a user would, with an environment the test controls.
 */
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanEnv, runProcess, type RunResult } from './process.js'

export type { RunResult } from './process.js'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
/** The CLI's entry point, as the package's `bin` names it. */
export const cliEntry = join(repoRoot, 'bin', 'run.js')
const NO_FILE = join(tmpdir(), 'putplan-test-no-aws-config')

export interface RunPutplanOptions {
  cwd: string
  /**
   * The only AWS_* variables the CLI sees (see `awsEnv(server)`), plus any
   * other variable to set; undefined deletes one.
   */
  env?: Record<string, string | undefined>
  /** Written to stdin, which is then closed (stdin is never a terminal). */
  input?: string | Buffer
  timeoutMs?: number
}

/**
 * The CLI's environment: unless the test says otherwise (`env`), no colour, no
 * machine AWS config or credentials files, no instance-metadata lookups (they
 * would stall a test that runs without credentials).
 */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    NO_COLOR: process.env.NO_COLOR ?? '1',
    FORCE_COLOR: undefined,
    AWS_CONFIG_FILE: NO_FILE,
    AWS_SHARED_CREDENTIALS_FILE: NO_FILE,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  })
}

export function runPutplan(args: readonly string[], opts: RunPutplanOptions): Promise<RunResult> {
  if (!existsSync(join(repoRoot, 'dist'))) {
    throw new Error('dist/ is missing: run `npm run build` before the integration tests')
  }
  const env = cliEnv(opts.env)
  return runProcess(process.execPath, [cliEntry, ...args], {
    cwd: opts.cwd,
    env,
    input: opts.input,
    timeoutMs: opts.timeoutMs,
  })
}
