import { compressionSettings, type DigestRequest } from '../local/index.js'
import { compareContent, readRemoteChecksums, type ChecksumAlgorithm, type DesiredObject, type LocalDigest, type RemoteObject } from '../plan/index.js'
import type { CompressedFrom } from '../state/index.js'

/**
 * The state record's fingerprint of a compressed object's file, when the file may still
 * be it: the record names the coding and settings putplan compresses with now, and a file
 * of the size it has now. Only then is the file read (its SHA-256) to compare; otherwise
 * it is compressed as if there were no record.
 */
export function sourceToMatch(recorded: CompressedFrom | undefined, desired: Pick<DesiredObject, 'size' | 'compress'>): CompressedFrom | undefined {
  if (recorded === undefined || desired.compress === undefined) return undefined
  const same = recorded.coding === desired.compress && recorded.settings === compressionSettings(desired.compress) && recorded.size === desired.size
  return same ? recorded : undefined
}

/** Whether the file read now is the one the record's fingerprint names. */
export function sameSource(recorded: CompressedFrom, now: CompressedFrom): boolean {
  return recorded.sha256 === now.sha256 && recorded.size === now.size && recorded.coding === now.coding && recorded.settings === now.settings
}

/**
 * The digest of the compressed bytes `remote` holds, as its record gives it, when that is
 * all the plan needs of them and they are not sent again: the request's full-object
 * checksums and MD5 (when it asks for one) are all in the record, no digest of parts is
 * asked, the options need no upload, and the comparison with `remote` proves the bytes
 * the same. Undefined otherwise: then the file is compressed and its copy hashed. Only
 * for a record `recordedSource` found standing for the object, of a file `sameSource`
 * found unchanged: then these are the bytes compressing the file would give.
 */
export function recordedBody(remote: RemoteObject, request: DigestRequest, fix: 'none' | 'repair' | 'upload'): LocalDigest | undefined {
  if (fix === 'upload' || typeof request.md5 !== 'boolean') return undefined
  if (request.parts !== undefined && (request.parts.etag || request.parts.composite.length > 0)) return undefined
  const full = new Map(readRemoteChecksums(remote).checksums.flatMap((c) => (c.kind === 'full' ? [[c.algorithm, remote.checksums[c.algorithm]!] as const] : [])))
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {}
  for (const algorithm of request.checksums) {
    const value = full.get(algorithm)
    if (value === undefined) return undefined
    checksums[algorithm] = value
  }
  const md5 = request.md5 && /^[0-9a-f]{32}$/.test(remote.etag) ? remote.etag : undefined
  if (request.md5 && md5 === undefined) return undefined
  const local: LocalDigest = { size: remote.size, checksums, ...(md5 === undefined ? {} : { md5 }) }
  return compareContent(local, remote).same === true ? local : undefined
}
