import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { UsageError } from '../errors/index.js'
import { parseShard, type Shard } from '../plan/index.js'

export const manifestFlag = Flags.string({
  char: 'f',
  summary: 'Path of the manifest.',
  default: 'uploads.yaml',
  helpValue: 'FILE',
})

/** `putplan plan uploads.yaml`: the manifest as an argument, the way people first type it. */
export const manifestArg = Args.string({ description: 'The manifest, as with -f FILE.' })

/**
 * The manifest a command reads: the argument or `-f`. Both, naming different files, is
 * a usage error rather than a silent choice between them.
 */
export function manifestFile(positional: string | undefined, file: string, metadata: ParseMetadata): string {
  if (positional === undefined) return file
  if (!metadata.flags.file?.setFromDefault && file !== positional) {
    throw new UsageError(`two manifests given: ${JSON.stringify(positional)} and -f ${JSON.stringify(file)}; give one`)
  }
  return positional
}

/** What oclif's parse tells of each flag: here, whether `-f` was only its default. */
interface ParseMetadata {
  flags: { file?: { setFromDefault?: boolean } }
}

/** A `.yaml`/`.yml` argument of apply is the manifest; anything else is a saved plan. */
export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path)
}

export const varFlag = Flags.string({
  summary: 'Set a manifest variable: --var NAME=VALUE (wins over the environment). Repeatable.',
  multiple: true,
  helpValue: 'NAME=VALUE',
})

export const allowOutsideFlag = Flags.string({
  summary: 'Allow sources from DIR, a folder outside the git work tree that holds the manifest (nothing else outside is read). Repeatable.',
  multiple: true,
  helpValue: 'DIR',
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

export const shardFlag = Flags.string({
  summary:
    'Plan (and apply) only shard K of N: the keys whose SHA-256 (first 4 bytes, big-endian) modulo N is K-1. A key never changes shard as others come and go. Run the N shards on N runners, then an unsharded apply for deletes.',
  helpValue: 'K/N',
})

/** `--shard K/N`; anything else (K above N, zero, not numbers) is a usage error. */
export function parseShardFlag(text: string): Shard {
  const shard = parseShard(text)
  if (!shard) throw new UsageError(`--shard ${JSON.stringify(text)}: expected K/N with 1 <= K <= N, e.g. --shard 2/4`)
  return shard
}
