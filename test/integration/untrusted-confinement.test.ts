/**
 * A manifest and files from a pull request cannot make putplan read what lies outside the
 * git work tree that holds the manifest (outside git: the manifest's folder), through the
 * built CLI against moto_server: absolute paths, `..`, symbolic links to files and folders
 * outside, and a link swapped between `plan --out` and `apply plan.json`. A file outside
 * holds a marker; every output is searched for it, and the bucket too: nothing from outside
 * is read, printed or uploaded. `--allow-outside` and `allowOutside` name folders that may
 * be read, and the plan shows them; `symlinks: skip` leaves links out and lists them.
 */
import { execFileSync } from 'node:child_process'
import { readFile, rm, symlink } from 'node:fs/promises'
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshot } from '../support/bucket-snapshot.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, parsePlanJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan, type RunResult } from '../support/run-cli.js'

const MARKER = 'MARKER-FROM-OUTSIDE-7f3a9c'
const BUCKET = 'confinement'

let server: MotoServer
/** A folder outside every work tree below, holding the marker. */
let outside: Workspace
const workspaces: Workspace[] = []
const outputs: string[] = []

beforeAll(async () => {
  server = await startMoto()
  await createBucket(server, BUCKET)
  outside = await makeWorkspace('putplan-outside-')
  await outside.write('credentials', `${MARKER}\n`)
  await outside.write('folder/inner.txt', `${MARKER} inner\n`)
}, 60_000)

afterAll(async () => {
  await Promise.all([outside, ...workspaces].map((ws) => ws?.remove()))
  await server?.stop()
})

async function workspace(): Promise<Workspace> {
  const ws = await makeWorkspace('putplan-confined-')
  workspaces.push(ws)
  await ws.write('site/index.html', '<h1>site</h1>\n')
  return ws
}

async function run(ws: Workspace, args: string[]): Promise<RunResult> {
  const result = await runPutplan(args, { cwd: ws.dir, env: awsEnv(server) })
  outputs.push(result.stdout, result.stderr)
  return result
}

function diagnostics(result: RunResult): { code: string; summary: string; range?: { line: number; col: number } }[] {
  return (JSON.parse(result.stdout) as { error: { diagnostics: { code: string; summary: string; range?: { line: number; col: number } }[] } }).error.diagnostics
}

/** Every object's body in the bucket, read with an independent client. */
async function bucketBodies(): Promise<string[]> {
  const s3 = s3Client(server)
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))
    return Promise.all((listed.Contents ?? []).map(async (o) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }))).Body!.transformToString()))
  } finally {
    s3.destroy()
  }
}

describe('paths written in the manifest that leave the boundary', () => {
  it('an absolute path, `..` beyond the folder, and an absolute glob are errors at their line and column; nothing is read or uploaded', async () => {
    const ws = await workspace()
    const text = [
      'version: 1',
      `bucket: ${BUCKET}`,
      'uploads:',
      `  - source: ${outside.path('credentials')}`,
      '    key: abs',
      '  - source: ../../../../../../../../etc/passwd',
      '    key: up',
      `  - source: "${outside.dir}/*"`,
      '    prefix: glob/',
      '  - source: site/**',
      '    root: ../',
      '',
    ].join('\n')
    await ws.write('uploads.yaml', text)
    const before = await snapshot(server)
    const [json, plan, apply] = await Promise.all([run(ws, ['validate', '--format', 'json']), run(ws, ['plan']), run(ws, ['apply', '--auto-approve'])])
    expect(json.code).toBe(1)
    const found = diagnostics(json)
    expect(found.map((d) => [d.code, d.range?.line, d.range?.col])).toEqual([
      ['outside-boundary', 4, 13],
      ['outside-boundary', 6, 13],
      ['outside-boundary', 8, 13],
      ['outside-boundary', 11, 11],
    ])
    expect(found[0]!.summary).toContain('is an absolute path')
    expect(found[1]!.summary).toContain("leads outside the manifest's folder")
    // Not "a symbolic link loop", the error an absolute glob gave before.
    expect(found[2]!.summary).toContain('is an absolute path')
    expect(plan.code).toBe(1)
    expect(plan.stderr).toContain('uploads.yaml:4:13')
    expect(apply.code).toBe(1)
    expect(await snapshot(server)).toEqual(before)
  })
})

