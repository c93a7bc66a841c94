/**
 * Every case of the bad-input corpus, through the whole manifest stage in-process: the
 * exact diagnostics (code, line, column) in order. Valid counterparts load without one.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadManifest } from '../../../src/manifest/index.js'
import { ManifestInvalidError } from '../../../src/errors/index.js'
import { corpus, materialise, type CorpusCase } from '../../fixtures/corpus.js'

const bad = corpus('bad')
const good = corpus('good')
const cleanups: (() => void)[] = []
afterAll(() => cleanups.forEach((remove) => remove()))

async function load(testCase: CorpusCase) {
  const copy = materialise(testCase)
  cleanups.push(copy.remove)
  return loadManifest({ file: join(copy.dir, 'uploads.yaml'), vars: testCase.vars, env: {} })
}

describe('bad-input corpus', () => {
  it('has at least 30 cases, each expecting a diagnostic', () => {
    expect(bad.length).toBeGreaterThanOrEqual(30)
    for (const testCase of bad) expect(testCase.errors, testCase.name).not.toHaveLength(0)
  })

  it.each(bad.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const error = await load(testCase).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ManifestInvalidError)
    const found = (error as ManifestInvalidError).diagnostics.map((d) => ({
      code: d.code,
      ...(d.range ? { line: d.range.line, col: d.range.col } : {}),
    }))
    expect(found).toEqual(testCase.errors)
    for (const d of (error as ManifestInvalidError).diagnostics) {
      expect(d.summary, d.code).not.toBe('')
      expect(d.detail, `${d.code} says what was expected`).toBeTruthy()
    }
  })
})

describe('valid counterparts', () => {
  it.each(good.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const manifest = await load(testCase)
    expect(manifest.objects.length).toBeGreaterThan(0)
  })

  it('keeps a key of exactly 1024 UTF-8 bytes', async () => {
    const manifest = await load(good.find((c) => c.name === 'key-exactly-1024-bytes')!)
    expect(manifest.objects.map((o) => Buffer.byteLength(o.key))).toEqual([1024])
  })

  it('turns $${ into a literal ${ and substitutes --var values', async () => {
    const manifest = await load(good.find((c) => c.name === 'variables-and-escapes')!)
    expect(manifest.objects[0]!.key).toBe('releases/v1.2.3/index.html')
    expect(manifest.objects[0]!.options.metadata).toEqual({ commit: '0123abcd', note: 'literal ${NOT_A_VARIABLE}' })
  })

  it('makes one object of a file that two patterns of one entry name', async () => {
    const manifest = await load(good.find((c) => c.name === 'one-file-named-twice-in-an-entry')!)
    expect(manifest.objects.map((o) => o.key)).toEqual(['www/index.html'])
  })
})

describe('unknown fields suggest the PutObject name', () => {
  const detailOf = async (name: string) => {
    const error = (await load(bad.find((c) => c.name === name)!).catch((e: unknown) => e)) as ManifestInvalidError
    return error.diagnostics[0]!.detail
  }

  it.each([
    ['09-defaults-cache-control-kebab', 'cacheControl'],
    ['10-entry-cache-control-pascal', 'cacheControl'],
    ['11-entry-content-type-misspelled', 'contentType'],
    ['08-unknown-top-level-field', 'region'],
  ])('%s -> %s', async (name, suggestion) => {
    expect(await detailOf(name)).toBe(`did you mean "${suggestion}"?`)
  })
})
