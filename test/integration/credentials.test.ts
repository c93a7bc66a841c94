/**
 * Where putplan's credentials come from, against moto with signature checking on: the
 * environment's keys, a named profile in the shared credentials file (`--profile` or
 * AWS_PROFILE), and the chain's rule that a selected profile wins over keys in the
 * environment, and a web identity (CI's OIDC) exchanged through STS. A wrong key is
 * refused by moto, so every case proves which key signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsEnv, createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, planJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { freeRequests, webIdentityRole } from '../support/moto-iam.js'

let moto: MotoServer
let ws: Workspace
let roleArn: string
const BUCKET = 'putplan-credentials'
const WRONG = { AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG0', AWS_SECRET_ACCESS_KEY: 'wrong-secret' }

beforeAll(async () => {
  moto = await startMoto({ auth: true })
  await createBucket(moto, BUCKET)
  ws = await makeWorkspace('putplan-credentials-')
  await ws.write('site/a.txt', 'a\n')
  await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/a.txt', key: 'a.txt' }] })
  const { accessKeyId, secretAccessKey } = moto.credentials
  await ws.write('oidc-token', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJyZXBvOmV4YW1wbGUvc2l0ZSJ9.')
  roleArn = await webIdentityRole(moto, 'putplan-ci', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }] })
  await ws.write(
    'aws/credentials',
    `[deploy]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n\n[other]\naws_access_key_id = ${WRONG.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${WRONG.AWS_SECRET_ACCESS_KEY}\n`,
  )
}, 60_000)

afterAll(async () => {
  await ws?.remove()
  await moto?.stop()
})

/** moto's endpoint and region, the test's credentials file, and no keys unless given. */
function env(extra: Record<string, string | undefined>): Record<string, string | undefined> {
  const base = awsEnv(moto)
  return { ...base, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: ws.path('aws/credentials'), ...extra }
}

describe('credentials', () => {
  it('keys in the environment sign the requests', async () => {
    const { result, plan } = await planJson(ws, env({ AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey }))
    expect(result.code, result.stderr).toBe(2)
    expect(plan.summary).toMatchObject({ create: 1 })
  })

  it('wrong keys in the environment are refused by the server (the check the other cases rely on)', async () => {
    const result = await runPutplan(['plan'], { cwd: ws.dir, env: env(WRONG) })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/access denied to bucket/)
  })

  it('--profile reads the shared credentials file, and wins over keys in the environment', async () => {
    for (const extra of [{}, WRONG]) {
      const { result, plan } = await planJson(ws, env(extra), ['--profile', 'deploy'])
      expect(result.code, result.stderr).toBe(2)
      expect(plan.summary).toMatchObject({ create: 1 })
    }
  })

  it('AWS_PROFILE selects the profile too, and wins over keys in the environment', async () => {
    const good = await planJson(ws, env({ ...WRONG, AWS_PROFILE: 'deploy' }))
    expect(good.result.code, good.result.stderr).toBe(2)
    const bad = await runPutplan(['plan'], { cwd: ws.dir, env: env({ AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey, AWS_PROFILE: 'other' }) })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/access denied to bucket/)
  })

  it('a web identity token (CI OIDC) is exchanged with STS, and the SDK prints no Node-version notice', async () => {
    // The AssumeRoleWithWebIdentity: the S3 requests after it are checked against the role's policy.
    await freeRequests(moto, 1)
    const result = await runPutplan(['plan', '--detailed-exitcode'], {
      cwd: ws.dir,
      env: env({ AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: ws.path('oidc-token'), AWS_ROLE_SESSION_NAME: 'ci' }),
    })
    expect(result.code, result.stderr).toBe(2)
    expect(result.stdout).toContain('+ a.txt')
    expect(result.stderr).toBe('')
  })
})
