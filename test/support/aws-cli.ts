/**
 * Runs the AWS CLI (v1, `aws` on PATH) against a test server, as an
 * independent client: what putplan writes must read back the same with it.
 */
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { awsEnv, type MotoServer } from './moto.js'
import { cleanEnv, runProcess, type RunResult } from './process.js'

export type { RunResult } from './process.js'

/** Any server-like target: moto itself, or a proxy in front of it (`{ ...server, endpoint: proxy.endpoint }`). */
export type AwsTarget = Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>

export interface RunAwsOptions {
  cwd?: string
  /** Extra environment; undefined deletes a variable. */
  env?: Record<string, string | undefined>
  input?: string | Buffer
  timeoutMs?: number
}

/** A path that does not exist, so no config or credentials file of the machine is read. */
const NO_FILE = join(tmpdir(), 'putplan-test-no-aws-config')

export function runAws(server: AwsTarget, args: readonly string[], opts: RunAwsOptions = {}): Promise<RunResult> {
  const env = cleanEnv({
    ...awsEnv(server),
    // Given explicitly below; the CLI v1 ignores it anyway, but keep it out of the way.
    AWS_ENDPOINT_URL: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: NO_FILE,
    AWS_SHARED_CREDENTIALS_FILE: NO_FILE,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    // AWS_CA_BUNDLE is not inherited (cleanEnv drops AWS_*); the endpoint is plain HTTP.
    PYTHONWARNINGS: 'ignore',
    ...opts.env,
  })
  return runProcess('aws', ['--endpoint-url', server.endpoint, ...args], {
    cwd: opts.cwd,
    env,
    input: opts.input,
    timeoutMs: opts.timeoutMs,
  })
}

/** Runs `aws ... --output json` and parses stdout; throws with stderr when the command fails. */
export async function runAwsJson<T = Record<string, unknown>>(
  server: AwsTarget,
  args: readonly string[],
  opts: RunAwsOptions = {},
): Promise<T> {
  const result = await runAws(server, [...args, '--output', 'json'], opts)
  if (result.code !== 0) {
    throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
  }
  return parseAwsJson<T>(result.stdout)
}

/** The CLI prints nothing at all for operations without output. */
export function parseAwsJson<T = Record<string, unknown>>(stdout: string): T {
  return (stdout.trim() === '' ? {} : JSON.parse(stdout)) as T
}
