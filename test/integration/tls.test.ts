/**
 * TLS options against a real server: an HTTPS front (a self-signed certificate made with
 * openssl for 127.0.0.1) that forwards to moto_server. Without trust the plan fails with
 * a clear message; `--ca-bundle` with the certificate, or `--insecure`, makes it work.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsEnv, createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { runPutplan } from '../support/run-cli.js'

let moto: MotoServer
let front: https.Server
let endpoint: string
let dir: string
let caFile: string

beforeAll(async () => {
  moto = await startMoto()
  await createBucket(moto, 'tls-bucket')
  dir = await mkdtemp(path.join(tmpdir(), 'putplan-tls-'))
  caFile = path.join(dir, 'cert.pem')
  const keyFile = path.join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', caFile,
  ], { stdio: 'ignore' })
  front = https.createServer({ key: await readFile(keyFile), cert: await readFile(caFile) }, (req, res) => {
    const upstream = new URL(moto.endpoint)
    // The Host header is forwarded as sent: the signature covers it.
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  endpoint = `https://127.0.0.1:${(front.address() as AddressInfo).port}`
  await writeFile(path.join(dir, 'a.txt'), 'over TLS\n')
  await writeFile(path.join(dir, 'uploads.yaml'), 'version: 1\nbucket: tls-bucket\nuploads:\n  - source: a.txt\n')
})

afterAll(async () => {
  front?.close()
  await moto?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const plan = (...flags: string[]) =>
  runPutplan(['plan', '--endpoint', endpoint, '--max-attempts', '1', ...flags], { cwd: dir, env: { ...awsEnv(moto), AWS_ENDPOINT_URL: undefined } })

describe('TLS', () => {
  it('refuses a certificate nobody vouches for, with a clear message', async () => {
    const run = await plan()
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/certificate/i)
  })

  it('trusts the certificate given with --ca-bundle', async () => {
    const run = await plan('--ca-bundle', caFile)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Plan: 1 to create')
  })

  it('skips verification with --insecure', async () => {
    const run = await plan('--insecure')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Plan: 1 to create')
  })
})
