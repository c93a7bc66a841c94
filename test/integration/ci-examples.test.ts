/**
 * The CI examples work as written: both files parse as YAML, every putplan command line in
 * them uses commands, flags and flag values the CLI has (read from oclif's manifest of the
 * built CLI), they have the shape the README promises, and the GitHub example's shell steps,
 * run in order with bash as Actions runs them, do what they say against moto: plan --out,
 * apply plan.json, a drift check without drift, a changed file, a drift check with drift,
 * plan and apply without a reviewed plan. And the reviewed plan, made in the pull request's
 * checkout with GITHUB_SHA at its head, applied in the main job's own checkout (another
 * path) with GITHUB_SHA at the merge commit: the reviewed commit is what lands, and a
 * re-run of the apply job is refused as already applied.
 */
import { readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile as readText, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { parseDocument } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { cleanEnv, runProcess, type RunResult } from '../support/process.js'
import { cliEntry, cliEnv, repoRoot } from '../support/run-cli.js'

type Flag = { name: string; char?: string; type: 'boolean' | 'option'; allowNo?: boolean; options?: string[] }
type CommandSpec = { flags: Record<string, Flag>; args: Record<string, unknown> }
const oclif = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, CommandSpec> }

function load(name: string): Record<string, unknown> {
  const document = parseDocument(readFileSync(join(repoRoot, 'examples', 'ci', name), 'utf8'))
  expect(document.errors.map((e) => e.message)).toEqual([])
  return document.toJS() as Record<string, unknown>
}

type Step = { id?: string; name?: string; run?: string; uses?: string; with?: Record<string, unknown> }
type GithubJob = { steps: Step[]; permissions?: Record<string, string>; concurrency?: { group: string } | string; if?: string }
const github = load('github-actions.yml') as { on: Record<string, unknown>; jobs: Record<string, GithubJob> }
type GitlabJob = { script?: string[]; before_script?: string[]; resource_group?: string; artifacts?: { paths: string[] }; rules?: { if: string }[] }
const gitlab = load('gitlab-ci.yml') as Record<string, GitlabJob>

/** The shell of every step or script line of an example. */
function shellOf(example: 'github' | 'gitlab'): string[] {
  if (example === 'github') return Object.values(github.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run] : [])))
  return Object.values(gitlab).flatMap((job) => (typeof job === 'object' && job !== null ? [...(job.script ?? []), ...(job.before_script ?? [])] : []))
}

/** `npx putplan ...` invocations, as tokens up to the first shell operator. */
function putplanCommands(shell: string[]): string[][] {
  const found: string[][] = []
  for (const text of shell) {
    for (const match of text.matchAll(/npx putplan\b([^\n]*)/g)) {
      const tokens: string[] = []
      for (const token of match[1]!.trim().split(/\s+/)) {
        if (token === '' || /^(\|\||&&|\||;|>|>>|2>)/.test(token)) break
        tokens.push(token)
      }
      found.push(tokens)
    }
  }
  return found
}

/** What is wrong with one command line, checked against the CLI's own manifest. */
function problemsOf(tokens: string[]): string[] {
  const [id, ...rest] = tokens
  const spec = id === undefined ? undefined : oclif.commands[id]
  if (!spec) return [`unknown command ${JSON.stringify(id)}`]
  const problems: string[] = []
  const flags = Object.values(spec.flags)
  let positionals = 0
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!
    if (!token.startsWith('-')) {
      positionals++
      continue
    }
    const [written, inline] = token.split('=', 2) as [string, string | undefined]
    const flag = written.startsWith('--')
      ? flags.find((f) => f.name === written.slice(2) || (f.allowNo && `no-${f.name}` === written.slice(2)))
      : flags.find((f) => f.char === written.slice(1))
    if (!flag) {
      problems.push(`${id}: unknown flag ${written}`)
      continue
    }
    if (flag.type === 'option') {
      const value = inline ?? rest[++i]
      if (value === undefined) problems.push(`${id} ${written}: no value`)
      else if (flag.options && !flag.options.includes(value)) problems.push(`${id} ${written}: ${value} is not one of ${flag.options.join(', ')}`)
    }
  }
  if (positionals > Object.keys(spec.args).length) problems.push(`${id}: ${positionals} arguments, at most ${Object.keys(spec.args).length}`)
  return problems
}

