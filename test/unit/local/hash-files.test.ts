import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hashFiles, type HashProgress } from '../../../src/local/index.js'
import { mapBounded } from '../../../src/util/map-bounded.js'
import { patternBytes, useTempDir } from './temp-dir.js'

describe('hashFiles', () => {
  const tmp = useTempDir()

  it('returns digests in input order and reports progress up to every file and byte', async () => {
    // Sizes decrease so that later files tend to finish first.
    const files = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, data: patternBytes((12 - i) * 20_000, i + 1) }))
    const paths = files.map((f) => tmp.write(f.name, f.data))
    const events: HashProgress[] = []
    const digests = await hashFiles(paths, { concurrency: 3, chunkSize: 8192, onProgress: (p) => events.push(p) })

    expect(digests.map((d) => d.md5)).toEqual(files.map((f) => createHash('md5').update(f.data).digest('hex')))
    const totalBytes = files.reduce((n, f) => n + f.data.length, 0)
    expect(events.at(-1)).toEqual({ filesDone: 12, filesTotal: 12, filesActive: 0, bytesDone: totalBytes })
    const active = events.map((e) => e.filesActive)
    expect(Math.max(...active)).toBe(3)
  })

  it('fails with the first error and starts nothing after it', async () => {
    const good = tmp.write('good', 'x')
    const missing = join(tmp.dir(), 'missing')
    let started = 0
    const hashing = hashFiles([missing, good, good, good], {
      concurrency: 1,
      onProgress: (p) => (started = Math.max(started, p.filesDone + p.filesActive)),
    })
    await expect(hashing).rejects.toMatchObject({ code: 'ENOENT' })
    expect(started).toBe(1)
  })

  it('handles an empty list', async () => {
    expect(await hashFiles([])).toEqual([])
  })
})

describe('mapBounded', () => {
  it('never runs more than the limit at once, and reaches it', async () => {
    let running = 0
    let peak = 0
    const results = await mapBounded([5, 1, 4, 2, 3, 1, 2], 2, async (ms, i) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, ms))
      running--
      return i
    })
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(peak).toBe(2)
  })

  it('refuses a limit below one', async () => {
    await expect(mapBounded([1], 0, async (x) => x)).rejects.toThrow(RangeError)
  })
})
