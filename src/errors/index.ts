export type { Diagnostic, DiagnosticCode, SourceRange, RelatedLocation } from './diagnostic.js'
export { PutplanError, ManifestInvalidError, UsageError, type ErrorCode } from './errors.js'
export { ExitCode } from './exit-codes.js'
export { findCause, causeCode } from './find-cause.js'
