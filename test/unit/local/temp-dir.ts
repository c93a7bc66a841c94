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

/** Deterministic bytes, so failures reproduce (the plan builders' generator). */
export { bytes as patternBytes } from '../plan/builders.js'
