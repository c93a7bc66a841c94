/**
 * Declared variables through the built CLI against moto_server. A manifest can read only
 * the variables it declares: `${CI_DEPLOY_TOKEN}` undeclared is an error, and its value
 * (set in the environment) appears nowhere. A declared secret put in metadata is uploaded
 * (the user's choice) but every output shows `(secret)`: plan in human, JSON and markdown,
 * the saved plan, show, apply's report, validate, and --debug request logs; and apply of the
 * saved plan sends the real value, read again from the environment.
 */
import { readFile } from 'node:fs/promises'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshot } from '../support/bucket-snapshot.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

const BUCKET = 'declared-variables'
const CI_TOKEN = 'ci-deploy-token-a81f0e77'
const SECRET = 'declared-secret-5c2e9b13'

let server: MotoServer
let ws: Workspace
const outputs: { name: string; text: string }[] = []

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  ws = await makeWorkspace('putplan-variables-')
  await ws.write('site/index.html', '<h1>hi</h1>\n')
}, 60_000)

afterAll(async () => {
  await ws?.remove()
  await server?.stop()
})

async function run(name: string, args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  const result = await runPutplan(args, { cwd: ws.dir, env: { ...awsEnv(server), CI_DEPLOY_TOKEN: CI_TOKEN, DEPLOY_SECRET: SECRET, ...extra } })
  outputs.push({ name: `${name} stdout`, text: result.stdout }, { name: `${name} stderr`, text: result.stderr })
  return result
}

describe('an undeclared variable', () => {
  it('is an error at its position with the nearest declared name; the environment value is never read', async () => {
    await ws.write(
      'leak.yaml',
      [
        'version: 1',
        `bucket: ${BUCKET}`,
        'variables:',
        '  CI_DEPLOY_TOKN: { description: a typo }',
        'uploads:',
        '  - source: site/index.html',
        '    key: index.html',
        '    metadata: { leak: "${CI_DEPLOY_TOKEN}" }',
        '',
      ].join('\n'),
    )
    const before = await snapshot(server)
    const [validate, json, plan] = await Promise.all([
      run('undeclared validate', ['validate', '-f', 'leak.yaml']),
      run('undeclared json', ['validate', '-f', 'leak.yaml', '--format', 'json']),
      run('undeclared plan', ['plan', '-f', 'leak.yaml', '--format', 'markdown']),
    ])
    expect(validate.code).toBe(1)
    expect(validate.stderr).toContain('leak.yaml:8:24: error[undeclared-variable]: variable CI_DEPLOY_TOKEN is not declared; did you mean CI_DEPLOY_TOKN?')
    expect((JSON.parse(json.stdout) as { error: { diagnostics: { code: string }[] } }).error.diagnostics.map((d) => d.code)).toEqual(['undeclared-variable'])
    expect(plan.code).toBe(1)
    expect(await snapshot(server)).toEqual(before)
  })
})

describe('a declared secret in metadata', () => {
  beforeAll(async () => {
    await ws.write(
      'uploads.yaml',
      [
        'version: 1',
        `bucket: ${BUCKET}`,
        'variables:',
        '  DEPLOY_SECRET: { description: shared with the CDN, secret: true }',
        '  RELEASE: { description: the release, default: r1 }',
        'uploads:',
        '  - source: site/index.html',
        '    key: index.html',
        '    metadata: { token: "${DEPLOY_SECRET}", release: "${RELEASE}" }',
        '    tagging: { auth: "Bearer ${DEPLOY_SECRET}" }',
        '',
      ].join('\n'),
    )
  })

  it('is shown as (secret) by validate, plan (human, JSON, markdown), the saved plan and show; the saved plan holds a digest only', async () => {
    const [validate, human, json, markdown] = await Promise.all([
      run('validate json', ['validate', '--format', 'json']),
      run('plan human', ['plan', '--debug']),
      run('plan json', ['plan', '--format', 'json']),
      run('plan markdown', ['plan', '--format', 'markdown', '--out', 'plan.json']),
    ])
    for (const result of [validate, human, json, markdown]) expect(result.code, result.stderr).toBe(0)
    expect((JSON.parse(validate.stdout) as { objects: { options: { metadata: unknown } }[] }).objects[0]!.options.metadata).toEqual({ token: '(secret)', release: 'r1' })
    expect(human.stdout).toContain('"token":"(secret)"')
    const action = (JSON.parse(json.stdout) as { actions: { options: { metadata: unknown; tagging: unknown } }[] }).actions[0]!
    expect(action.options).toMatchObject({ metadata: { token: '(secret)', release: 'r1' }, tagging: { auth: 'Bearer (secret)' } })
    const saved = await readFile(ws.path('plan.json'), 'utf8')
    outputs.push({ name: 'plan.json', text: saved })
    const origin = (JSON.parse(saved) as { manifest: { variables: object; secrets: Record<string, string> } }).manifest
    expect(origin.variables).toEqual({ RELEASE: 'r1' })
    expect(Object.keys(origin.secrets)).toEqual(['DEPLOY_SECRET'])
    const show = await run('show', ['show', 'plan.json', '--format', 'json'])
    expect(show.code).toBe(0)
  })

  it('apply plan.json uploads the real value (read again from the environment), and its report and --debug log show none', async () => {
    const apply = await run('apply saved', ['apply', 'plan.json', '--debug', '--format', 'json'])
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toContain('x-amz-meta-token')
    const s3 = s3Client(server)
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'index.html' }))
      expect(head.Metadata).toEqual({ token: SECRET, release: 'r1' })
    } finally {
      s3.destroy()
    }
    // The bucket now holds the secret: a later plan's `have` would show it, were it not redacted.
    const again = await run('plan again', ['plan', '--format', 'json', '--debug'])
    expect(again.code, again.stderr).toBe(0)
  })

  it('a secret that differs at apply refuses the saved plan, naming the variable and not its value', async () => {
    const plan = await run('plan 2', ['plan', '--out', 'plan2.json', '--debug'], { DEPLOY_SECRET: 'another-secret-value' })
    expect(plan.code, plan.stderr).toBe(0)
    const apply = await run('apply 2', ['apply', 'plan2.json'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain('DEPLOY_SECRET (secret: its value is not shown)')
    outputs.push({ name: 'plan2.json', text: await readFile(ws.path('plan2.json'), 'utf8') })
  })

  it('no output or file holds the secret or the undeclared token', () => {
    expect(outputs.length).toBeGreaterThan(15)
    for (const { name, text } of outputs) {
      expect(text, name).not.toContain(SECRET)
      expect(text, name).not.toContain(encodeURIComponent(`Bearer ${SECRET}`))
      expect(text, name).not.toContain(CI_TOKEN)
      expect(text, name).not.toContain('another-secret-value')
    }
  })
})
