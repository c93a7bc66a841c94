import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { compressFile, compressionSettings } from '../../../src/local/compress-file.js'
import { useTempDir } from './temp-dir.js'

const tmp = useTempDir()

/** Text that compresses, large enough to span many read chunks. */
function page(bytes: number): string {
  let text = ''
  for (let i = 0; text.length < bytes; i++) text += `<p class="row-${i % 97}">item ${i} of the list</p>\n`
  return text.slice(0, bytes)
}

describe('compressFile', () => {
  it.each(['gzip', 'br'] as const)('%s: decompresses to the file, and gives the same bytes every time', async (coding) => {
    const source = tmp.write('index.html', page(300_000))
    const first = join(tmp.dir(), `a.${coding}`)
    const second = join(tmp.dir(), `b.${coding}`)
    const { size, source: read } = await compressFile(source, first, coding)
    await compressFile(source, second, coding)
    const bytes = readFileSync(first)
    expect(size).toBe(bytes.length)
    expect(read).toEqual({ size: 300_000, sha256: createHash('sha256').update(readFileSync(source)).digest('base64') })
    expect(size).toBeLessThan(300_000 / 5)
    expect(readFileSync(second).equals(bytes)).toBe(true)
    const back = coding === 'gzip' ? gunzipSync(bytes) : brotliDecompressSync(bytes)
    expect(back.equals(readFileSync(source))).toBe(true)
  })

  it('writes a gzip header without a name or time, marked as made on Unix', async () => {
    const source = tmp.write('app.js', 'console.log(1)\n')
    const target = join(tmp.dir(), 'app.js.gz')
    await compressFile(source, target, 'gzip')
    const header = readFileSync(target).subarray(0, 10)
    // magic, deflate, no flags (so no name), mtime 0, extra flags for level 9, OS 3.
    expect([...header]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3])
    // The same deflate stream as zlib's one-shot gzip at level 9.
    expect(readFileSync(target).subarray(10).equals(gzipSync(readFileSync(source), { level: 9 }).subarray(10))).toBe(true)
  })

  it('compresses an empty file to a valid stream', async () => {
    const source = tmp.write('empty.css', '')
    for (const coding of ['gzip', 'br'] as const) {
      const target = join(tmp.dir(), `empty.${coding}`)
      await compressFile(source, target, coding)
      const bytes = readFileSync(target)
      expect((coding === 'gzip' ? gunzipSync(bytes) : brotliDecompressSync(bytes)).length).toBe(0)
    }
  })

  it('names settings that differ by coding, so a record of one never stands for the other', () => {
    expect(compressionSettings('gzip')).not.toBe(compressionSettings('br'))
    expect(compressionSettings('gzip')).toMatch(/^gzip level 9/)
    expect(compressionSettings('br')).toMatch(/^br quality 9/)
  })
})
