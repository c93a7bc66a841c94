import path from 'node:path'
import mime from 'mime-types'
import { ENTRY_SELECTORS, type RawEntry, type RawManifest } from './manifest.js'
import type { PutOptions } from '../plan/put-options.js'

/**
 * An entry's PutObject options: top-level bucket options, then `defaults`, then the entry;
 * maps (metadata, tagging) are replaced whole, as PutObject replaces them.
 */
export function entryOptions(manifest: RawManifest, entry: RawEntry): PutOptions {
  const own: Record<string, unknown> = { ...entry }
  for (const selector of ENTRY_SELECTORS) delete own[selector]
  const bucketLevel: PutOptions = {}
  if (manifest.expectedBucketOwner !== undefined) bucketLevel.expectedBucketOwner = manifest.expectedBucketOwner
  if (manifest.requestPayer !== undefined) bucketLevel.requestPayer = manifest.requestPayer
  return { ...bucketLevel, ...manifest.defaults, ...(own as PutOptions) }
}

/**
 * The options each file of an entry is uploaded with: its content type guessed from the
 * extension when not declared. Files of one extension share one options object (options
 * are never changed once resolved), so ten thousand files hold a handful, not ten thousand.
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
