import type { Diagnostic } from './diagnostic.js'
import { ExitCode } from './exit-codes.js'

export type ErrorCode =
  | 'usage'
  | 'manifest-invalid'
  | 'init-exists'
  | 'plan-file-invalid'
  | 'plan-stale'
  | 'plan-applied'
  | 'not-approved'
  | 's3'
  | 'network'
  | 'apply-failed'
  | 'file-changed'
  | 'file-unreadable'
  | 'prune-refused'
  | 'bucket-refused'
  | 'cdn'

/** Base of every error putplan reports on purpose; anything else is a bug. */
export class PutplanError extends Error {
  readonly code: ErrorCode
  readonly exitCode: ExitCode
  readonly diagnostics: readonly Diagnostic[]

  constructor(code: ErrorCode, message: string, diagnostics: readonly Diagnostic[] = [], exitCode = ExitCode.Error) {
    super(message)
    this.name = 'PutplanError'
    this.code = code
    this.exitCode = exitCode
    this.diagnostics = diagnostics
  }
}

/** The manifest (or its files) is invalid: every problem found, at once. */
export class ManifestInvalidError extends PutplanError {
  constructor(diagnostics: readonly Diagnostic[]) {
    const n = diagnostics.length
    super('manifest-invalid', `the manifest has ${n} ${n === 1 ? 'error' : 'errors'}`, diagnostics)
    this.name = 'ManifestInvalidError'
  }
}

export class UsageError extends PutplanError {
  constructor(message: string) {
    super('usage', message)
    this.name = 'UsageError'
  }
}
