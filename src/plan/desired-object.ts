import type { PutOptions } from './put-options.js'

/** Where a manifest entry stands in its file, for messages that point at it. */
export interface EntryRef {
  /** Index in `uploads`. */
  index: number
  /** 1-based line and column of the entry in the manifest. */
  line: number
  col: number
}

/** One object the manifest wants in the bucket: the output of the manifest stage. */
export interface DesiredObject {
  key: string
  /** Absolute path of the file on disk. */
  sourcePath: string
  /** The file's path relative to the manifest's folder, with `/` separators. */
  source: string
  size: number
  /** Entry options merged over `defaults`, variables resolved, contentType filled in. */
  options: PutOptions
  /**
   * Device and inode of the file when its real path was checked to lie inside the work
   * tree: every later open must find this very file, not one a swapped link leads to.
   */
  identity?: { dev: number; ino: number }
  entry: EntryRef
}
