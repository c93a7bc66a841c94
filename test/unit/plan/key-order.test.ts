import { describe, expect, it } from 'vitest'
import { compareKeys } from '../../../src/plan/key-order.js'

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

describe('compareKeys', () => {
  it('orders as UTF-8 bytes do, where JS string order does not', () => {
    // U+FFFD is one UTF-16 unit above a surrogate, but below U+1F600 in UTF-8.
    expect('\u{1F600}' < '\uFFFD').toBe(true)
    expect(compareKeys('\u{1F600}', '\uFFFD')).toBeGreaterThan(0)
    expect(compareKeys('a/\uE000', 'a/\u{10000}')).toBeLessThan(0)
    expect(compareKeys('a', 'a/')).toBeLessThan(0)
    expect(compareKeys('same', 'same')).toBe(0)
  })

  it('agrees with a byte comparison on random keys drawn from every range of UTF-16', () => {
    // Units near the boundaries that matter: ASCII, below and inside the surrogates, above them.
    const pool = ['a', 'z', '/', '\u00e9', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uf8ff', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}']
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const keys = Array.from({ length: 400 }, () => Array.from({ length: 1 + random(4) }, () => pool[random(pool.length)]).join(''))
    for (const a of keys) {
      for (const b of keys.slice(0, 60)) expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(utf8Order(a, b)))
    }
  })
})
