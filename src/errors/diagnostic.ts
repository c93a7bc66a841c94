/**
 * A diagnostic is one problem found in the user's input, with where it is. Problems are
 * collected and reported together; codes are stable and tests assert them (not wording).
 */
export type DiagnosticCode =
  | 'manifest-not-found'
  | 'manifest-unreadable'
  | 'yaml-syntax'
  | 'yaml-duplicate-field'
  | 'type'
  | 'enum'
  | 'format'
  | 'pattern'
  | 'required'
  | 'unknown-field'
  | 'out-of-range'
  | 'schema'
  | 'undefined-variable'
  | 'bad-variable'
  | 'secret-not-variable'
  | 'glob-empty'
  | 'file-missing'
  | 'file-unreadable'
  | 'file-name-not-utf8'
  | 'not-a-file'
  | 'symlink-loop'
  | 'duplicate-key'
  | 'key-too-long'
  | 'key-invalid'
  | 'source-outside-root'
  | 'conflicting-fields'
  | 'checksum-pin-mismatch'
  | 'content-encoding-mismatch'
  | 'header-value'
  | 'bucket-refuses'
  | 'rule-unused'
  | 'already-compressed'
  | 'special-file'
  | 'outside-boundary'
  | 'symlink-outside'
  | 'undeclared-variable'
  | 'secret-not-allowed'

/** 1-based, end exclusive. */
export interface SourceRange {
  line: number
  col: number
  endLine: number
  endCol: number
}

export interface RelatedLocation {
  message: string
  file: string
  range: SourceRange
}

export interface Diagnostic {
  code: DiagnosticCode
  /** A warning reports without failing; absent means an error. */
  severity?: 'warning'
  /** One line: what is wrong. */
  summary: string
  /** What was expected, or how to fix it. */
  detail?: string
  file?: string
  range?: SourceRange
  /** The object key concerned, when the problem is about an object. */
  key?: string
  related?: RelatedLocation[]
  /** The source line holds a secret: point at it, never print it. */
  hideSource?: boolean
}
