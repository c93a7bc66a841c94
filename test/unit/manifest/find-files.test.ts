/** findFiles on real directories: globs, excludes, dotfiles, and what symbolic links do. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findFiles, type FindResult } from '../../../src/manifest/find-files.js'
import { boundaryOf } from '../../../src/manifest/boundary.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'putplan-find-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, data = 'x'): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true })
  writeFileSync(join(dir, name), data)
}

function link(name: string, target: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true })
  symlinkSync(target, join(dir, name))
}

/** The temporary folder (no git above it) as the boundary. */
const within = () => boundaryOf(dir, [])

const anyIdentity = { dev: expect.any(Number) as number, ino: expect.any(Number) as number }

const paths = (result: FindResult) => result.files.map((f) => f.path).sort()

describe('findFiles: globs', () => {
  it('finds files with their sizes, relative and /-separated', async () => {
    write('dist/index.html', 'hello')
    write('dist/assets/app.js', 'abc')
    const result = await findFiles(dir, 'dist/**', [], within())
    expect(result.problems).toEqual([])
    expect([...result.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'dist/assets/app.js', size: 3, identity: anyIdentity },
      { path: 'dist/index.html', size: 5, identity: anyIdentity },
    ])
  })

  it('leaves out what exclude names', async () => {
    write('dist/app.js')
    write('dist/app.js.map')
    write('dist/index.html')
    write('dist/sub/other.js.map')
    const result = await findFiles(dir, 'dist/**', ['**/*.map', 'dist/index.html'], within())
    expect(paths(result)).toEqual(['dist/app.js'])
  })

  it('includes dotfiles and files in dot-folders', async () => {
    write('dist/.htaccess')
    write('dist/.well-known/security.txt')
    write('dist/index.html')
    expect(paths(await findFiles(dir, 'dist/**', [], within()))).toEqual(['dist/.htaccess', 'dist/.well-known/security.txt', 'dist/index.html'])
  })

  it('matches nothing without a problem (the caller decides whether that is an error)', async () => {
    write('dist/a.txt')
    expect(await findFiles(dir, 'dist/*.png', [], within())).toEqual({ files: [], problems: [] })
    expect(await findFiles(dir, 'nowhere/**', [], within())).toEqual({ files: [], problems: [] })
  })

  it('follows a symbolic link to a file', async () => {
    write('shared/logo.svg', '<svg/>')
    link('dist/logo.svg', '../shared/logo.svg')
    const result = await findFiles(dir, 'dist/**', [], within())
    expect(result).toEqual({ files: [{ path: 'dist/logo.svg', size: 6, identity: anyIdentity }], problems: [] })
  })

  it('follows a symbolic link to a folder', async () => {
    write('shared/fonts/a.woff2')
    write('shared/fonts/b.woff2')
    link('dist/fonts', '../shared/fonts')
    expect(paths(await findFiles(dir, 'dist/**', [], within()))).toEqual(['dist/fonts/a.woff2', 'dist/fonts/b.woff2'])
  })

  it('reports a link to its own folder as a loop, once, and keeps the other files', async () => {
    write('dist/index.html')
    link('dist/again', '.')
    const result = await findFiles(dir, 'dist/**', [], within())
    expect(paths(result)).toEqual(['dist/index.html'])
    expect(result.problems).toEqual([{ code: 'symlink-loop', path: 'dist/again' }])
  })

  it('reports a link to an ancestor folder as a loop', async () => {
    write('dist/sub/index.html')
    link('dist/sub/up', '../..')
    const result = await findFiles(dir, 'dist/**', [], within())
    expect(paths(result)).toEqual(['dist/sub/index.html'])
    expect(result.problems).toEqual([{ code: 'symlink-loop', path: 'dist/sub/up' }])
  })

  it('reports a link to itself as a loop', async () => {
    write('dist/index.html')
    link('dist/self', 'self')
    const result = await findFiles(dir, 'dist/**', [], within())
    expect(paths(result)).toEqual(['dist/index.html'])
    expect(result.problems).toEqual([{ code: 'symlink-loop', path: 'dist/self' }])
  })

  it('reports a broken link as a missing file', async () => {
    write('dist/index.html')
    link('dist/gone.css', 'nowhere.css')
    const result = await findFiles(dir, 'dist/**', [], within())
    expect(paths(result)).toEqual(['dist/index.html'])
    expect(result.problems).toEqual([{ code: 'file-missing', path: 'dist/gone.css' }])
  })

  it('does not report a loop that exclude leaves out', async () => {
    write('dist/index.html')
    link('dist/again', '.')
    const result = await findFiles(dir, 'dist/**', ['dist/again/**', 'dist/again'], within())
    expect(result).toEqual({ files: [{ path: 'dist/index.html', size: 1, identity: anyIdentity }], problems: [] })
  })
})

describe('findFiles: a literal path', () => {
  it('is one file', async () => {
    write('build/app.tar.gz', '12345')
    expect(await findFiles(dir, 'build/app.tar.gz', [], within())).toEqual({ files: [{ path: 'build/app.tar.gz', size: 5, identity: anyIdentity }], problems: [] })
  })

  it('is normalised', async () => {
    write('build/app.js')
    expect(paths(await findFiles(dir, './build/../build/app.js', [], within()))).toEqual(['build/app.js'])
  })

  it('may be a link to a file', async () => {
    write('build/real.js')
    link('build/current.js', 'real.js')
    expect(paths(await findFiles(dir, 'build/current.js', [], within()))).toEqual(['build/current.js'])
  })

  it('reports a missing file, a folder, a broken link and a link loop', async () => {
    write('build/inside.txt')
    link('build/broken', 'missing')
    link('build/self', 'self')
    expect((await findFiles(dir, 'build/none.txt', [], within())).problems).toEqual([{ code: 'file-missing', path: 'build/none.txt' }])
    expect((await findFiles(dir, 'build', [], within())).problems).toEqual([{ code: 'not-a-file', path: 'build' }])
    expect((await findFiles(dir, 'build/broken', [], within())).problems).toEqual([{ code: 'file-missing', path: 'build/broken' }])
    expect((await findFiles(dir, 'build/self', [], within())).problems).toEqual([{ code: 'symlink-loop', path: 'build/self' }])
  })
})
