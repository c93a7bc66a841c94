/**
 * `putplan validate` through the built CLI: every bad-input case fails with exit 1, its
 * first diagnostic located on stderr and nothing on stdout; `--format json` prints one
 * document with the diagnostics; every valid manifest of the repository passes.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import fg from 'fast-glob'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, runPutplan, type RunResult } from '../support/run-cli.js'
import { corpus, materialise, varFlags, type CorpusCase } from '../fixtures/corpus.js'

const PARALLEL = 4
const bad = corpus('bad')
const good = corpus('good')
const cleanups: (() => void)[] = []
afterAll(() => cleanups.forEach((remove) => remove()))

/** Variables the manifest names are removed from the environment unless the case sets them. */
function envWithout(manifestText: string): Record<string, undefined> {
  const names = [...manifestText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!)
  return Object.fromEntries(names.map((name) => [name, undefined]))
}

function manifestText(dir: string, file = 'uploads.yaml'): string {
  return existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : ''
}

async function validate(testCase: CorpusCase, extra: string[] = []): Promise<RunResult> {
  const copy = materialise(testCase)
  cleanups.push(copy.remove)
  return runPutplan(['validate', ...varFlags(testCase.vars), ...extra], { cwd: copy.dir, env: envWithout(manifestText(copy.dir)) })
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await run(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

describe('validate: the bad-input corpus', () => {
  const results = new Map<string, RunResult>()
  beforeAll(async () => {
    const runs = await mapLimit(bad, PARALLEL, (testCase) => validate(testCase))
    bad.forEach((testCase, i) => results.set(testCase.name, runs[i]!))
  }, 180_000)

  it.each(bad.map((c) => [c.name, c] as const))('%s', (name, testCase) => {
    const result = results.get(name)!
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toBe('')
    const first = testCase.errors[0]!
    const where = first.line === undefined ? 'uploads.yaml' : `uploads.yaml:${first.line}:${first.col}`
    expect(result.stderr).toContain(`${where}: error[${first.code}]`)
    expect(result.stderr).not.toContain('internal error')
  })

  it('never prints the plaintext secret it refuses', () => {
    const secret = /sseCustomerKey: (\S+)/.exec(manifestText(bad.find((c) => c.name === '29-plaintext-sse-customer-key')!.dir))![1]!
    expect(results.get('29-plaintext-sse-customer-key')!.stderr).not.toContain(secret)
    expect(results.get('30-sse-customer-key-not-32-bytes')!.stderr).not.toContain('c2hvcnQta2V5')
  })
})

describe('validate --format json on failures', () => {
  const cases = ['04-yaml-field-twice', '26-two-undefined-in-one-string', '33-duplicate-key', '43-all-errors-at-once', '41-missing-manifest']

  it.each(cases)('%s', async (name) => {
    const testCase = bad.find((c) => c.name === name)!
    const result = await validate(testCase, ['--format', 'json'])
    expect(result.code, result.stderr).toBe(1)
    const document = JSON.parse(result.stdout) as {
      error: { code: string; diagnostics: { code: string; file?: string; range?: { line: number; col: number } }[] }
    }
    expect(document.error.code).toBe('manifest-invalid')
    expect(document.error.diagnostics.map((d) => ({ code: d.code, ...(d.range ? { line: d.range.line, col: d.range.col } : {}) }))).toEqual(
      testCase.errors,
    )
    for (const d of document.error.diagnostics) expect(d.file).toBe('uploads.yaml')
  })
})

describe('validate: valid manifests pass', () => {
  /** Stand-ins for the variables a manifest names, as CI would pass them. */
  const sampleVars = (text: string) => [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))].flatMap((name) => ['--var', `${name}=sample-${name.toLowerCase()}`])

  it.each(good.map((c) => [c.name, c] as const))('test/fixtures/good/%s', async (_name, testCase) => {
    const result = await validate(testCase)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Valid: /)
  })

  const manifests = [
    ...fg.sync('examples/**/uploads.yaml', { cwd: repoRoot, ignore: ['**/node_modules/**'] }),
    ...(existsSync(join(repoRoot, 'uploads.yaml')) ? ['uploads.yaml'] : []),
  ].sort()

  it('finds the examples', () => {
    expect(manifests.length).toBeGreaterThan(0)
  })

  it.each(manifests)('%s', async (file) => {
    const dir = join(repoRoot, dirname(file))
    const text = manifestText(dir)
    const result = await runPutplan(['validate', '-f', relative(dir, join(repoRoot, file)), ...sampleVars(text)], { cwd: dir, env: envWithout(text) })
    expect(result.code, result.stderr).toBe(0)
  })

  it('prints one JSON document for a valid manifest in --format json', async () => {
    const testCase = good.find((c) => c.name === 'allow-empty')!
    const result = await validate(testCase, ['--format', 'json'])
    expect(result.code, result.stderr).toBe(0)
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow()
  })
})
