/**
 * `putplan apply` with keys that need encoding and with SSE-C objects updated from a
 * saved plan, through the built CLI and the S3-behaviour proxy:
 * - keys with spaces, `+`, `%`, `&`, `=`, `~`, quotes, parentheses, `*`, `:` and non-ASCII
 *   letters are created, then planned unchanged (apply and plan agree on every key);
 * - an empty file is a valid object;
 * - a saved plan holds no SSE-C key, so `apply plan.json` takes it again from the
 *   manifest's variables: SSE-C objects (single-part and multipart) are updated under
 *   `If-Match` with the ETag S3 gave (not an MD5 behind the proxy), and a plan then
 *   shows zero changes; with a state record, the record keeps the MD5 of the key sent,
 *   not of the plan file's redaction marker.
 * moto's auth mode rejects correctly signed requests for keys with `+ % & = ' ( ) * :`
 * or non-ASCII letters (a moto defect; signing of such keys is proven against the AWS
 * SDK's signer in the unit tests), so this file runs moto with auth off.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, listKeys, outcomes, sha256 } from '../support/apply-workspace.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, planJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const bucket = 'keys'
const MiB = 1024 * 1024
const sseKey = randomBytes(32)
const KEYS = ['with space.txt', 'plus+sign.txt', 'percent%25.txt', 'amp&eq=.txt', 'ünïcødé/ファイル.txt', 'tilde~.txt', "quote'(paren)*:.txt"]
const big = randomBytes(17 * MiB + 1)

let server: MotoServer
let proxy: S3Proxy
let s3: S3Client
let ws: Workspace
let env: Record<string, string>

function manifest(tag: string): object {
  return {
    version: 1,
    bucket,
    variables: { SSE_KEY: { secret: true } },
    uploads: [
      { source: 'empty.txt', key: 'empty.txt', metadata: { tag } },
      { source: 'a.txt', key: 'secret/small.txt', sseCustomerKey: '${SSE_KEY}', metadata: { tag } },
      { source: 'big.bin', key: 'secret/multipart.bin', sseCustomerKey: '${SSE_KEY}', checksumAlgorithm: 'CRC32', metadata: { tag } },
      ...KEYS.map((key) => ({ source: 'a.txt', key, metadata: { tag } })),
    ],
  }
}
const ALL = ['empty.txt', 'secret/small.txt', 'secret/multipart.bin', ...KEYS]

beforeAll(async () => {
  server = await startMoto({ auth: false })
  proxy = await startS3Proxy(server.endpoint, { credentials: server.credentials })
  const target = { ...server, endpoint: proxy.endpoint }
  s3 = s3Client(target)
  env = { ...awsEnv(target), SSE_KEY: sseKey.toString('base64') }
  await createBucket(server, bucket)
  ws = await makeWorkspace('putplan-apply-')
  await ws.write('empty.txt', '')
  await ws.write('a.txt', 'a\n')
  await ws.write('big.bin', big)
}, 60_000)

afterAll(async () => {
  s3?.destroy()
  await ws?.remove()
  await proxy?.stop()
  await server?.stop()
})

describe('keys that need encoding, an empty file, SSE-C', () => {
  it('apply creates every object under its exact key; a plan then shows zero changes', async () => {
    await ws.manifest(manifest('one'))
    const { result, report } = await applyJson(ws, env)
    expect(result.code, result.stderr).toBe(0)
    expect(outcomes(report)).toEqual(Object.fromEntries(ALL.map((key) => [key, 'created'])))
    expect(await listKeys(s3, bucket)).toEqual([...ALL].sort())
    for (const key of KEYS) expect((await getBytes(s3, { Bucket: bucket, Key: key })).toString(), key).toBe('a\n')
    expect((await getBytes(s3, { Bucket: bucket, Key: 'empty.txt' })).length).toBe(0)

    const { result: planned, plan } = await planJson(ws, env)
    expect(verdicts(plan), planned.stderr).toEqual(Object.fromEntries(ALL.map((key) => [key, { action: 'unchanged', reasons: [] }])))
    expect(planned.code).toBe(0)
  })

  it('apply plan.json repairs SSE-C objects in place with the key taken again from the manifest, never from the plan file', async () => {
    await ws.manifest(manifest('two'))
    const planned = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env })
    expect(planned.code, planned.stderr).toBe(0)
    expect(await readFile(ws.path('plan.json'), 'utf8')).not.toContain(sseKey.toString('base64'))

    const { result, report } = await applyJson(ws, env, ['plan.json'])
    expect(result.code, result.stderr).toBe(0)
    // Only the options changed: every object is copied onto itself, the SSE-C ones with their key as source and copy.
    expect(outcomes(report)).toEqual(Object.fromEntries(ALL.map((key) => [key, 'repaired'])))
    expect(report.bytesUploaded).toBe(0)
    expect(result.stdout + result.stderr).not.toContain(sseKey.toString('base64'))

    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseKey as unknown as string }
    expect(sha256(await getBytes(s3, { Bucket: bucket, Key: 'secret/multipart.bin', ...sse }))).toBe(sha256(big))
    expect((await getBytes(s3, { Bucket: bucket, Key: 'secret/small.txt', ...sse })).toString()).toBe('a\n')

    const { result: replanned, plan } = await planJson(ws, env)
    expect(plan.summary, replanned.stderr).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: ALL.length, undecided: 0, conflict: 0 })
    expect(replanned.code).toBe(0)
  })

  it('apply plan.json without the SSE-C key, or with another one, is refused before anything is written; the plan holds no form of the key', async () => {
    await ws.manifest(manifest('three'))
    const planned = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env })
    expect(planned.code, planned.stderr).toBe(0)
    const planText = await readFile(ws.path('plan.json'), 'utf8')
    for (const form of [sseKey.toString('base64'), sseKey.toString('hex'), createHash('md5').update(sseKey).digest('base64'), createHash('md5').update(sseKey).digest('hex')]) {
      expect(planText).not.toContain(form)
    }
    // Only a salted, slow digest of it, under the variable's name; no variable holds its value.
    const origin = (JSON.parse(planText) as { manifest: { variables: Record<string, string>; secrets: Record<string, string> } }).manifest
    expect(origin.variables).toEqual({})
    expect(Object.keys(origin.secrets)).toEqual(['SSE_KEY'])
    expect(origin.secrets.SSE_KEY).toMatch(/^[0-9a-f]{64}$/)
    const result = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: { ...env, SSE_KEY: undefined } })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/uploads\.yaml:\d+:\d+.*SSE_KEY/)
    expect(result.stderr).not.toContain('internal error')
    // Another key than the one planned with: the plan is stale, naming the variable, never its value.
    const otherKey = randomBytes(32).toString('base64')
    const rotated = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: { ...env, SSE_KEY: otherKey } })
    expect(rotated.code).toBe(1)
    expect(rotated.stderr).toBe("Error: the saved plan is stale: 1 variable differs from the plan's: SSE_KEY (secret: its value is not shown). Nothing was written; run putplan plan again.\n")
    expect(rotated.stderr).not.toContain(otherKey)
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'with space.txt' }))
    expect(head.Metadata).toEqual({ tag: 'two' })
  })

  it('with a state record, apply plan.json records the MD5 of the SSE-C key sent, so the next plan trusts it', async () => {
    await ws.manifest({ ...manifest('four'), state: { key: '.putplan/state.json' } })
    const planned = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env })
    expect(planned.code, planned.stderr).toBe(0)
    const { result } = await applyJson(ws, env, ['plan.json'])
    expect(result.code, result.stderr).toBe(0)

    const state = JSON.parse((await getBytes(s3, { Bucket: bucket, Key: '.putplan/state.json' })).toString('utf8')) as {
      objects: Record<string, { headers: { sseCustomerKeyMD5?: string } }>
    }
    const keyMd5 = createHash('md5').update(sseKey).digest('base64')
    expect(state.objects['secret/small.txt']?.headers.sseCustomerKeyMD5).toBe(keyMd5)
    expect(state.objects['secret/multipart.bin']?.headers.sseCustomerKeyMD5).toBe(keyMd5)
    expect(state.objects['with space.txt']?.headers).not.toHaveProperty('sseCustomerKeyMD5')

    const { result: replanned, plan } = await planJson(ws, env)
    expect(plan.summary, replanned.stderr).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: ALL.length, undecided: 0, conflict: 0 })
  })
})
