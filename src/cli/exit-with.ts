import * as Errors from '@oclif/core/errors'
import { ExitCode, PutplanError } from '../errors/index.js'

/** The exit code of anything a command throws: ours carry one; flag errors are usage errors. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof PutplanError) return error.exitCode
  return ExitCode.Error
}

/** oclif's own parse errors (unknown flag, bad option value) are the user's, not a bug. */
export function isUsageError(error: unknown): error is Error {
  return error instanceof Errors.CLIError
}
