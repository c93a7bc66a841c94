import { Flags } from '@oclif/core'
import { UsageError } from '../errors/index.js'

export const manifestFlag = Flags.string({
  char: 'f',
  summary: 'Path of the manifest.',
  default: 'uploads.yaml',
  helpValue: 'FILE',
})

export const varFlag = Flags.string({
  summary: 'Set a manifest variable: --var NAME=VALUE (wins over the environment). Repeatable.',
  multiple: true,
  helpValue: 'NAME=VALUE',
})

export function formatFlag<T extends string>(options: readonly T[]) {
  return Flags.option({
    summary: 'Output format; json prints one JSON document on stdout and nothing else there.',
    options,
    default: options[0]!,
  })()
}

const VAR = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/

/** `--var NAME=VALUE` pairs as a record; a malformed one is a usage error. */
export function parseVars(pairs: readonly string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const pair of pairs ?? []) {
    const match = VAR.exec(pair)
    if (!match) throw new UsageError(`--var ${JSON.stringify(pair)}: expected NAME=VALUE, NAME made of letters, digits and _`)
    vars[match[1]!] = match[2]!
  }
  return vars
}
