import path from 'node:path'
import mime from 'mime-types'
import picomatch from 'picomatch'
import { ENTRY_SELECTORS, type RawEntry, type RawManifest, type RawRule } from './manifest.js'
import type { Compression, OptionOrigins } from '../plan/desired-object.js'
import type { PutOptions } from '../plan/put-options.js'

/** What an object is uploaded with, and where its options came from. */
export interface ResolvedOptions {
  options: PutOptions
  origins?: OptionOrigins
  phase?: 'last'
  compress?: Compression
}

/** A rule of `rules`, its glob compiled once. */
export interface CompiledRule {
  index: number
  matches: (key: string) => boolean
  options: PutOptions & { compress?: Compression }
  phase?: 'last'
}

export function compileRules(rules: readonly RawRule[] | undefined): CompiledRule[] {
  return (rules ?? []).map(({ match, phase, ...options }, index) => ({
    index,
    matches: picomatch(match, { dot: true }),
    options,
    ...(phase === undefined ? {} : { phase }),
  }))
}

/** The first rule whose glob matches `key`: rules are read top to bottom, like a routing table. */
export function firstRule(rules: readonly CompiledRule[], key: string): CompiledRule | undefined {
  return rules.find((rule) => rule.matches(key))
}

/**
 * The options each object of an entry gets: top-level bucket options, then `defaults`, then
 * the first rule matching its key, then the entry's own; maps (metadata, tagging) are
 * replaced whole, as PutObject replaces them. Objects under one rule with one extension
 * share one resolution (options are never changed once resolved), so ten thousand files
 * hold a handful, not ten thousand.
 */
export function optionResolver(manifest: RawManifest, entry: RawEntry, rules: readonly CompiledRule[]): (file: string, key: string) => ResolvedOptions {
  const own = entryOwnOptions(entry)
  const bucketLevel: PutOptions = {}
  if (manifest.expectedBucketOwner !== undefined) bucketLevel.expectedBucketOwner = manifest.expectedBucketOwner
  if (manifest.requestPayer !== undefined) bucketLevel.requestPayer = manifest.requestPayer
  const byRule = new Map<CompiledRule | undefined, (file: string) => ResolvedOptions>()
  const resolverFor = (rule: CompiledRule | undefined) => {
    const merged: PutOptions & { compress?: Compression } = { ...bucketLevel, ...manifest.defaults, ...rule?.options, ...(own as PutOptions) }
    // `compress` is no PutObject option: it decides the body, and the Content-Encoding that says so.
    const { compress, ...options } = merged
    if (compress !== undefined) options.contentEncoding = compress
    // Without rules an option comes from the entry or `defaults`, which the manifest shows plainly.
    const origins: Record<string, string> = {}
    if (rules.length > 0) for (const name of Object.keys(manifest.defaults ?? {})) origins[name] = 'defaults'
    for (const name of Object.keys(rule?.options ?? {})) origins[name] = `rules[${rule!.index}]`
    for (const name of Object.keys(own)) delete origins[name]
    delete origins.compress
    const shared = {
      ...(Object.keys(origins).length > 0 ? { origins: origins as OptionOrigins } : {}),
      ...(rule?.phase === undefined ? {} : { phase: rule.phase }),
      ...(compress === undefined ? {} : { compress }),
    }
    const typed = optionsPerFile(options)
    const byOptions = new Map<PutOptions, ResolvedOptions>()
    return (file: string) => {
      const fileOptions = typed(file)
      let resolved = byOptions.get(fileOptions)
      if (resolved === undefined) byOptions.set(fileOptions, (resolved = { options: fileOptions, ...shared }))
      return resolved
    }
  }
  return (file, key) => {
    const rule = firstRule(rules, key)
    let resolve = byRule.get(rule)
    if (resolve === undefined) byRule.set(rule, (resolve = resolverFor(rule)))
    return resolve(file)
  }
}

/** The put options an entry declares itself: the entry without what selects its files. */
export function entryOwnOptions(entry: RawEntry): Record<string, unknown> {
  const own: Record<string, unknown> = { ...entry }
  for (const selector of ENTRY_SELECTORS) delete own[selector]
  return own
}

/**
 * The options each file is uploaded with: its content type guessed from the extension when
 * not declared. Files of one extension share one options object.
 */
export function optionsPerFile(options: PutOptions): (file: string) => PutOptions {
  if (options.contentType !== undefined) return () => options
  const byExtension = new Map<string, PutOptions>()
  return (file) => {
    const extension = path.extname(file)
    let typed = byExtension.get(extension)
    if (typed === undefined) {
      typed = { ...options, contentType: mime.contentType(extension) || 'application/octet-stream' }
      byExtension.set(extension, typed)
    }
    return typed
  }
}
