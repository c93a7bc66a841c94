import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PutplanError } from '../../../src/errors/index.js'
import { locateManifest, manifestFileOf, sameFile } from '../../../src/workflow/manifest-location.js'

const root = mkdtempSync(join(tmpdir(), 'putplan-location-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A clone: a work tree whose `.git` is a directory (or, in a linked work tree, a file). */
function workTree(name: string, gitFile = false): string {
  const dir = join(root, name)
  mkdirSync(join(dir, 'site', 'public'), { recursive: true })
  if (gitFile) writeFileSync(join(dir, '.git'), 'gitdir: /elsewhere\n')
  else mkdirSync(join(dir, '.git'))
  writeFileSync(join(dir, 'site', 'uploads.yaml'), 'version: 1\n')
  return dir
}

describe('locateManifest', () => {
  it('names the manifest relative to its git work tree, wherever plan runs in it', () => {
    const repo = workTree('repo')
    expect(locateManifest('site/uploads.yaml', repo)).toEqual({ path: 'site/uploads.yaml', relativeTo: 'repository' })
    expect(locateManifest('uploads.yaml', join(repo, 'site'))).toEqual({ path: 'site/uploads.yaml', relativeTo: 'repository' })
    expect(locateManifest('../uploads.yaml', join(repo, 'site', 'public'))).toEqual({ path: 'site/uploads.yaml', relativeTo: 'repository' })
  })

  it('finds a linked work tree by its .git file', () => {
    const linked = workTree('linked', true)
    expect(locateManifest(join(linked, 'site', 'uploads.yaml'), root)).toEqual({ path: 'site/uploads.yaml', relativeTo: 'repository' })
  })

  it('outside git, names it relative to the directory plan runs in', () => {
    const plain = join(root, 'plain')
    mkdirSync(join(plain, 'site'), { recursive: true })
    expect(locateManifest('site/uploads.yaml', plain)).toEqual({ path: 'site/uploads.yaml', relativeTo: 'directory' })
    expect(locateManifest('../plain/site/uploads.yaml', join(plain, 'site'))).toEqual({ path: '../plain/site/uploads.yaml', relativeTo: 'directory' })
  })
})

describe('manifestFileOf', () => {
  it('finds the manifest in another clone, from any of its directories', () => {
    const clone = workTree('clone')
    const location = { path: 'site/uploads.yaml', relativeTo: 'repository' } as const
    expect(manifestFileOf(location, clone)).toBe(join(clone, 'site', 'uploads.yaml'))
    expect(manifestFileOf(location, join(clone, 'site', 'public'))).toBe(join(clone, 'site', 'uploads.yaml'))
  })

  it('outside git, a manifest of the repository is an error that says where to run apply', () => {
    const plain = join(root, 'nowhere')
    mkdirSync(plain, { recursive: true })
    const error = (() => {
      try {
        return manifestFileOf({ path: 'site/uploads.yaml', relativeTo: 'repository' }, plain)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(PutplanError)
    expect((error as PutplanError).message).toContain('run putplan apply inside a clone of the repository')
  })

  it('a manifest of a directory is relative to the current one', () => {
    expect(manifestFileOf({ path: 'site/uploads.yaml', relativeTo: 'directory' }, root)).toBe(join(root, 'site', 'uploads.yaml'))
  })
})

describe('sameFile', () => {
  it('compares real paths', () => {
    const repo = workTree('same')
    expect(sameFile(join(repo, 'site', '..', 'site', 'uploads.yaml'), join(repo, 'site', 'uploads.yaml'))).toBe(true)
    expect(sameFile(join(repo, 'site', 'other.yaml'), join(repo, 'site', 'uploads.yaml'))).toBe(false)
  })
})
