import { describe, expect, it } from 'vitest'
import { optionsPerFile } from '../../../src/manifest/resolve-options.js'

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
