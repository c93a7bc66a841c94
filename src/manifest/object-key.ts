import path from 'node:path'

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024

export type KeyResult = { key: string } | { problem: 'source-outside-root' }

/** `prefix` + the file's path relative to `root` (both relative to the manifest's folder). */
export function objectKey(file: string, entry: { prefix?: string; root?: string }): KeyResult {
  const relative = path.posix.relative(path.posix.normalize(entry.root ?? '.'), file)
  if (relative === '' || relative.startsWith('../') || relative === '..' || path.posix.isAbsolute(relative)) {
    return { problem: 'source-outside-root' }
  }
  return { key: `${entry.prefix ?? ''}${relative}` }
}

export type KeyProblem = 'key-too-long' | 'key-invalid'

/** What S3, or every client after it, would refuse or mangle. */
export function keyProblem(key: string): KeyProblem | undefined {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return 'key-too-long'
  if (key === '' || key.startsWith('/') || key.split('/').some((s) => s === '.' || s === '..')) return 'key-invalid'
  // Control characters survive S3 but not XML listings or most tools.
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'key-invalid'
  return undefined
}
