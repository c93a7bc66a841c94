/**
 * The file changed while it was being read, so its digests describe no version of it.
 * `local/` stands below the error vocabulary of `errors/`; the workflow maps this (by
 * `code`) to a diagnostic for the file.
 */
export class FileChangedError extends Error {
  readonly code = 'file-changed'
  readonly path: string
  /** Size at open, and bytes actually read. */
  readonly expectedSize: number
  readonly readSize: number

  constructor(path: string, expectedSize: number, readSize: number, detail: string) {
    super(`${path} changed while it was being read (${detail})`)
    this.name = 'FileChangedError'
    this.path = path
    this.expectedSize = expectedSize
    this.readSize = readSize
  }
}
