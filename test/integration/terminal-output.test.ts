/**
 * What reaches a person's terminal and a CI log, through the built CLI against moto: the
 * progress line ends before anything else is written (a no-op apply once printed
 * "Planning: 30/30Apply complete" on one line) and is absent from logs; a contentEncoding
 * the bytes contradict is a warning on stderr from validate and plan, never a failure.
 */
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsEnv, createBucket, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, type Workspace } from '../support/plan-workspace.js'
import { cliEntry, cliEnv, runPutplan, type RunResult } from '../support/run-cli.js'
import { runProcess } from '../support/process.js'

const FAKE_TTY = fileURLToPath(new URL('../support/fake-tty.mjs', import.meta.url))
const BUCKET = 'putplan-terminal'
let server: MotoServer
let ws: Workspace

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  ws = await makeWorkspace('putplan-terminal-')
  for (let i = 0; i < 30; i++) await ws.write(`site/page-${String(i).padStart(2, '0')}.html`, `<p>${i}</p>\n`)
  await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/*', root: 'site' }] })
  await ws.write('enc/app.js.gz', gzipSync('console.log(1)\n'))
  await ws.write('enc/app.css', 'body{}\n')
  await ws.manifest(
    {
      version: 1,
      bucket: BUCKET,
      uploads: [
        { source: 'enc/app.js.gz', key: 'enc/app.js', contentEncoding: 'gzip' },
        { source: 'enc/app.css', key: 'enc/app.css', contentEncoding: 'gzip' },
      ],
    },
    'encoded.yaml',
  )
}, 60_000)

afterAll(async () => {
  await ws?.remove()
  await server?.stop()
})

/** The CLI with its stderr taken for a terminal. */
function onTerminal(args: string[]): Promise<RunResult> {
  return runProcess(process.execPath, ['--import', FAKE_TTY, cliEntry, ...args], { cwd: ws.dir, env: cliEnv(awsEnv(server)) })
}

/** The lines a terminal shows for `raw`: `\r` returns to the line's start, ESC[K erases to its end. */
function screen(raw: string): string[] {
  return raw.split('\n').map((line) => {
    let shown = ''
    let column = 0
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '\r') column = 0
      else if (line.startsWith('\u001b[K', i)) {
        shown = shown.slice(0, column)
        i += 2
      } else {
        shown = shown.slice(0, column) + line[i]! + shown.slice(column + 1)
        column++
      }
    }
    return shown
  })
}

describe('progress', () => {
  it('on a terminal it ends its line before the report, also when apply has nothing to do', async () => {
    const first = await onTerminal(['apply', '--auto-approve'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain('\rPlanning: 30/30')
    expect(screen(first.stderr).filter((line) => line !== '').at(-1)).toMatch(/^Apply complete: 30 created/)

    const noop = await onTerminal(['apply', '--auto-approve'])
    expect(noop.code, noop.stderr).toBe(0)
    expect(noop.stderr).toContain('\rPlanning: 30/30')
    expect(screen(noop.stderr).filter((line) => line !== '')).toEqual(['Apply complete: 0 created, 0 updated, 30 unchanged, 0 conflicts, 0 failed; 0 B uploaded.'])

    const plan = await onTerminal(['plan'])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stderr).toContain('\rPlanning: 30/30')
    expect(screen(plan.stderr).filter((line) => line !== '')).toEqual([])
  })

  it('in a log (not a terminal) nothing of it is written', async () => {
    const run = (args: string[]) => runPutplan(args, { cwd: ws.dir, env: awsEnv(server) })
    const converged = await run(['apply', '--auto-approve'])
    const plan = await run(['plan'])
    const apply = await run(['apply', '--auto-approve'])
    for (const result of [converged, plan, apply]) {
      expect(result.code, result.stderr).toBe(0)
      expect(result.stderr).not.toContain('\r')
      expect(result.stderr).not.toContain('Planning')
    }
    expect(plan.stderr).toBe('')
    expect(apply.stderr).toBe('Apply complete: 0 created, 0 updated, 30 unchanged, 0 conflicts, 0 failed; 0 B uploaded.\n')
  })
})

describe('contentEncoding that the bytes contradict', () => {
  const WARNING = 'encoded.yaml:13:26: warning[content-encoding-mismatch]: contentEncoding "gzip" is declared for a file that is not gzip data (which begins with the bytes 1f 8b): enc/app.css'

  it('validate warns on stderr and exits 0; the gzip file is not named; --format json keeps stdout one document', async () => {
    const human = await runPutplan(['validate', '-f', 'encoded.yaml'], { cwd: ws.dir, env: awsEnv(server) })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^Valid: encoded\.yaml wants 2 objects/)
    expect(human.stderr).toContain(WARNING)
    expect(human.stderr).not.toContain('app.js')
    const json = await runPutplan(['validate', '-f', 'encoded.yaml', '--format', 'json'], { cwd: ws.dir, env: awsEnv(server) })
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true })
    expect(json.stderr).toContain(WARNING)
  })

  it('plan warns the same and plans as usual (exit 2 with --detailed-exitcode: the objects are new)', async () => {
    const plan = await runPutplan(['plan', '-f', 'encoded.yaml', '--detailed-exitcode'], { cwd: ws.dir, env: awsEnv(server) })
    expect(plan.code, plan.stderr).toBe(2)
    expect(plan.stderr).toContain(WARNING)
    expect(plan.stdout).toContain('Plan: 2 to create')
  })
})