describe('symbolic links that leave the boundary', () => {
  it('a link to a file outside is an error naming the link and its target; a link to a folder outside is not walked', async () => {
    const ws = await workspace()
    await symlink(outside.path('credentials'), ws.path('site/creds'))
    await symlink(outside.path('folder'), ws.path('site/shared'))
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/**', root: 'site' }] })
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/creds', key: 'creds' }] }, 'literal.yaml')
    const before = await snapshot(server)
    const [json, literal, plan, apply] = await Promise.all([
      run(ws, ['validate', '--format', 'json']),
      run(ws, ['validate', '-f', 'literal.yaml', '--format', 'json']),
      run(ws, ['plan', '--format', 'markdown']),
      run(ws, ['apply', '--auto-approve']),
    ])
    expect(diagnostics(json).map((d) => d.summary)).toEqual([
      `"site/creds" is a symbolic link to "${outside.path('credentials')}", outside the manifest's folder ${ws.dir}`,
      `"site/shared" is a symbolic link to "${outside.path('folder')}", outside the manifest's folder ${ws.dir}`,
    ])
    expect(diagnostics(literal).map((d) => d.code)).toEqual(['symlink-outside'])
    expect(plan.code).toBe(1)
    expect(apply.code).toBe(1)
    expect(await snapshot(server)).toEqual(before)
  })

  it('with symlinks: skip they are left out and listed in every view of the plan; the rest is applied; nothing from outside reaches the bucket', async () => {
    const ws = await workspace()
    await symlink(outside.path('credentials'), ws.path('site/creds'))
    await symlink(outside.path('folder'), ws.path('site/shared'))
    await ws.manifest({ version: 1, bucket: BUCKET, symlinks: 'skip', uploads: [{ source: 'site/**', root: 'site', prefix: 'skip/' }] })
    const [human, markdown, json] = await Promise.all([run(ws, ['plan']), run(ws, ['plan', '--format', 'markdown']), run(ws, ['plan', '--format', 'json'])])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('Skipped symbolic links leading outside the work tree (not read):')
    expect(human.stdout).toContain(`site/creds -> ${outside.path('credentials')}`)
    expect(markdown.stdout).toContain(`- \`site/shared -> ${outside.path('folder')}\``)
    const document = parsePlanJson(json) as unknown as { skippedLinks: unknown; actions: { key: string }[] }
    expect(document.skippedLinks).toEqual([
      { path: 'site/creds', target: outside.path('credentials') },
      { path: 'site/shared', target: outside.path('folder') },
    ])
    expect(document.actions.map((a) => a.key)).toEqual(['skip/index.html'])
    const apply = await run(ws, ['apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    for (const body of await bucketBodies()) expect(body).not.toContain(MARKER)
  })

  it('a link that stays inside is followed', async () => {
    const ws = await workspace()
    await ws.write('assets/logo.svg', '<svg/>')
    await symlink('../assets/logo.svg', ws.path('site/logo.svg'))
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/**', root: 'site' }] })
    const result = await run(ws, ['validate', '--format', 'json'])
    expect(result.code, result.stdout).toBe(0)
    expect((JSON.parse(result.stdout) as { objects: { key: string }[] }).objects.map((o) => o.key)).toEqual(['index.html', 'logo.svg'])
  })

  it('a manifest that is itself a link to a file outside is refused before it is read', async () => {
    const ws = await workspace()
    await symlink(outside.path('credentials'), ws.path('uploads.yaml'))
    const result = await run(ws, ['validate'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('error[symlink-outside]')
  })
})

describe('the boundary is the git work tree that holds the manifest', () => {
  it('inside git, `..` to a sibling folder of the work tree is allowed; past its root it is not', async () => {
    const ws = await workspace()
    execFileSync('git', ['init', '-q', ws.dir])
    await ws.write('shared/a.txt', 'shared\n')
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: '../shared/*', root: '../shared', prefix: 'shared/' }] }, 'deploy/uploads.yaml')
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: '../../*', prefix: 'up/' }] }, 'deploy/past.yaml')
    const ok = await run(ws, ['validate', '-f', 'deploy/uploads.yaml', '--format', 'json'])
    expect(ok.code, ok.stdout).toBe(0)
    const past = await run(ws, ['validate', '-f', 'deploy/past.yaml', '--format', 'json'])
    expect(diagnostics(past).map((d) => d.summary)).toEqual([`source "../../*" leads outside the git work tree ${ws.dir}`])
  })
})

describe('folders allowed outside', () => {
  it('--allow-outside and allowOutside let sources come from there, and the plan shows each (human, markdown, JSON)', async () => {
    const ws = await workspace()
    const shared = await makeWorkspace('putplan-shared-')
    workspaces.push(shared)
    await shared.write('logo.svg', '<svg/>')
    const relative = `../${shared.dir.split('/').pop()}`
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: `${relative}/*`, root: relative, prefix: 'allowed/' }] })
    await ws.manifest({ version: 1, bucket: BUCKET, allowOutside: [relative], uploads: [{ source: `${relative}/*`, root: relative, prefix: 'allowed/' }] }, 'declared.yaml')
    const refused = await run(ws, ['validate', '--format', 'json'])
    expect(diagnostics(refused).map((d) => d.code)).toEqual(['outside-boundary', 'outside-boundary'])
    const [flag, declared, markdown] = await Promise.all([
      run(ws, ['plan', '--allow-outside', shared.dir, '--format', 'json']),
      run(ws, ['plan', '-f', 'declared.yaml']),
      run(ws, ['plan', '-f', 'declared.yaml', '--format', 'markdown']),
    ])
    expect(flag.code, flag.stderr).toBe(0)
    expect((parsePlanJson(flag) as unknown as { allowOutside: string[] }).allowOutside).toEqual([relative])
    expect(declared.stdout).toContain(`Sources allowed outside the work tree:\n  ${relative}`)
    expect(markdown.stdout).toContain(`- \`${relative}\``)
  })
})

describe('a link swapped between plan --out and apply plan.json', () => {
  it('apply refuses, naming the link and its new target; nothing is uploaded', async () => {
    const ws = await workspace()
    await ws.write('assets/data.txt', 'inside\n')
    await symlink('../assets/data.txt', ws.path('site/data.txt'))
    await ws.manifest({ version: 1, bucket: BUCKET, uploads: [{ source: 'site/**', root: 'site', prefix: 'swap/' }] })
    const plan = await run(ws, ['plan', '--out', 'plan.json'])
    expect(plan.code, plan.stderr).toBe(0)
    await rm(ws.path('site/data.txt'))
    await symlink(outside.path('credentials'), ws.path('site/data.txt'))
    const before = await snapshot(server)
    const apply = await run(ws, ['apply', 'plan.json'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toContain(`"site/data.txt" is a symbolic link to "${outside.path('credentials')}", outside the manifest's folder`)
    expect(await snapshot(server)).toEqual(before)
    expect(await readFile(ws.path('plan.json'), 'utf8')).not.toContain(MARKER)
  })
})

describe('what was read', () => {
  it('no output of any command above holds the marker of the file outside, nor does the bucket', async () => {
    expect(outputs.length).toBeGreaterThan(10)
    for (const text of outputs) expect(text).not.toContain(MARKER)
    for (const body of await bucketBodies()) expect(body).not.toContain(MARKER)
  })
})
