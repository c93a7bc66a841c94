/**
 * Terraform's exit codes, which CI scripts branch on: 0 success, 1 any error, 2 only for
 * "the plan has changes" under --detailed-exitcode. oclif exits 2 for an unknown
 * command; here every usage mistake exits 1 with the help line. And the manifest as an
 * argument (`putplan plan site/uploads.yaml`) works as `-f` does, for validate, plan
 * and apply, against moto with signature checking on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshot } from '../support/bucket-snapshot.js'
import { awsEnv, createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, parsePlanJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

let server: MotoServer
let ws: Workspace
const BUCKET = 'putplan-exit-codes'
const HELP_LINE = /See more help with (putplan )?--help/

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  ws = await makeWorkspace('putplan-exit-codes-')
  await ws.write('site/public/index.html', '<h1>hi</h1>\n')
  await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'public/**', root: 'public' }] }, 'site/uploads.yaml')
}, 60_000)

afterAll(async () => {
  await ws?.remove()
  await server?.stop()
})

function run(args: string[]): Promise<RunResult> {
  return runPutplan(args, { cwd: ws.dir, env: awsEnv(server) })
}

describe('usage mistakes exit 1 with the help line, never 2', () => {
  it.each([
    [['frobnicate'], /^Error: "frobnicate" is not a putplan command\n/],
    [['paln'], /^Error: "paln" is not a putplan command; did you mean "plan"\?\n/],
    [['--frob'], /^Error: "--frob" is not a putplan flag here: flags follow a command/],
    [['plan', '--frob'], /^Error: Nonexistent flag: --frob\n/],
    [['validate', '--format', 'xml'], /^Error: Expected --format=xml to be one of: human, json\n/],
    [['validate', 'site/uploads.yaml', 'extra'], /^Error: Unexpected argument: extra\n/],
    [['show'], /^Error: Missing 1 required arg:\n/],
  ])('putplan %j', async (args, message) => {
    const before = await snapshot(server)
    const result = await run(args)
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(HELP_LINE)
    expect(await snapshot(server)).toEqual(before)
  })

  it('an unknown command lists the commands there are', async () => {
    const result = await run(['deploy'])
    expect(result.stderr).toContain('Commands: apply, init, plan, schema, show, validate.')
  })

  it('two different manifests, as the argument and -f, are refused', async () => {
    const result = await run(['plan', 'site/uploads.yaml', '-f', 'uploads.yaml'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('Error: two manifests given: "site/uploads.yaml" and -f "uploads.yaml"; give one\n')
  })
})

describe('the manifest as an argument', () => {
  it('validate site/uploads.yaml is validate -f site/uploads.yaml', async () => {
    const [positional, flag] = await Promise.all([run(['validate', 'site/uploads.yaml']), run(['validate', '-f', 'site/uploads.yaml'])])
    expect(positional.code, positional.stderr).toBe(0)
    expect(positional.stdout).toBe('Valid: site/uploads.yaml wants 1 object (12 B) in bucket putplan-exit-codes.\n')
    expect(positional.stdout).toBe(flag.stdout)
  })

  it('plan site/uploads.yaml plans it: exit 0 with changes, 2 with --detailed-exitcode; the same as -f', async () => {
    const plain = await run(['plan', 'site/uploads.yaml', '--format', 'json'])
    expect(plain.code, plain.stderr).toBe(0)
    const detailed = await run(['plan', 'site/uploads.yaml', '--format', 'json', '--detailed-exitcode'])
    expect(detailed.code, detailed.stderr).toBe(2)
    const flag = await run(['plan', '-f', 'site/uploads.yaml', '--format', 'json', '--detailed-exitcode'])
    // Every plan has its own id (and so its own digest); all else is the same.
    const content = (result: typeof flag) => ({ ...parsePlanJson(result), planId: undefined, planDigest: undefined })
    expect(content(detailed)).toEqual(content(flag))
    expect(parsePlanJson(plain).summary).toMatchObject({ create: 1 })
    // The same file named both ways is no conflict.
    const both = await run(['plan', 'site/uploads.yaml', '-f', 'site/uploads.yaml'])
    expect(both.code, both.stderr).toBe(0)
  })

  it('apply site/uploads.yaml --auto-approve applies that manifest; the next plan has no changes (exit 0)', async () => {
    const apply = await run(['apply', 'site/uploads.yaml', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toContain('Apply complete: 1 created')
    expect(Object.keys((await snapshot(server))[BUCKET]!.objects)).toEqual(['index.html'])
    const again = await run(['plan', 'site/uploads.yaml', '--detailed-exitcode'])
    expect(again.code, again.stdout).toBe(0)
    expect(again.stdout).toContain('No changes.')
  })

  it('apply FILE that is not .yaml or .yml is still a saved plan', async () => {
    await ws.write('site/uploads.yaml.txt', 'version: 1\n')
    const result = await runPutplan(['apply', 'uploads.yaml.txt'], { cwd: ws.path('site'), env: awsEnv(server) })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^Error: uploads\.yaml\.txt is not a plan file/)
  })
})

describe('an endpoint without a scheme: a clear error, exit 1, no request sent', () => {
  it.each([
    ['--endpoint', ['--endpoint', 'example.com:9000'], {}, 'endpoint "example.com:9000"'],
    ['AWS_ENDPOINT_URL', [], { AWS_ENDPOINT_URL: '127.0.0.1:9000' }, 'AWS_ENDPOINT_URL "127.0.0.1:9000"'],
    ['AWS_ENDPOINT_URL_S3', [], { AWS_ENDPOINT_URL_S3: 'localhost:9000' }, 'AWS_ENDPOINT_URL_S3 "localhost:9000"'],
  ])('from %s', async (_from, flags, env, written) => {
    for (const command of [['plan'], ['apply', '--auto-approve']]) {
      const result = await runPutplan([...command, '-f', 'site/uploads.yaml', ...flags], { cwd: ws.dir, env: { ...awsEnv(server), ...env } })
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toBe(`Error: ${written} has no scheme: add http:// or https://, e.g. http://${written.split('"')[1]}\n`)
    }
  })

  it('in the manifest: validate names its line and column', async () => {
    await ws.manifest({ version: 1, bucket: BUCKET, endpoint: 'example.com:9000', uploads: [{ source: 'public/**', root: 'public' }] }, 'site/no-scheme.yaml')
    const result = await run(['validate', 'site/no-scheme.yaml'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('site/no-scheme.yaml:4:15: error[pattern]: endpoint "example.com:9000" is not valid')
    expect(result.stderr).toContain('(add one before a bare host:port)')
  })
})
