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

/** The options one file is uploaded with: its content type guessed when not declared. */
export function fileOptions(options: PutOptions, file: string): PutOptions {
  if (options.contentType !== undefined) return options
  return { ...options, contentType: mime.contentType(path.extname(file)) || 'application/octet-stream' }
}
