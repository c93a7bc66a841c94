/**
 * `putplan plan` and `putplan show` through the built CLI against moto_server with
 * signature checking on: a wrong secret fails, a missing bucket fails without creating
 * it, create-only objects, and saved plans (show renders them, no SSE-C key in them,
 * a damaged file is refused). Every `--format json` output is parsed whole and checked
 * against schema/plan.schema.json.
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsEnv, createBucket, s3Client, type MotoServer } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { parsePlanJson, planJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const suite = useMotoSuite()

async function putObject(target: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>, input: ConstructorParameters<typeof PutObjectCommand>[0]): Promise<void> {
  const s3 = s3Client(target)
  try {
    await s3.send(new PutObjectCommand(input))
  } finally {
    s3.destroy()
  }
}

/** The JSON error document `--format json` prints on failure: parsed whole. */
function errorDocument(result: RunResult): { error: { code: string; message: string } } {
  return JSON.parse(result.stdout) as { error: { code: string; message: string } }
}

describe('signature checking', () => {
  let ws: Workspace
  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, 'signed')
    await ws.write('hello.txt', 'hello\n')
    await ws.manifest({ version: 1, bucket: 'signed', uploads: [{ source: 'hello.txt', key: 'hello.txt' }] })
  })

  it('fails with exit 1 and a message when the secret is wrong', async () => {
    const env = { ...awsEnv(suite.server), AWS_SECRET_ACCESS_KEY: `${suite.server.credentials.secretAccessKey}x` }
    const [human, json] = await Promise.all([runPutplan(['plan'], { cwd: ws.dir, env }), runPutplan(['plan', '--format', 'json'], { cwd: ws.dir, env })])
    expect(human.code, human.stderr).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr).toMatch(/^Error: .*"signed"/m)
    expect(human.stderr).not.toContain('internal error')
    expect(json.code).toBe(1)
    expect(errorDocument(json).error).toMatchObject({ code: 's3', message: expect.stringContaining('"signed"') })
  })

  it('plans with the right secret', async () => {
    const [{ result, plan }, human] = await Promise.all([planJson(ws, awsEnv(suite.server)), runPutplan(['plan'], { cwd: ws.dir, env: awsEnv(suite.server) })])
    expect(verdicts(plan), result.stderr).toEqual({ 'hello.txt': { action: 'create', reasons: ['new object'] } })
    expect(result.code).toBe(2)
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('hello.txt')
  })
})

describe('a missing bucket', () => {
  it('fails with exit 1, names the bucket, and creates nothing', async () => {
    const ws = await suite.workspace()
    await ws.write('a.txt', 'a\n')
    await ws.manifest({ version: 1, bucket: 'no-such-bucket', uploads: [{ source: 'a.txt', key: 'a.txt' }] })
    const [result, json] = await Promise.all([
      runPutplan(['plan', '--detailed-exitcode'], { cwd: ws.dir, env: awsEnv(suite.server) }),
      runPutplan(['plan', '--format', 'json'], { cwd: ws.dir, env: awsEnv(suite.server) }),
    ])
    expect(result.code, result.stderr).toBe(1)
    expect(result.stderr).toContain('bucket "no-such-bucket" does not exist')
    expect(json.code).toBe(1)
    expect(errorDocument(json).error.message).toContain('"no-such-bucket"')

    const s3 = s3Client(suite.server)
    try {
      const { Buckets = [] } = await s3.send(new ListBucketsCommand({}))
      expect(Buckets.map((b) => b.Name)).not.toContain('no-such-bucket')
    } finally {
      s3.destroy()
    }
  })
})

describe('create-only objects (ifNoneMatch: "*")', () => {
  let ws: Workspace
  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, 'create-only')
    await ws.write('same.txt', 'identical\n')
    await ws.write('differs.txt', 'ours\n')
    await ws.write('new.txt', 'new\n')
    const entry = (name: string, key = name) => ({ source: name, key: `releases/${key}`, ifNoneMatch: '*' })
    await ws.manifest({ version: 1, bucket: 'create-only', uploads: [entry('same.txt'), entry('same.txt', 'headers.txt'), entry('differs.txt'), entry('new.txt')] })
    await ws.manifest({ version: 1, bucket: 'create-only', uploads: [entry('same.txt')] }, 'same-only.yaml')
    // Written by someone else: with the headers putplan would give it, and with others.
    await putObject(suite.server, { Bucket: 'create-only', Key: 'releases/same.txt', Body: 'identical\n', ContentType: 'text/plain; charset=utf-8' })
    await putObject(suite.server, { Bucket: 'create-only', Key: 'releases/headers.txt', Body: 'identical\n', ContentType: 'application/x-other' })
    await putObject(suite.server, { Bucket: 'create-only', Key: 'releases/differs.txt', Body: 'theirs\n' })
  })

  it('present with identical content: unchanged, or repaired when its options differ; with other content: conflict, exit 1; missing: create', async () => {
    const { result, plan } = await planJson(ws, awsEnv(suite.server))
    expect(verdicts(plan), result.stderr).toEqual({
      'releases/differs.txt': { action: 'conflict', reasons: ['create-only object already exists and its content differs'] },
      'releases/headers.txt': { action: 'repair', reasons: ['contentType: "application/x-other" -> "text/plain; charset=utf-8"'] },
      'releases/new.txt': { action: 'create', reasons: ['new object'] },
      'releases/same.txt': { action: 'unchanged', reasons: [] },
    })
    expect(plan.summary).toEqual({ create: 1, update: 0, repair: 1, delete: 0, unchanged: 1, undecided: 0, conflict: 1 })
    expect(result.code).toBe(1)
  })

  it('exits 0 when the only create-only object is present and identical', async () => {
    const { result, plan } = await planJson(ws, awsEnv(suite.server), ['-f', 'same-only.yaml'])
    expect(verdicts(plan), result.stderr).toEqual({ 'releases/same.txt': { action: 'unchanged', reasons: [] } })
    expect(result.code).toBe(0)
  })
})

