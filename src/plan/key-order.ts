/**
 * UTF-8 byte order, the order S3 lists keys in. It is code point order, which differs from
 * JS string order (UTF-16 units) only where a character beyond U+FFFF (a surrogate pair)
 * meets one from U+E000 to U+FFFF; comparing unit by unit, ranked so that surrogates come
 * after every other unit, gives it without encoding either string.
 */
export function compareKeys(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length)
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return utf8Rank(x) - utf8Rank(y)
  }
  return a.length - b.length
}

/** U+E000-U+FFFF move down over the surrogates' place; surrogates go above them. */
function utf8Rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800
  if (unit >= 0xd800) return unit + 0x2000
  return unit
}
