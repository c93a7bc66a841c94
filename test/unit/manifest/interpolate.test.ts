import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadManifest } from '../../../src/manifest/index.js'
import { interpolate, substitute } from '../../../src/manifest/interpolate.js'
import { parseYaml } from '../../../src/manifest/yaml-source.js'
import { FIXTURES } from '../../fixtures/corpus.js'

describe('substitute', () => {
  it('replaces every reference', () => {
    expect(substitute('releases/${TAG}/${NAME}.tgz', { TAG: 'v1', NAME: 'app' })).toEqual({
      text: 'releases/v1/app.tgz',
      references: 2,
      names: ['TAG', 'NAME'],
      problems: [],
    })
  })

  it('reads $${ as a literal ${ and does not count it as a reference', () => {
    expect(substitute('cost: $${PRICE} and ${A}', { A: 'x', PRICE: 'no' })).toEqual({ text: 'cost: ${PRICE} and x', references: 1, names: ['A'], problems: [] })
  })

  it('leaves text without references alone, including a lone $', () => {
    expect(substitute('price: $5 {braces}', {})).toEqual({ text: 'price: $5 {braces}', references: 0, names: [], problems: [] })
  })

  it('substitutes an empty value', () => {
    expect(substitute('a${EMPTY}b', { EMPTY: '' }).text).toBe('ab')
  })

  it('does not substitute again inside a value', () => {
    expect(substitute('${A}', { A: '${B}', B: 'no' }).text).toBe('${B}')
  })

  it('reports undefined and malformed references, in order, and keeps them as written', () => {
    const result = substitute('${MISSING}-${1X}-${}-${a-b}', {})
    expect(result.text).toBe('${MISSING}-${1X}-${}-${a-b}')
    expect(result.names).toEqual(['MISSING'])
    expect(result.problems.map((p) => [p.kind, p.name])).toEqual([
      ['undefined', 'MISSING'],
      ['malformed', '1X'],
      ['malformed', ''],
      ['malformed', 'a-b'],
    ])
  })
})

/** Line and column of each diagnostic of `text` with `vars`. */
function positions(text: string, vars: Record<string, string> = {}) {
  const { source } = parseYaml('uploads.yaml', text)
  return interpolate(source, vars).diagnostics.map((d) => [d.code, d.range!.line, d.range!.col, d.range!.endCol])
}

describe('interpolate: positions of undefined variables', () => {
  it('in a plain scalar', () => {
    expect(positions('key: a/${TAG}/b\n')).toEqual([['undefined-variable', 1, 8, 14]])
  })

  it('in a double-quoted scalar', () => {
    expect(positions('key: "a/${TAG}"\n')).toEqual([['undefined-variable', 1, 9, 15]])
  })

  it('in a single-quoted scalar', () => {
    expect(positions("key: 'a/${TAG}'\n")).toEqual([['undefined-variable', 1, 9, 15]])
  })

  it('two in one string, each at its own column', () => {
    expect(positions('m: "${A}-${B}"\n')).toEqual([
      ['undefined-variable', 1, 5, 9],
      ['undefined-variable', 1, 10, 14],
    ])
  })

  it('the same variable twice, each occurrence at its own column', () => {
    expect(positions('m: ${A}/${A}\n')).toEqual([
      ['undefined-variable', 1, 4, 8],
      ['undefined-variable', 1, 9, 13],
    ])
  })

  it('after an escaped look-alike, at the real reference', () => {
    expect(positions('m: $${A} ${A}\n')).toEqual([['undefined-variable', 1, 10, 14]])
  })

  it('on the second line of a folded scalar', () => {
    expect(positions('m: >-\n  first line\n  then ${LATE}\n')).toEqual([['undefined-variable', 3, 8, 15]])
  })

  it('in a list item and in a flow mapping', () => {
    expect(positions('s:\n  - a\n  - b/${X}\nt: { team: "${Y}" }\n')).toEqual([
      ['undefined-variable', 3, 7, 11],
      ['undefined-variable', 4, 13, 17],
    ])
  })

  it('a malformed reference is bad-variable', () => {
    expect(positions('k: v/${1X}/i\n')).toEqual([['bad-variable', 1, 6, 11]])
  })

  it('never in mapping keys', () => {
    expect(positions('${NOT_A_REF}: 1\n')).toEqual([])
  })

  it('records which scalars held a reference, the names each refers to, and which are unresolved', () => {
    const { source } = parseYaml('uploads.yaml', 'a: ${A}\nb: ${B}-${A}-${B}\nc: plain\n')
    const result = interpolate(source, { A: 'x' })
    expect([...result.interpolated].map(([s, names]) => [s.value, names])).toEqual([
      ['x', ['A']],
      ['${B}-x-${B}', ['B', 'A']],
    ])
    expect([...result.unresolved].map((s) => s.value)).toEqual(['${B}-x-${B}'])
  })
})

