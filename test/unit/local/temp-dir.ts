import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'

/** A fresh directory per test, removed afterwards; `write` puts a file in it. */
export function useTempDir(): { dir: () => string; write: (name: string, data: string | Uint8Array) => string } {
  let current: string | undefined
  afterEach(() => {
    if (current) rmSync(current, { recursive: true, force: true })
    current = undefined
  })
  const dir = () => (current ??= mkdtempSync(join(tmpdir(), 'putplan-local-')))
  return {
    dir,
    write(name, data) {
      const path = join(dir(), name)
      writeFileSync(path, data)
      return path
    },
  }
}

/** Deterministic bytes, so failures reproduce. */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
