import { describe, expect, it } from 'vitest'
import { keyProblem, MAX_KEY_BYTES, objectKey } from '../../../src/manifest/object-key.js'

describe('objectKey', () => {
  it('is the path relative to the manifest folder without root or prefix', () => {
    expect(objectKey('dist/app.js', {})).toEqual({ key: 'dist/app.js' })
  })

  it('is prefix + the path relative to root', () => {
    expect(objectKey('dist/assets/app.js', { root: 'dist', prefix: 'site/' })).toEqual({ key: 'site/assets/app.js' })
  })

  it('accepts root written with ./ or a trailing slash', () => {
    expect(objectKey('dist/a.js', { root: './dist/' })).toEqual({ key: 'a.js' })
  })

  it('takes the prefix verbatim (no slash added)', () => {
    expect(objectKey('dist/a.js', { root: 'dist', prefix: 'v1-' })).toEqual({ key: 'v1-a.js' })
  })

  it('keeps unicode and spaces', () => {
    expect(objectKey('docs/résumé final.pdf', { root: 'docs' })).toEqual({ key: 'résumé final.pdf' })
  })

  it('refuses a file outside root', () => {
    expect(objectKey('other/a.js', { root: 'dist' })).toEqual({ problem: 'source-outside-root' })
    expect(objectKey('a.js', { root: 'dist' })).toEqual({ problem: 'source-outside-root' })
  })

  it('refuses a root whose name only starts like the file folder', () => {
    expect(objectKey('distribution/a.js', { root: 'dist' })).toEqual({ problem: 'source-outside-root' })
  })

  it('refuses a file that is root itself', () => {
    expect(objectKey('dist', { root: 'dist' })).toEqual({ problem: 'source-outside-root' })
  })
})

describe('keyProblem', () => {
  it('accepts ordinary keys, with unicode and punctuation', () => {
    for (const key of ['index.html', 'a b/c+d%e&f=g.txt', 'données/été.csv', '~user/x', 'a/.well-known/x']) {
      expect(keyProblem(key), key).toBeUndefined()
    }
  })

  it(`counts UTF-8 bytes, not characters: ${MAX_KEY_BYTES} bytes is the limit`, () => {
    expect(keyProblem('a'.repeat(MAX_KEY_BYTES))).toBeUndefined()
    expect(keyProblem('a'.repeat(MAX_KEY_BYTES + 1))).toBe('key-too-long')
    expect(keyProblem('é'.repeat(MAX_KEY_BYTES / 2))).toBeUndefined() // 512 characters, 1024 bytes
    expect(keyProblem(`${'é'.repeat(MAX_KEY_BYTES / 2)}x`)).toBe('key-too-long')
    expect(keyProblem('😀'.repeat(MAX_KEY_BYTES / 4 + 1))).toBe('key-too-long') // 257 characters, 1028 bytes
  })

  it('refuses empty keys, a leading slash, . and .. segments, control characters', () => {
    for (const key of ['', '/index.html', 'a/../b', './a', 'a/.', '..', 'a\nb', 'tab\there', 'del\u007f']) {
      expect(keyProblem(key), JSON.stringify(key)).toBe('key-invalid')
    }
  })
})
