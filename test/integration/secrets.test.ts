/**
 * Secrets never leak: every command (validate, plan, plan --out, show, apply --auto-approve,
 * apply plan.json), with --debug, in human and JSON formats, against moto_server with
 * signature checking on, an SSE-C object, and temporary credentials with a session token
 * (STS AssumeRole in moto, which checks the token). A pass-through proxy records every
 * request, so the signatures putplan computed are known too. Then stdout, stderr, the saved
 * plan and the JSON reports are searched for each secret: the secret access key, the session
 * token, the SSE-C key (base64, hex, raw bytes) and every Authorization signature. The SSE-C
 * key's MD5 is not a secret (S3 returns it) and may appear. An error path (a wrong secret,
 * 403) is searched the same way.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHostileProxy, type HostileProxy } from '../support/hostile-proxy.js'
import { createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { assumeRole, denyingPolicy, type TemporaryCredentials } from '../support/moto-iam.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

const BUCKET = 'secrets'
const sseKeyBytes = randomBytes(32)
const SSE_KEY = sseKeyBytes.toString('base64')
const SSE_KEY_MD5 = createHash('md5').update(sseKeyBytes).digest('base64')

let server: MotoServer
let proxy: HostileProxy
let ws: Workspace
let credentials: TemporaryCredentials
/** Every output to search, by what produced it. */
const outputs: { name: string; text: string }[] = []
const results: Record<string, RunResult> = {}

function env(overrides: Partial<TemporaryCredentials> = {}): Record<string, string> {
  const c = { ...credentials, ...overrides }
  return {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_REGION: server.region,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SSE_KEY,
  }
}

async function run(name: string, args: string[], e = env()): Promise<RunResult> {
  const result = await runPutplan(args, { cwd: ws.dir, env: e })
  results[name] = result
  outputs.push({ name: `${name} stdout`, text: result.stdout }, { name: `${name} stderr`, text: result.stderr })
  return result
}

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  credentials = await assumeRole(server, 'putplan-deployer', denyingPolicy([]))
  proxy = await startHostileProxy(server.endpoint)
  ws = await makeWorkspace('putplan-secrets-')
  await ws.write('public.txt', 'public\n')
  await ws.write('secret.txt', 'for the key holder only\n')
  await ws.manifest({
    version: 1,
    bucket: BUCKET,
    variables: { SSE_KEY: { secret: true } },
    uploads: [
      { source: 'public.txt', key: 'public.txt' },
      { source: 'secret.txt', key: 'secret.txt', sseCustomerAlgorithm: 'AES256', sseCustomerKey: '${SSE_KEY}', checksumAlgorithm: 'SHA256' },
    ],
  })

  // Reading commands, then a saved plan applied, then a change applied afresh: every command, with --debug.
  await Promise.all([
    run('validate', ['validate']),
    run('validate json', ['validate', '--format', 'json']),
    run('plan', ['plan', '--debug']),
    run('plan json --out', ['plan', '--format', 'json', '--out', 'plan.json', '--debug']),
  ])
  await Promise.all([run('show', ['show', 'plan.json']), run('show json', ['show', 'plan.json', '--format', 'json'])])
  await run('apply plan.json', ['apply', 'plan.json', '--debug'])
  await ws.write('secret.txt', 'for the key holder only, revised\n')
  await run('apply --auto-approve json', ['apply', '--auto-approve', '--format', 'json', '--debug'])
  await Promise.all([
    run('wrong secret plan', ['plan', '--debug'], env({ secretAccessKey: `${credentials.secretAccessKey}x` })),
    run('wrong secret apply json', ['apply', '--auto-approve', '--format', 'json', '--debug'], env({ secretAccessKey: `${credentials.secretAccessKey}x` })),
  ])
  outputs.push({ name: 'plan.json', text: await readFile(ws.path('plan.json'), 'utf8') })
}, 180_000)

afterAll(async () => {
  await proxy?.stop()
  await ws?.remove()
  await server?.stop()
})

