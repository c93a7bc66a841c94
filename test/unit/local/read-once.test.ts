import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CHUNK_SIZE, readOnce } from '../../../src/local/read-once.js'
import { patternBytes, useTempDir } from './temp-dir.js'

const temp = useTempDir()

/** readOnce of `path`: the MD5 of what it handed over, and the memory each chunk was in. */
async function readAll(path: string): Promise<{ md5: string; memory: Set<ArrayBufferLike> }> {
  const md5 = createHash('md5')
  const memory = new Set<ArrayBufferLike>()
  await readOnce(path, (chunk) => {
    md5.update(chunk)
    memory.add(chunk.buffer)
  })
  return { md5: md5.digest('hex'), memory }
}

describe('readOnce', () => {
  it('reads the next file into the chunk buffers of the last one, and still hands over its own bytes', async () => {
    const first = patternBytes(3 * DEFAULT_CHUNK_SIZE + 17, 1)
    const second = patternBytes(2 * DEFAULT_CHUNK_SIZE + 5, 2)
    const a = await readAll(temp.write('a.bin', first))
    const b = await readAll(temp.write('b.bin', second))
    expect(a.md5).toBe(createHash('md5').update(first).digest('hex'))
    expect(b.md5).toBe(createHash('md5').update(second).digest('hex'))
    expect([...b.memory].every((m) => a.memory.has(m))).toBe(true)
  })

  it('reads a file of under half a chunk into a buffer of its own size', async () => {
    const bytes = patternBytes(100 * 1024, 3)
    const { md5, memory } = await readAll(temp.write('c.bin', bytes))
    expect(md5).toBe(createHash('md5').update(bytes).digest('hex'))
    for (const m of memory) expect(m.byteLength).toBeLessThan(DEFAULT_CHUNK_SIZE / 2)
  })
})

describe('readOnce, many files at once', () => {
  it('reads at most four files in chunks at a time, and every one to its end', async () => {
    const files = Array.from({ length: 10 }, (_, i) => {
      const bytes = patternBytes(DEFAULT_CHUNK_SIZE + 1000 * i, i + 10)
      return { path: temp.write(`f${i}.bin`, bytes), md5: createHash('md5').update(bytes).digest('hex') }
    })
    let reading = 0
    let most = 0
    const md5s = await Promise.all(
      files.map(async ({ path }) => {
        const md5 = createHash('md5')
        let first = true
        await readOnce(path, async (chunk) => {
          if (first) most = Math.max(most, ++reading)
          first = false
          md5.update(chunk)
          // Hold the turn across a tick, as a consumer on another thread does.
          await new Promise((resolve) => setTimeout(resolve, 5))
        })
        reading--
        return md5.digest('hex')
      }),
    )
    expect(md5s).toEqual(files.map((f) => f.md5))
    expect(most).toBe(4)
  })

  it('gives the turn back when a read fails', async () => {
    const path = temp.write('g.bin', patternBytes(DEFAULT_CHUNK_SIZE, 7))
    const failing = Array.from({ length: 6 }, () =>
      readOnce(path, () => {
        throw new Error('consumer failed')
      }),
    )
    for (const result of await Promise.allSettled(failing)) expect(result.status).toBe('rejected')
    // Were a turn lost, this read would wait for ever.
    expect(await readOnce(path, () => undefined)).toBe(DEFAULT_CHUNK_SIZE)
  })
})