describe('saved plans: plan --out, show', () => {
  const bucket = 'saved'
  const sseKey = randomBytes(32).toString('base64')
  let ws: Workspace
  let proxy: S3Proxy
  let env: Record<string, string>
  const runs: RunResult[] = []
  const run = async (args: string[]) => {
    const result = await runPutplan(args, { cwd: ws.dir, env })
    runs.push(result)
    return result
  }

  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, bucket)
    // Through the proxy, which refuses to read an SSE-C object without its key, as S3 does.
    proxy = await startS3Proxy(suite.server.endpoint, { credentials: suite.server.credentials })
    const target = { ...suite.server, endpoint: proxy.endpoint }
    env = { ...awsEnv(target), SSE_KEY: sseKey }
    await ws.write('site/index.html', '<!doctype html>\n')
    await ws.write('site/new.css', 'body { margin: 0 }\n')
    await ws.write('private/secret.txt', 'for the key holder only\n')
    await ws.manifest({
      version: 1,
      bucket,
      variables: { SSE_KEY: { secret: true } },
      uploads: [
        { source: 'site/*', root: 'site', prefix: 'site/', cacheControl: 'no-cache' },
        { source: 'private/secret.txt', key: 'private/secret.txt', sseCustomerAlgorithm: 'AES256', sseCustomerKey: '${SSE_KEY}', checksumAlgorithm: 'SHA256' },
      ],
    })
    const key = Buffer.from(sseKey, 'base64')
    await putObject(target, { Bucket: bucket, Key: 'site/index.html', Body: '<!doctype html>\n', ContentType: 'text/html; charset=utf-8', CacheControl: 'max-age=60' })
    await putObject(target, {
      Bucket: bucket,
      Key: 'private/secret.txt',
      Body: 'for the key holder only\n',
      ContentType: 'text/plain; charset=utf-8',
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: key as unknown as string, // the SDK takes the key's bytes and encodes them itself
      ChecksumAlgorithm: 'SHA256',
    })
  })

  afterAll(async () => {
    await proxy?.stop()
  })

  it('plan --out saves the document plan --format json prints; show renders it, as text and as the same JSON', async () => {
    const planned = await run(['plan', '--format', 'json', '--out', 'plan.json', '--debug'])
    expect(planned.code, planned.stderr).toBe(0)
    const printed = parsePlanJson(planned)
    expect(verdicts(printed)).toEqual({
      'private/secret.txt': { action: 'unchanged', reasons: [] },
      'site/index.html': { action: 'repair', reasons: ['cacheControl: "max-age=60" -> "no-cache"'] },
      'site/new.css': { action: 'create', reasons: ['new object'] },
    })
    const saved = JSON.parse(await readFile(ws.path('plan.json'), 'utf8')) as unknown
    expect(saved).toEqual(printed)

    const [human, again, markdown, humanPlan] = await Promise.all([
      run(['show', 'plan.json']),
      run(['show', 'plan.json', '--format', 'json']),
      run(['show', 'plan.json', '--format', 'markdown']),
      run(['plan', '--out', 'plan-human.json']),
    ])
    expect(human.code, human.stderr).toBe(0)
    for (const key of ['site/index.html', 'site/new.css', 'cacheControl: "max-age=60" -> "no-cache"']) expect(human.stdout).toContain(key)
    expect(again.code, again.stderr).toBe(0)
    expect(parsePlanJson(again)).toEqual(saved)
    expect(markdown.code, markdown.stderr).toBe(0)
    expect(humanPlan.code, humanPlan.stderr).toBe(0)
    expect(humanPlan.stderr).toContain('Saved the plan to plan-human.json')
  })

  it('never writes or prints the SSE-C key', async () => {
    expect(runs.length).toBeGreaterThan(0)
    const secretEntry = parsePlanJson(runs[0]!).actions.find((a) => a.key === 'private/secret.txt')!
    expect(secretEntry.options.sseCustomerKey).toBe('(secret)')
    for (const file of ['plan.json', 'plan-human.json']) expect(await readFile(ws.path(file), 'utf8')).not.toContain(sseKey)
    for (const result of runs) {
      expect(result.stdout).not.toContain(sseKey)
      expect(result.stderr).not.toContain(sseKey)
    }
    expect(runs[0]!.stderr).toContain('x-amz-server-side-encryption-customer-key') // --debug did log the request
  })

  it('refuses a truncated or edited plan file with exit 1 and a clear message', async () => {
    const text = await readFile(ws.path('plan.json'), 'utf8')
    await writeFile(ws.path('truncated.json'), text.slice(0, Math.floor(text.length / 2)))
    const edited = JSON.parse(text) as { actions: { action: string }[] }
    edited.actions[0]!.action = 'delete'
    await writeFile(ws.path('edited.json'), JSON.stringify(edited))
    const [truncated, refused] = await Promise.all([run(['show', 'truncated.json']), run(['show', 'edited.json', '--format', 'json'])])
    expect(truncated.code).toBe(1)
    expect(truncated.stdout).toBe('')
    expect(truncated.stderr).toMatch(/^Error: truncated\.json is not a plan file: .*\(truncated or edited\?\)$/m)
    expect(refused.code).toBe(1)
    expect(errorDocument(refused).error.message).toMatch(/^edited\.json /)
    expect(refused.stderr).not.toContain('internal error')
  })
})