describe.each(['github', 'gitlab'] as const)('the %s example', (example) => {
  const commands = putplanCommands(shellOf(example))

  it('runs plan (markdown, saved, detailed exit code), apply of the saved plan, apply --auto-approve, and a drift check', () => {
    const lines = commands.map((tokens) => tokens.join(' '))
    expect(lines).toEqual(
      expect.arrayContaining([
        'plan --format markdown --out plan.json --detailed-exitcode',
        'apply plan.json',
        'plan',
        'apply --auto-approve',
        'plan --detailed-exitcode --format markdown',
      ]),
    )
  })

  it('uses only commands, flags and values that exist', () => {
    expect(commands.flatMap(problemsOf)).toEqual([])
  })

  it('the checker itself refuses what does not exist', () => {
    expect(problemsOf(['deploy'])).toEqual(['unknown command "deploy"'])
    expect(problemsOf(['plan', '--detailed-exit-code'])).toEqual(['plan: unknown flag --detailed-exit-code'])
    expect(problemsOf(['plan', '--format', 'html'])).toEqual(['plan --format: html is not one of human, json, markdown'])
    expect(problemsOf(['apply', 'a.json', 'b.json'])).toEqual(['apply: 2 arguments, at most 1'])
  })
})

describe('the shape the README promises', () => {
  it('github: PR plan with OIDC and one marked comment; apply on push to main with the artifact; nightly drift issue; one group per bucket', () => {
    expect(Object.keys(github.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch'])
    expect(github.on.push).toEqual({ branches: ['main'] })
    const { plan, apply, drift } = github.jobs
    for (const job of [plan!, apply!, drift!]) {
      expect(job.permissions?.['id-token']).toBe('write')
      expect(job.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true)
    }
    const upload = plan!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
    expect(upload?.with).toMatchObject({ name: 'putplan-plan-${{ github.event.pull_request.head.sha }}', path: 'plan.json' })
    const comment = plan!.steps.find((s) => s.uses?.startsWith('actions/github-script@'))
    expect(String(comment?.with?.script)).toContain("'<!-- putplan-plan -->'")
    expect(String(comment?.with?.script)).toContain('updateComment')
    expect(apply!.steps.find((s) => s.id === 'reviewed')?.run).toContain('gh run download "$run" --name "putplan-plan-$head"')
    expect(apply!.concurrency).toEqual({ group: 'putplan-example-site', 'cancel-in-progress': false })
    expect(drift!.concurrency).toEqual(apply!.concurrency)
    expect(drift!.steps.find((s) => s.name === 'Open or update the drift issue')?.run).toContain('gh issue edit')
  })

  it('gitlab: the same jobs, the plan as an artifact, resource_group for apply', () => {
    expect(gitlab.plan?.artifacts?.paths).toContain('plan.json')
    expect(gitlab.apply?.resource_group).toBe('putplan-example-site')
    expect(gitlab.drift?.resource_group).toBe('putplan-example-site')
    expect(gitlab.drift?.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }])
    expect(gitlab.plan?.script?.join('\n')).toContain('<!-- putplan-plan -->')
  })
})

type StepResult = RunResult & { outputs: Record<string, string> }

/**
 * One step as Actions runs it (bash -eo pipefail), with the built CLI for `npx putplan`,
 * in the checkout `cwd` with the job's environment `env` against moto, and what it wrote
 * to GITHUB_OUTPUT.
 */
async function runActionsStep(server: MotoServer, script: string, cwd: string, env: Record<string, string> = {}): Promise<StepResult> {
  const outputFile = join(cwd, `github-output-${Math.random().toString(36).slice(2)}`)
  await writeFile(outputFile, '')
  const shell = script.replaceAll('npx putplan', `node ${JSON.stringify(cliEntry)}`)
  const result = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', shell], {
    cwd,
    env: cliEnv({ ...awsEnv(server), ...env, GITHUB_OUTPUT: outputFile }),
  })
  const outputs = Object.fromEntries((await readText(outputFile, 'utf8')).split('\n').filter(Boolean).map((line) => line.split('=', 2) as [string, string]))
  await rm(outputFile)
  return { ...result, outputs }
}

