import { describe, expect, it } from 'vitest'
import { compileRules, firstRule, optionResolver, optionsPerFile } from '../../../src/manifest/resolve-options.js'
import type { RawManifest } from '../../../src/manifest/manifest.js'

describe('optionsPerFile', () => {
  it('guesses the content type from the extension, octet-stream when unknown', () => {
    const optionsOf = optionsPerFile({ cacheControl: 'no-cache' })
    expect(optionsOf('site/index.html')).toEqual({ cacheControl: 'no-cache', contentType: 'text/html; charset=utf-8' })
    expect(optionsOf('img/logo.png')).toEqual({ cacheControl: 'no-cache', contentType: 'image/png' })
    expect(optionsOf('data/blob.unknown-extension')).toEqual({ cacheControl: 'no-cache', contentType: 'application/octet-stream' })
    expect(optionsOf('Makefile')).toEqual({ cacheControl: 'no-cache', contentType: 'application/octet-stream' })
  })

  it('gives the files of one extension one shared options object', () => {
    const optionsOf = optionsPerFile({ cacheControl: 'no-cache' })
    const a = optionsOf('a/one.css')
    expect(optionsOf('b/two.css')).toBe(a)
    expect(optionsOf('three.js')).not.toBe(a)
  })

  it('keeps a declared content type for every file', () => {
    const declared = { contentType: 'text/plain' }
    const optionsOf = optionsPerFile(declared)
    expect(optionsOf('page.html')).toBe(declared)
    expect(optionsOf('logo.png')).toBe(declared)
  })
})

describe('optionResolver with rules', () => {
  const manifest: RawManifest = {
    version: 1,
    bucket: 'example-site',
    defaults: { cacheControl: 'max-age=60', storageClass: 'STANDARD_IA' },
    rules: [
      { match: '**/*.html', cacheControl: 'no-cache', phase: 'last' },
      { match: 'assets/**', cacheControl: 'public, max-age=31536000, immutable', contentLanguage: 'en' },
      { match: '**', cacheControl: 'never-used-for-html' },
    ],
    uploads: [{ source: '**' }],
  }
  const rules = compileRules(manifest.rules)

  it('applies the first rule whose glob matches the key, over the defaults', () => {
    const resolve = optionResolver(manifest, { source: '**' }, rules)
    const page = resolve('site/docs/index.html', 'docs/index.html')
    expect(page.options).toMatchObject({ cacheControl: 'no-cache', storageClass: 'STANDARD_IA', contentType: 'text/html; charset=utf-8' })
    expect(page.origins).toEqual({ cacheControl: 'rules[0]', storageClass: 'defaults' })
    expect(page.phase).toBe('last')
    // assets/app.html matches rules[0] first, not rules[1].
    expect(resolve('x/app.html', 'assets/app.html').options.cacheControl).toBe('no-cache')
    const asset = resolve('x/app.js', 'assets/app.js')
    expect(asset.options).toMatchObject({ cacheControl: 'public, max-age=31536000, immutable', contentLanguage: 'en' })
    expect(asset.phase).toBeUndefined()
    expect(resolve('x/robots.txt', 'robots.txt').origins).toEqual({ cacheControl: 'rules[2]', storageClass: 'defaults' })
  })

  it('matches dot files and keys, not source paths', () => {
    const resolve = optionResolver(manifest, { source: '**' }, rules)
    expect(resolve('dist/.well-known/a.html', '.well-known/a.html').options.cacheControl).toBe('no-cache')
    expect(resolve('assets/logo.png', 'img/logo.png').options.cacheControl).toBe('never-used-for-html')
  })

  it("lets the entry's own options win over the rule", () => {
    const entry = { source: '**', cacheControl: 'max-age=5' }
    const page = optionResolver(manifest, entry, rules)('a.html', 'a.html')
    expect(page.options.cacheControl).toBe('max-age=5')
    expect(page.origins).toEqual({ storageClass: 'defaults' })
  })

  it('shares one resolution per rule and extension', () => {
    const resolve = optionResolver(manifest, { source: '**' }, rules)
    expect(resolve('a.html', 'a.html')).toBe(resolve('b/c.html', 'b/c.html'))
    expect(resolve('a.css', 'assets/a.css')).not.toBe(resolve('a.css', 'a.css'))
  })

  it('records no origins without rules', () => {
    const plain = { ...manifest, rules: undefined }
    const resolved = optionResolver(plain, { source: '**' }, [])('a.html', 'a.html')
    expect(resolved.origins).toBeUndefined()
    expect(resolved.options.cacheControl).toBe('max-age=60')
  })

  it('finds no rule for a key no glob matches', () => {
    expect(firstRule(compileRules([{ match: '*.html' }]), 'docs/a.html')).toBeUndefined()
    expect(firstRule(compileRules([{ match: '*.html' }]), 'a.html')?.index).toBe(0)
  })
})
