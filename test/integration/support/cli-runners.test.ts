import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAws, runAwsJson } from '../../support/aws-cli.js'
import { createBucket, startMoto, type MotoServer } from '../../support/moto.js'
import { repoRoot, runPutplan } from '../../support/run-cli.js'

describe('runAws', () => {
  let server: MotoServer
  let dir: string
  beforeAll(async () => {
    server = await startMoto()
    await createBucket(server, 'cli')
    dir = await mkdtemp(join(tmpdir(), 'putplan-aws-cli-'))
  })
  afterAll(async () => {
    await server?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('writes and reads back an object, signed with the server key', async () => {
    const file = join(dir, 'hello.txt')
    await writeFile(file, 'hello from the cli')
    const put = await runAwsJson<{ ETag: string }>(server, [
      's3api', 'put-object', '--bucket', 'cli', '--key', 'dir/hello.txt', '--body', file,
      '--cache-control', 'no-cache',
    ])
    expect(put.ETag).toBe(`"${createHash('md5').update('hello from the cli').digest('hex')}"`)
    const head = await runAwsJson<{ CacheControl: string; ContentLength: number }>(server, [
      's3api', 'head-object', '--bucket', 'cli', '--key', 'dir/hello.txt',
    ])
    expect(head).toMatchObject({ CacheControl: 'no-cache', ContentLength: 18 })
    const out = join(dir, 'out.txt')
    await runAwsJson(server, ['s3api', 'get-object', '--bucket', 'cli', '--key', 'dir/hello.txt', out])
    expect(await readFile(out, 'utf8')).toBe('hello from the cli')
  })

  it('reports failures with the exit code and stderr', async () => {
    const result = await runAws(server, ['s3api', 'head-object', '--bucket', 'cli', '--key', 'missing'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('404')
    await expect(runAwsJson(server, ['s3api', 'head-object', '--bucket', 'cli', '--key', 'missing'])).rejects.toThrow(
      /exited/,
    )
  })

  it('fails with a wrong secret (the CLI really signs)', async () => {
    const wrong = { ...server, credentials: { ...server.credentials, secretAccessKey: 'wrong' } }
    const result = await runAws(wrong, ['s3api', 'list-objects-v2', '--bucket', 'cli'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('SignatureDoesNotMatch')
  })
})

describe('runPutplan', () => {
  it.skipIf(!existsSync(join(repoRoot, 'dist')))('runs the built CLI with a controlled environment', async () => {
    const result = await runPutplan(['--version'], { cwd: tmpdir(), env: { AWS_REGION: 'eu-west-1' } })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/putplan\/\d+\.\d+\.\d+/)
  })

  it('resolves the repository root from its own location', () => {
    expect(existsSync(join(repoRoot, 'bin', 'run.js'))).toBe(true)
    expect(existsSync(join(repoRoot, 'package.json'))).toBe(true)
  })
})

describe('cleanEnv', () => {
  it('drops inherited AWS_* variables and applies overrides', async () => {
    const { cleanEnv } = await import('../../support/process.js')
    process.env.AWS_PROFILE = 'inherited'
    try {
      const env = cleanEnv({ AWS_REGION: 'eu-west-1', HOME: undefined })
      expect(env.AWS_PROFILE).toBeUndefined()
      expect(env.AWS_REGION).toBe('eu-west-1')
      expect('HOME' in env).toBe(false)
      expect(env.PATH).toBe(process.env.PATH)
    } finally {
      delete process.env.AWS_PROFILE
    }
  })
})