describe("the GitHub example's putplan steps, in order, against moto", () => {
  const BUCKET = 'putplan-ci-example'
  let server: MotoServer
  let dir: string

  beforeAll(async () => {
    server = await startMoto()
    await createBucket(server, BUCKET)
    dir = await mkdtemp(join(tmpdir(), 'putplan-ci-'))
    await mkdir(join(dir, 'public'))
    await writeFile(join(dir, 'public', 'index.html'), '<h1>v1</h1>\n')
    await writeFile(join(dir, 'public', 'app.css'), 'body { margin: 0 }\n')
    await writeFile(join(dir, 'uploads.yaml'), `version: 1\nbucket: ${BUCKET}\nuploads:\n  - source: "public/**"\n    root: public\n`)
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  function step(job: string, id: string): string {
    const run = github.jobs[job]?.steps.find((s) => s.id === id)?.run
    if (run === undefined) throw new Error(`no step ${job}.${id}`)
    return run
  }

  function runStep(script: string, job: { cwd?: string; env?: Record<string, string> } = {}): Promise<StepResult> {
    return runActionsStep(server, script, job.cwd ?? dir, job.env)
  }

  it('plan --out on the pull request, apply plan.json on main, no drift, a changed file is drift, plan and apply afresh', async () => {
    const plan = await runStep(step('plan', 'plan'))
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.outputs).toEqual({ exitcode: '2' })
    expect(await readText(join(dir, 'plan.md'), 'utf8')).toContain('index.html')
    expect(plan.stderr).toContain('Saved the plan to plan.json')

    const apply = await runStep(step('apply', 'apply-reviewed'))
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toMatch(/^Apply complete: 2 created/m)

    const quiet = await runStep(step('drift', 'drift'))
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(quiet.outputs).toEqual({ exitcode: '0' })

    await writeFile(join(dir, 'public', 'index.html'), '<h1>v2, edited in the bucket\'s absence</h1>\n')
    const drifted = await runStep(step('drift', 'drift'))
    expect(drifted.code, drifted.stderr).toBe(0)
    expect(drifted.outputs).toEqual({ exitcode: '2' })
    expect(await readText(join(dir, 'drift.md'), 'utf8')).toContain('index.html')

    const fresh = await runStep(step('apply', 'apply-fresh'))
    expect(fresh.code, fresh.stderr).toBe(0)
    expect(fresh.stdout).toContain('index.html')
    expect(fresh.stderr).toMatch(/^Apply complete: 0 created, 1 updated/m)
    const after = await runStep(step('drift', 'drift'))
    expect(after.outputs).toEqual({ exitcode: '0' })
  })

  it('the reviewed plan, applied in the main job\'s own checkout where GITHUB_SHA moved on: the reviewed commit lands, once', async () => {
    const bucket = 'putplan-ci-reviewed'
    await createBucket(server, bucket)
    // The pull request's checkout: a git work tree with the manifest at its root.
    const pr = join(dir, 'pull-request')
    await mkdir(join(pr, 'public'), { recursive: true })
    await writeFile(join(pr, 'public', 'index.html'), '<h1>reviewed</h1>\n')
    await writeFile(join(pr, 'uploads.yaml'), `version: 1\nbucket: ${bucket}\nvariables:\n  GITHUB_SHA: { description: the commit }\nuploads:\n  - source: "public/**"\n    root: public\n    metadata: { commit: "\${GITHUB_SHA}" }\n`)
    expect((await runProcess('git', ['init', '-q'], { cwd: pr, env: cleanEnv() })).code).toBe(0)

    const plan = await runStep(step('plan', 'plan'), { cwd: pr, env: { GITHUB_SHA: 'c0ffee1' } })
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.outputs).toEqual({ exitcode: '2' })

    // The push to main: another checkout, at another path, with the plan artifact (plan.json) downloaded to its root.
    const main = join(dir, 'main')
    await cp(pr, main, { recursive: true })
    const apply = await runStep(step('apply', 'apply-reviewed'), { cwd: main, env: { GITHUB_SHA: 'beef002' } })
    expect(apply.code, apply.stderr).toBe(0)
    expect(apply.stderr).toMatch(/^Apply complete: 1 created/m)
    const s3 = s3Client(server)
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'index.html' }))
      expect(head.Metadata).toEqual({ commit: 'c0ffee1' })
    } finally {
      s3.destroy()
    }

    const rerun = await runStep(step('apply', 'apply-reviewed'), { cwd: main, env: { GITHUB_SHA: 'beef002' } })
    expect(rerun.code).toBe(1)
    expect(rerun.stderr).toContain('Error: this plan was already applied')
  })

  it('the drift check fails its job on an error (exit 1), not only on drift', async () => {
    await writeFile(join(dir, 'uploads.yaml'), `version: 1\nbucket: ${BUCKET}\nuploads:\n  - source: "missing/**"\n`)
    const broken = await runStep(step('drift', 'drift'))
    expect(broken.code).toBe(1)
    expect(broken.outputs).toEqual({ exitcode: '1' })
  })
})

