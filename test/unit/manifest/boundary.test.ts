import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { boundaryOf, contains, pathEscape, shownFolder } from '../../../src/manifest/boundary.js'

const top = mkdtempSync(join(tmpdir(), 'putplan-boundary-'))
const repo = join(top, 'repo')
mkdirSync(join(repo, '.git'), { recursive: true })
mkdirSync(join(repo, 'site', 'deploy'), { recursive: true })
mkdirSync(join(top, 'shared'))
afterAll(() => rmSync(top, { recursive: true, force: true }))

describe('the boundary of a manifest', () => {
  it('is the git work tree above the manifest, with the folders allowed besides', () => {
    const boundary = boundaryOf(join(repo, 'site', 'deploy'), [join(top, 'shared')])
    expect(boundary).toMatchObject({ root: repo, kind: 'git' })
    expect(contains(boundary, join(repo, 'site', 'x'))).toBe(true)
    expect(contains(boundary, join(top, 'shared', 'logo.svg'))).toBe(true)
    expect(contains(boundary, join(top, 'repository'))).toBe(false)
    expect(contains(boundary, top)).toBe(false)
    expect(shownFolder(boundary, boundary.allowed[0]!)).toBe('../shared')
  })

  it('is the manifest folder outside git', () => {
    expect(boundaryOf(join(top, 'shared'), [])).toMatchObject({ root: join(top, 'shared'), kind: 'folder' })
  })
})

describe('paths that leave it, from their text', () => {
  const boundary = boundaryOf(join(repo, 'site'), [])
  const dir = join(repo, 'site')
  it.each([
    ['dist/**', undefined],
    ['../site/x.txt', undefined],
    ['./dist/', undefined],
    ['/etc/hostname', 'absolute'],
    ['/etc/*', 'absolute'],
    ['C:/Windows/x', 'absolute'],
    ['../../etc/passwd', 'parent'],
    ['../../**', 'parent'],
    ['dist/**/../../../x', 'parent-after-wildcard'],
  ])('%s', (written, expected) => {
    expect(pathEscape(boundary, dir, written)).toBe(expected)
  })
})
