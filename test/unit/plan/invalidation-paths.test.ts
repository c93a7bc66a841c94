import { describe, expect, it } from 'vitest'
import { encodePath, invalidationPaths } from '../../../src/plan/invalidation-paths.js'

describe('invalidationPaths', () => {
  it('names each key, and the folder of an index.html too', () => {
    expect(invalidationPaths(['docs/index.html', 'app.js', 'index.html', 'docs/guide.html'])).toEqual(['/', '/app.js', '/docs/', '/docs/guide.html', '/docs/index.html', '/index.html'])
  })

  it('encodes what CloudFront wants encoded, and nothing else', () => {
    expect(encodePath('a b/ü~x+y=z&(1),2;@$!.html')).toBe('a%20b/%C3%BC%7Ex+y=z&(1),2;@$!.html')
    expect(encodePath('50%/*?#')).toBe('50%25/%2A%3F%23')
    expect(invalidationPaths(['my docs/index.html'])).toEqual(['/my%20docs/', '/my%20docs/index.html'])
  })

  it('collapses to one wildcard per folder past maxPaths', () => {
    const keys = ['a/1.html', 'a/2.html', 'a/b/3.html', 'c/4.css', 'top.txt']
    expect(invalidationPaths(keys, 5)).toEqual(['/a/1.html', '/a/2.html', '/a/b/3.html', '/c/4.css', '/top.txt'])
    expect(invalidationPaths(keys.slice(0, 4), 3)).toEqual(['/a/*', '/c/*'])
    expect(invalidationPaths(keys, 4)).toEqual(['/*'])
  })

  it('keeps within CloudFront limits whatever maxPaths says: 3,000 paths, 15 wildcards', () => {
    const many = Array.from({ length: 3001 }, (_, i) => `f${i % 20}/g${i % 3}/${i}.html`)
    const paths = invalidationPaths(many, 10_000)
    expect(paths.length).toBeLessThanOrEqual(15)
    expect(paths).toEqual(['/*'])
    const some = Array.from({ length: 200 }, (_, i) => `f${i % 10}/g${i % 3}/${i}.html`)
    // 30 folders are too many wildcards: cut back to the 10 first-level ones.
    expect(invalidationPaths(some)).toEqual(Array.from({ length: 10 }, (_, i) => `/f${i}/*`).sort())
  })

  it('is empty for no keys', () => {
    expect(invalidationPaths([])).toEqual([])
  })
})
