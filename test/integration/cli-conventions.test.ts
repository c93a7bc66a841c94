/**
 * What users of a CLI expect before they ever reach a bucket, through the built CLI:
 * `--help` with examples on every command, and `init`, whose starter manifest must pass
 * `validate` as written and which never overwrites a file.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, runPutplan } from '../support/run-cli.js'

/** Every command the CLI ships, from the manifest oclif loads them by. */
const commands = Object.keys((JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: object }).commands).sort()

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('--help', () => {
  it('knows the commands', () => {
    expect(commands).toEqual(['apply', 'init', 'plan', 'schema', 'show', 'validate'])
  })

  it.each(commands)('%s --help prints its usage and runnable examples on stdout, exit 0', async (command) => {
    const result = await runPutplan([command, '--help'], { cwd: dir })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(new RegExp(`^USAGE\\n\\s+\\$ putplan ${command}\\b`, 'm'))
    const examples = result.stdout.indexOf('EXAMPLES')
    expect(examples).toBeGreaterThan(0)
    expect(result.stdout.slice(examples)).toMatch(new RegExp(`^\\s+\\$ putplan ${command}\\b`, 'm'))
  })
})

describe('init', () => {
  it('writes a starter manifest that validate accepts once its folder exists', async () => {
    const work = join(dir, 'fresh')
    await mkdir(join(work, 'dist'), { recursive: true })
    await writeFile(join(work, 'dist', 'index.html'), '<h1>hello</h1>\n')

    const init = await runPutplan(['init', '--bucket', 'my-site'], { cwd: work })
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toBe('')
    expect(init.stderr).toContain('Wrote uploads.yaml')

    const manifest = await readFile(join(work, 'uploads.yaml'), 'utf8')
    expect(manifest).toMatch(/^bucket: my-site$/m)
    // The state record is offered, not imposed: it puts an object in the user's bucket.
    expect(manifest).toMatch(/^# state: \{ key: \.putplan\/state\.json \}$/m)
    expect(manifest).not.toMatch(/^state:/m)

    const validate = await runPutplan(['validate', '--format', 'json'], { cwd: work })
    expect(validate.code, validate.stderr).toBe(0)
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true })

    // Deleting is offered too, and is valid once the state record it needs is uncommented.
    expect(manifest).toMatch(/^# prune: true$/m)
    expect(manifest).not.toMatch(/^prune:/m)
    await writeFile(join(work, 'uploads.yaml'), manifest.replace('# state: { key:', 'state: { key:').replace('# prune: true', 'prune: true'))
    const pruning = await runPutplan(['validate'], { cwd: work })
    expect(pruning.code, pruning.stderr).toBe(0)
  })

  it('never overwrites a file: exit 1, the reason, the file as it was', async () => {
    const work = join(dir, 'taken')
    await mkdir(work, { recursive: true })
    await writeFile(join(work, 'uploads.yaml'), 'mine\n')

    const init = await runPutplan(['init'], { cwd: work })
    expect(init.code).toBe(1)
    expect(init.stdout).toBe('')
    expect(init.stderr).toContain('uploads.yaml already exists; putplan init never overwrites a manifest')
    expect(await readFile(join(work, 'uploads.yaml'), 'utf8')).toBe('mine\n')
  })
})
