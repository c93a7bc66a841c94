/**
 * Starts `moto_server` (moto 5.x, `pip install "moto[server]"`) for one test file.
 *
 * With `auth` (the default) moto runs in its IAM auth mode: the first
 * INITIAL_NO_AUTH_ACTION_COUNT requests are let through, every later request
 * must carry a valid SigV4 signature by an IAM user whose policy allows the
 * action. The harness spends exactly those first requests on creating such a
 * user and returns its access key, so a wrongly signed request fails the test.
 *
 * The python process dies with the test process: `stop()` kills it, an exit
 * hook kills it, and a watchdog process kills it when the test process dies
 * without running hooks (its stdin, a pipe from us, reaches end of file).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  port: number
  region: string
  /** An IAM user's key (auth mode), or any well-formed key when auth is off. */
  credentials: Credentials
  /** Whether signatures and IAM permissions are checked. */
  auth: boolean
  /** The last lines moto wrote (request log, tracebacks), for failure messages. */
  log(): string
  stop(): Promise<void>
}

export interface StartMotoOptions {
  auth?: boolean
  region?: string
  /** How long to wait for moto to listen, in milliseconds. */
  startTimeoutMs?: number
}

const REGION = 'us-east-1'
const IAM_USER = 'putplan-test'
/** What the test user may do. moto checks these for every request in auth mode. */
const POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*', 'sts:*', 'cloudfront:*'], Resource: '*' }],
}
/** CreateUser, PutUserPolicy, CreateAccessKey: the unauthenticated requests we spend. */
const SETUP_REQUESTS = 3
const SETUP_CREDENTIALS: Credentials = { accessKeyId: 'AKIASETUPSETUPSETUP0', secretAccessKey: 'setup' }
const LOG_LINES = 200

export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const auth = opts.auth ?? true
  const region = opts.region ?? REGION
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name]
  env.INITIAL_NO_AUTH_ACTION_COUNT = auth ? String(SETUP_REQUESTS) : 'inf'
  env.AWS_DEFAULT_REGION = region
  env.PYTHONUNBUFFERED = '1'

  // Its own process group, so that stop() also reaches whatever a wrapper script forked.
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logLines: string[] = []
  const log = () => logLines.join('\n')
  const port = await waitForPort(child, logLines, opts.startTimeoutMs ?? 20_000)
  const pid = child.pid as number
  const watchdog = startWatchdog(pid)
  const killOnExit = () => killGroup(pid, 'SIGKILL')
  process.once('exit', killOnExit)
  unrefChild(child)

  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit)
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve()
        else child.once('exit', () => resolve())
      })
      killGroup(pid, 'SIGTERM')
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
      watchdog.kill('SIGKILL')
    })()
    return stopped
  }

  const endpoint = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(endpoint)
    const credentials = auth
      ? await createIamUser(endpoint, region)
      : { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
    return { endpoint, port, region, credentials, auth, log, stop }
  } catch (error) {
    await stop()
    throw new Error(`moto_server did not get ready: ${(error as Error).message}\n${log()}`)
  }
}

/**
 * The environment variables that point AWS tools (the AWS CLI, the SDK's
 * credential chain, putplan) at this server with its key.
 */
export function awsEnv(server: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_REGION: server.region,
    AWS_DEFAULT_REGION: server.region,
    AWS_ENDPOINT_URL: server.endpoint,
  }
}

/** An S3 client for tests that reads and writes independently of putplan. */
export function s3Client(server: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    forcePathStyle: true,
    // moto verifies neither; keep requests plain unless a test asks for checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

export interface CreateBucketOptions {
  versioning?: boolean
  /** Object Lock needs versioning; moto enables it along with the lock. */
  objectLock?: boolean
}

export async function createBucket(
  server: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>,
  name: string,
  opts: CreateBucketOptions = {},
): Promise<void> {
  const client = s3Client(server)
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: name,
        ObjectLockEnabledForBucket: opts.objectLock || undefined,
        CreateBucketConfiguration:
          server.region === 'us-east-1' ? undefined : { LocationConstraint: server.region as never },
      }),
    )
    if (opts.versioning && !opts.objectLock) {
      await client.send(
        new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
      )
    }
  } finally {
    client.destroy()
  }
}