describe('the runs themselves', () => {
  it('used temporary credentials that moto checked, session token included, and the SSE-C key', () => {
    expect(credentials.accessKeyId).toMatch(/^ASIA/)
    const tokens = new Set(proxy.requests.map((r) => r.headers['x-amz-security-token']))
    expect(tokens).toEqual(new Set([credentials.sessionToken]))
    expect(proxy.requests.some((r) => r.method === 'PUT' && r.headers['x-amz-server-side-encryption-customer-key'] === SSE_KEY)).toBe(true)
  })

  it('succeeded where they should, and failed on the wrong secret with exit 1 naming the bucket', () => {
    for (const name of ['validate', 'validate json', 'plan', 'plan json --out', 'show', 'show json', 'apply plan.json', 'apply --auto-approve json']) {
      expect(results[name]!.code, `${name}: ${results[name]!.stderr}`).toBe(0)
    }
    expect(results['apply plan.json']!.stderr).toContain('2 created')
    expect(JSON.parse(results['apply --auto-approve json']!.stdout)).toMatchObject({ summary: { updated: 1, unchanged: 1 } })
    expect(results['wrong secret plan']!.code).toBe(1)
    expect(results['wrong secret plan']!.stderr).toMatch(/^Error: access denied to bucket "secrets"/m)
    expect(results['wrong secret apply json']!.code).toBe(1)
    expect(JSON.parse(results['wrong secret apply json']!.stdout)).toMatchObject({ error: { code: 's3', message: expect.stringContaining('"secrets"') } })
  })

  it('--debug logged the requests, with the signature, token and SSE-C key redacted', () => {
    const debug = results['apply --auto-approve json']!.stderr
    expect(debug).toMatch(/debug: -> PutObject #1 PUT /)
    expect(debug).toContain('Signature=[redacted]')
    expect(debug).toContain('"x-amz-security-token":"[redacted]"')
    expect(debug).toContain('"x-amz-server-side-encryption-customer-key":"[redacted]"')
    expect(results['wrong secret plan']!.stderr).toContain('Signature=[redacted]')
    expect(results['wrong secret plan']!.stderr).toMatch(/debug: <- HeadBucket #1 403/)
  })
})

describe('no secret in any output, saved plan or report', () => {
  const secrets = (): Record<string, string[]> => {
    const signatures = [...new Set(proxy.requests.map((r) => /Signature=([0-9a-f]{64})/.exec(r.headers.authorization ?? '')?.[1]).filter((s): s is string => s !== undefined))]
    return {
      'secret access key': [credentials.secretAccessKey, `${credentials.secretAccessKey}x`],
      'session token': [credentials.sessionToken],
      'SSE-C key': [SSE_KEY, sseKeyBytes.toString('hex'), sseKeyBytes.toString('base64url'), sseKeyBytes.toString('latin1')],
      signatures,
    }
  }

  it('found signatures to look for (requests alike in the same second share one)', () => {
    expect(proxy.requests.length).toBeGreaterThan(10)
    expect(secrets().signatures!.length).toBeGreaterThan(5)
  })

  it('none appears in stdout, stderr, plan.json or the JSON reports of any command', () => {
    expect(outputs.length).toBeGreaterThan(20)
    const leaks: string[] = []
    for (const [what, values] of Object.entries(secrets())) {
      for (const value of values) {
        for (const output of outputs) if (output.text.includes(value)) leaks.push(`${what} in ${output.name}`)
      }
    }
    expect(leaks).toEqual([])
  })

  it('the SSE-C key is shown as (secret) where an option is; its MD5, which S3 returns, may be shown', async () => {
    const plan = JSON.parse(await readFile(ws.path('plan.json'), 'utf8')) as { actions: { key: string; options: Record<string, string> }[] }
    expect(plan.actions.find((a) => a.key === 'secret.txt')!.options.sseCustomerKey).toBe('(secret)')
    expect(SSE_KEY_MD5).toHaveLength(24) // not forbidden: not searched for above
  })
})
