import type { Diagnostic } from '../errors/index.js'

export const FORMAT_VERSION = 1

/** The JSON document printed on stdout when a command fails in `--format json`. */
export function renderErrorJson(code: string, message: string, diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify({ formatVersion: FORMAT_VERSION, error: { code, message, diagnostics } }, null, 2)
}