/** Creates a symmetric KMS key in moto and returns its id and ARN. */
export async function createKmsKey(
  server: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>,
): Promise<{ keyId: string; arn: string }> {
  const body = JSON.stringify({ Description: 'putplan test key', KeyUsage: 'ENCRYPT_DECRYPT' })
  const response = await signedFetch(server.endpoint, server.region, server.credentials, 'kms', {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey' },
    body,
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`KMS CreateKey: ${response.status} ${text}`)
  const meta = (JSON.parse(text) as { KeyMetadata: { KeyId: string; Arn: string } }).KeyMetadata
  return { keyId: meta.KeyId, arn: meta.Arn }
}

export interface SignedRequest {
  method: string
  path: string
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: string
}

/** A SigV4-signed request with fetch, for APIs the tests need but the S3 client lacks. */
export async function signedFetch(
  endpoint: string,
  region: string,
  credentials: Credentials,
  service: string,
  request: SignedRequest,
): Promise<Response> {
  const url = new URL(request.path, endpoint)
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 })
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: request.query ?? {},
    headers: { host: url.host, ...(request.headers ?? {}) },
    body: request.body,
  })
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value)
  const headers = { ...signed.headers }
  delete headers.host // fetch sets it from the URL, to the same value
  return fetch(url, { method: request.method, headers, body: request.body })
}

async function createIamUser(endpoint: string, region: string): Promise<Credentials> {
  const iam = async (params: Record<string, string>): Promise<string> => {
    const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString()
    const response = await signedFetch(endpoint, region, SETUP_CREDENTIALS, 'iam', {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`IAM ${params.Action}: ${response.status} ${text}`)
    return text
  }
  await iam({ Action: 'CreateUser', UserName: IAM_USER })
  await iam({
    Action: 'PutUserPolicy',
    UserName: IAM_USER,
    PolicyName: 'putplan-test',
    PolicyDocument: JSON.stringify(POLICY),
  })
  const xml = await iam({ Action: 'CreateAccessKey', UserName: IAM_USER })
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1]
  const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(xml)?.[1]
  if (!accessKeyId || !secretAccessKey) throw new Error(`IAM CreateAccessKey: no key in ${xml}`)
  return { accessKeyId, secretAccessKey }
}

/** moto prints `Running on http://127.0.0.1:<port>` once it listens (on stderr, via werkzeug). */
function waitForPort(child: ChildProcess, logLines: string[], timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false
    const finish = (error: Error | undefined, port?: number) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) {
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL')
        reject(error)
      } else resolve(port as number)
    }
    const timer = setTimeout(
      () => finish(new Error(`moto_server printed no port within ${timeoutMs} ms\n${logLines.join('\n')}`)),
      timeoutMs,
    )
    let pending = ''
    // Keep draining both streams for the whole run: a full pipe would block moto.
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        logLines.push(line)
        if (logLines.length > LOG_LINES) logLines.shift()
        const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)
        if (match) finish(undefined, Number(match[1]))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('error', (error) =>
      finish(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error('moto_server not found on PATH: pip install "moto[server]"')
          : error,
      ),
    )
    child.once('exit', (code, signal) =>
      finish(new Error(`moto_server exited (${signal ?? code}) before listening\n${logLines.join('\n')}`)),
    )
  })
}

async function waitForHttp(endpoint: string): Promise<void> {
  // /moto-api/ is not an AWS action, so it does not use up the unauthenticated requests.
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`)
      await response.arrayBuffer()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/**
 * A small node process in its own process group (so Ctrl-C on the terminal
 * does not end it first) that waits for its stdin to close, which happens when
 * this process dies however it dies, then kills moto's process group.
 */
function startWatchdog(pid: number): ChildProcess {
  const script = `process.stdin.on('end', () => { try { process.kill(-${pid}, 'SIGKILL') } catch {} process.exit(0) }).resume()`
  const watchdog = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] })
  watchdog.on('error', () => {})
  unrefChild(watchdog)
  return watchdog
}

/** Neither the child nor its pipes keep the test process alive. */
function unrefChild(child: ChildProcess): void {
  child.unref()
  for (const stream of child.stdio) (stream as unknown as { unref?: () => void } | null)?.unref?.()
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}