describe('loadManifest: where variables come from', () => {
  const file = join(FIXTURES, 'good', 'variables-and-escapes', 'uploads.yaml')

  it('takes the environment when there is no --var', async () => {
    const manifest = await loadManifest({ file, env: { GIT_TAG: 'from-env', GIT_SHA: 'e' } })
    expect(manifest.objects[0]!.key).toBe('releases/from-env/index.html')
  })

  it('lets --var win over the environment', async () => {
    const manifest = await loadManifest({ file, vars: { GIT_TAG: 'from-var' }, env: { GIT_TAG: 'from-env', GIT_SHA: 'e' } })
    expect(manifest.objects[0]!.key).toBe('releases/from-var/index.html')
    expect(manifest.objects[0]!.options.metadata?.['commit']).toBe('e')
  })

  it('lists the variables it used, with their values, sorted by name; unused and escaped ones are not listed', async () => {
    const manifest = await loadManifest({ file, vars: { GIT_TAG: 'v1', UNUSED: 'u' }, env: { GIT_SHA: 'e', NOT_A_VARIABLE: 'n' } })
    expect(manifest.variables).toEqual([
      { name: 'GIT_SHA', value: 'e', secret: false },
      { name: 'GIT_TAG', value: 'v1', secret: false },
    ])
  })

  it('marks a variable secret when a secret option refers to it, even if another field does too', async () => {
    const key = 'k'.repeat(32)
    const secret = await loadManifest({ file: join(FIXTURES, 'good', 'sse-customer-key-variable', 'uploads.yaml'), env: { SSE_C_KEY: key } })
    expect(secret.variables).toEqual([{ name: 'SSE_C_KEY', value: key, secret: true }])
    const text =
      'version: 1\nbucket: example-bucket\nvariables: { K: {}, TAG: {} }\ndefaults:\n  sseCustomerAlgorithm: AES256\n  sseCustomerKey: ${K}\nuploads:\n  - source: site/index.html\n    key: "${TAG}"\n    metadata: { k: "${K}" }\n'
    const both = await loadManifest({ file: join(FIXTURES, 'good', 'sse-customer-key-variable', 'other.yaml'), text, env: { K: key, TAG: 't' } })
    expect(both.variables).toEqual([
      { name: 'K', value: key, secret: true },
      { name: 'TAG', value: 't', secret: false },
    ])
  })

  it('marks a variable secret when its declaration says so, and refuses it in a key', async () => {
    const text = 'version: 1\nbucket: example-bucket\nvariables: { T: { secret: true } }\nuploads:\n  - source: site/index.html\n    key: "${T}.html"\n'
    const other = join(FIXTURES, 'good', 'sse-customer-key-variable', 'other.yaml')
    const error = await loadManifest({ file: other, text, env: { T: 'tok' } }).catch((e: { diagnostics: { code: string; summary: string }[] }) => e)
    expect((error as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['secret-not-allowed'])
    const metadata = await loadManifest({ file: other, text: text.replace('key: "${T}.html"', 'key: a.html\n    metadata: { t: "${T}" }'), env: { T: 'tok' } })
    expect(metadata.variables).toEqual([{ name: 'T', value: 'tok', secret: true }])
  })

  it('reads only declared variables: an undeclared one is an error with the nearest declared name; a default fills in', async () => {
    const text = 'version: 1\nbucket: example-bucket\nvariables: { GIT_SHA: { default: d } }\nuploads:\n  - source: site/index.html\n    key: a.html\n    metadata: { a: "${GIT_SAH}", b: "${HOME}" }\n'
    const other = join(FIXTURES, 'good', 'sse-customer-key-variable', 'other.yaml')
    const error = await loadManifest({ file: other, text, env: { GIT_SAH: 'x', HOME: '/root' } }).catch((e: { diagnostics: { code: string; summary: string }[] }) => e)
    expect((error as { diagnostics: { summary: string }[] }).diagnostics.map((d) => d.summary)).toEqual([
      'variable GIT_SAH is not declared; did you mean GIT_SHA?',
      'variable HOME is not declared',
    ])
    const withDefault = await loadManifest({ file: other, text: text.replace('${GIT_SAH}', '${GIT_SHA}').replace(', b: "${HOME}"', ''), env: {} })
    expect(withDefault.variables).toEqual([{ name: 'GIT_SHA', value: 'd', secret: false }])
  })

  it('reports every undefined variable, not only the first', async () => {
    const error = await loadManifest({ file, env: {} }).catch((e: { diagnostics: { code: string }[] }) => e)
    expect((error as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['undefined-variable', 'undefined-variable'])
  })
})
