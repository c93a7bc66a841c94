/**
 * Options S3 refuses together, judged on what each entry sends (defaults merged in), and
 * reported once at the option as written, however many entries inherit it.
 */
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { checkOptionPairs } from '../../../src/manifest/check-option-pairs.js'
import type { RawManifest } from '../../../src/manifest/manifest.js'
import { parseYaml } from '../../../src/manifest/yaml-source.js'

function check(text: string) {
  const { source } = parseYaml('uploads.yaml', text)
  return checkOptionPairs(source, parse(text) as RawManifest).map((d) => ({ at: `${d.range!.line}:${d.range!.col}`, summary: d.summary }))
}

const HEAD = 'version: 1\nbucket: b-site\n'

describe('acl with grants', () => {
  it('a canned ACL in defaults and a grant in an entry: at the entry grant', () => {
    expect(check(`${HEAD}defaults:\n  acl: private\nuploads:\n  - source: a\n    grantRead: id=1\n  - source: b\n`)).toEqual([{ at: '7:5', summary: '"acl" cannot be used with "grantRead"' }])
  })

  it('both in defaults: once, however many entries inherit them', () => {
    expect(check(`${HEAD}defaults:\n  acl: private\n  grantWriteACP: id=1\nuploads:\n  - source: a\n  - source: b\n`)).toEqual([{ at: '5:3', summary: '"acl" cannot be used with "grantWriteACP"' }])
  })

  it('an entry that declares acl over default grants: at its acl', () => {
    expect(check(`${HEAD}defaults:\n  grantRead: id=1\nuploads:\n  - source: a\n    acl: private\n`)).toEqual([{ at: '7:5', summary: '"acl" cannot be used with "grantRead"' }])
  })

  it('grants alone, or acl alone, are fine', () => {
    expect(check(`${HEAD}uploads:\n  - source: a\n    grantRead: id=1\n    grantFullControl: id=2\n  - source: b\n    acl: public-read\n`)).toEqual([])
  })
})

describe('object lock mode and date', () => {
  it('mode without date, and date without mode', () => {
    expect(check(`${HEAD}uploads:\n  - source: a\n    objectLockMode: GOVERNANCE\n  - source: b\n    objectLockRetainUntilDate: 2030-01-01T00:00:00Z\n`)).toEqual([
      { at: '5:5', summary: '"objectLockMode" needs "objectLockRetainUntilDate"' },
      { at: '7:5', summary: '"objectLockRetainUntilDate" needs "objectLockMode"' },
    ])
  })

  it('a mode in defaults completed by each entry date is fine; an entry without a date is not', () => {
    const text = `${HEAD}defaults:\n  objectLockMode: COMPLIANCE\nuploads:\n  - source: a\n    objectLockRetainUntilDate: 2030-01-01T00:00:00Z\n  - source: b\n`
    expect(check(text)).toEqual([{ at: '4:3', summary: '"objectLockMode" needs "objectLockRetainUntilDate"' }])
  })

  it('a legal hold alone needs neither', () => {
    expect(check(`${HEAD}uploads:\n  - source: a\n    objectLockLegalHoldStatus: "ON"\n`)).toEqual([])
  })
})