describe('the GitHub shards example, its steps as written, against moto', () => {
  type MatrixJob = GithubJob & { strategy?: { matrix: { shard: number[] }; 'fail-fast'?: boolean }; needs?: string }
  const shards = load('github-actions-shards.yml') as { env: Record<string, string | number>; concurrency: unknown; jobs: Record<string, MatrixJob> }
  const BUCKET = 'putplan-ci-shards'
  let server: MotoServer
  let dir: string

  function step(job: string, id: string): string {
    const run = shards.jobs[job]?.steps.find((s) => s.id === id)?.run
    if (run === undefined) throw new Error(`no step ${job}.${id}`)
    return run
  }

  const workflowEnv = (): Record<string, string> => Object.fromEntries(Object.entries(shards.env).map(([name, value]) => [name, String(value)]))

  beforeAll(async () => {
    server = await startMoto()
    await createBucket(server, BUCKET)
    dir = await mkdtemp(join(tmpdir(), 'putplan-ci-shards-'))
    await mkdir(join(dir, 'public'))
    for (let i = 0; i < 24; i++) await writeFile(join(dir, 'public', `page-${i}.html`), `<p>${i}</p>\n`)
    await writeFile(join(dir, 'public', 'old.html'), '<p>old</p>\n')
    await writeFile(join(dir, 'uploads.yaml'), `version: 1\nbucket: ${BUCKET}\nstate: { key: putplan-state.json }\nprune: true\nuploads:\n  - source: "public/**"\n    root: public\n`)
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('has a plan and an apply matrix of PUTPLAN_SHARDS shards, one comment, a finish job after the shards, one group per bucket', () => {
    const matrix = Array.from({ length: Number(shards.env.PUTPLAN_SHARDS) }, (_, i) => i + 1)
    expect(shards.jobs.plan?.strategy?.matrix.shard).toEqual(matrix)
    expect(shards.jobs.apply?.strategy?.matrix.shard).toEqual(matrix)
    expect(shards.jobs.apply?.strategy?.['fail-fast']).toBe(false)
    expect(shards.jobs.comment?.needs).toBe('plan')
    expect(shards.jobs.finish?.needs).toBe('apply')
    expect(shards.concurrency).toEqual({ group: 'putplan-example-site', 'cancel-in-progress': false })
    const commands = putplanCommands(Object.values(shards.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run] : []))))
    expect(commands.flatMap(problemsOf)).toEqual([])
    expect(commands.map((tokens) => tokens.join(' '))).toEqual([
      'plan --shard "$SHARD/$PUTPLAN_SHARDS" --format markdown --out "plan-$SHARD.json" --detailed-exitcode',
      'apply --shard "$SHARD/$PUTPLAN_SHARDS" --auto-approve',
      'apply --auto-approve',
      'plan --detailed-exitcode',
    ])
  })

  it('plans per shard and joins the plans; applies the shards at once, then the finish deletes and leaves nothing to do', async () => {
    const matrix = shards.jobs.apply!.strategy!.matrix.shard
    // A first deploy, then old.html leaves the manifest's folder.
    const first = await runActionsStep(server, step('finish', 'finish'), dir, workflowEnv())
    expect(first.code, first.stderr).toBe(0)
    await rm(join(dir, 'public', 'old.html'))
    for (let i = 24; i < 40; i++) await writeFile(join(dir, 'public', `page-${i}.html`), `<p>${i}</p>\n`)

    const plans = await Promise.all(matrix.map((shard) => runActionsStep(server, step('plan', 'plan'), dir, { ...workflowEnv(), SHARD: String(shard) })))
    for (const plan of plans) {
      expect(plan.code, plan.stderr).toBe(0)
      expect(plan.outputs).toEqual({ exitcode: '2' })
    }
    const joined = await runActionsStep(server, step('comment', 'join'), dir, workflowEnv())
    expect(joined.code, joined.stderr).toBe(0)
    const comment = await readText(join(dir, 'plan.md'), 'utf8')
    for (const shard of matrix) expect(comment).toContain(`Shard ${shard}/${matrix.length}: only the keys`)
    expect(comment).toContain('Prune: this plan deletes nothing.')
    expect(comment).not.toContain('- to delete')

    const applies = await Promise.all(matrix.map((shard) => runActionsStep(server, step('apply', 'apply'), dir, { ...workflowEnv(), SHARD: String(shard) })))
    const created = applies.map((apply) => {
      expect(apply.code, apply.stderr).toBe(0)
      return Number(/^Apply complete: (\d+) created/m.exec(apply.stderr)?.[1])
    })
    expect(created.reduce((a, b) => a + b, 0)).toBe(16)
    const s3 = s3Client(server)
    try {
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'old.html' }))
    } finally {
      s3.destroy()
    }

    const finish = await runActionsStep(server, step('finish', 'finish'), dir, workflowEnv())
    expect(finish.code, finish.stderr).toBe(0)
    expect(finish.stderr).toMatch(/^Apply complete: 0 created, 0 updated, 1 deleted/m)
    expect(finish.stdout).toContain('No changes.')
  }, 120_000)
})
