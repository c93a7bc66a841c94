import type { PutOptionName, PutOptions } from './put-options.js'

/** Where a manifest entry stands in its file, for messages that point at it. */
export interface EntryRef {
  /** Index in `uploads`. */
  index: number
  /** 1-based line and column of the entry in the manifest. */
  line: number
  col: number
}

/**
 * Where options were declared when not in the object's own entry: `defaults` or `rules[N]`.
 * Shown by `plan --verbose`; it never decides anything.
 */
export type OptionOrigins = Readonly<Partial<Record<PutOptionName, string>>>

/** `compress`: putplan stores the file compressed with this coding, and says so in Content-Encoding. */
export type Compression = 'gzip' | 'br'

/** One object the manifest wants in the bucket: the output of the manifest stage. */
export interface DesiredObject {
  key: string
  /** Absolute path of the file on disk. */
  sourcePath: string
  /** The file's path relative to the manifest's folder, with `/` separators. */
  source: string
  size: number
  /** Entry options merged over the matching rule and `defaults`, variables resolved, contentType filled in. */
  options: PutOptions
  /**
   * Device and inode of the file when its real path was checked to lie inside the work
   * tree: every later open must find this very file, not one a swapped link leads to.
   */
  identity?: { dev: number; ino: number }
  entry: EntryRef
  /** Options that came from `defaults` or a rule; absent when all are the entry's own. */
  origins?: OptionOrigins
  /** A rule's `phase: last`: applied with the HTML pages. */
  phase?: 'last'
  /**
   * The object's bytes are the file compressed with this coding: `sourcePath` and `size`
   * are then those of the compressed copy (made by the workflow), `source` the file's.
   */
  compress?: Compression
}
