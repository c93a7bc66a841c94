import type { ChecksumAlgorithm, LocalDigest } from './local-digest.js'
import { cutOf, remoteCut, remotePartCount, sameCut } from './part-cut.js'
import { readRemoteChecksums, type RemoteChecksum } from './remote-checksum.js'
import type { RemoteObject } from './remote-object.js'

/**
 * What the evidence says about the bytes: same, different (with the file's and the
 * object's value of the evidence), or that it cannot tell.
 */
export type ContentVerdict =
  | { same: true; evidence: string }
  | { same: false; evidence: string; ours: string | number; theirs: string | number }
  | { same: undefined; why: string }

/**
 * Judges content identity by the strongest evidence the two sides share (DESIGN: content
 * identity): a full-object checksum of the same algorithm; else a composite checksum or a
 * multipart ETag recomputed with the uploader's cut into parts; else an ETag that is an
 * MD5 (single part, neither SSE-KMS nor SSE-C). It never guesses "same", and never calls
 * bytes different on a value that depends on a cut it only assumed.
 */
export function compareContent(local: LocalDigest, remote: RemoteObject): ContentVerdict {
  if (local.size !== remote.size) return { same: false, evidence: 'size', ours: local.size, theirs: remote.size }
  // Two empty byte strings are equal, however the object was uploaded or encrypted.
  if (local.size === 0) return { same: true, evidence: 'size (both empty)' }
  const { checksums, malformed } = readRemoteChecksums(remote)
  const notes: string[] = []
  return byFullChecksum(local, checksums) ?? byComposite(local, remote, checksums, notes) ?? byEtag(local, remote, [...notes, ...malformed])
}

/**
 * What of a file the comparison with `remote` can use, and nothing more: an MD5 or a
 * multipart ETag is the slowest digest of a large file, and a plan that compares by a
 * full-object checksum computes neither. `parts.cut` is the object's cut as far as the
 * bucket told it (absent: unknown, the caller may try its own).
 */
export interface EvidenceNeeded {
  /** The whole-file MD5, against a single-part ETag that is one. */
  md5: boolean
  /** Full-object checksums (and those that may be: of unknown type). */
  checksums: ChecksumAlgorithm[]
  /** Digests of the parts: the multipart ETag and composite checksums. */
  parts?: { cut?: readonly number[]; etag: boolean; composite: ChecksumAlgorithm[] }
}

export function evidenceNeeded(remote: RemoteObject | undefined): EvidenceNeeded {
  if (remote === undefined || remote.size === 0) return { md5: false, checksums: [] }
  const { checksums } = readRemoteChecksums(remote)
  const full = checksums.filter((c) => c.kind !== 'composite').map((c) => c.algorithm)
  // A full-object checksum decides whatever the bytes.
  if (checksums.some((c) => c.kind === 'full')) return { md5: false, checksums: full }
  const plainEtag = encryption(remote) === undefined
  const md5 = plainEtag && /^[0-9a-f]{32}$/.test(remote.etag)
  const etag = plainEtag && /^[0-9a-f]{32}-\d+$/.test(remote.etag)
  const composite = checksums.filter((c) => c.kind !== 'full').map((c) => c.algorithm)
  if (remotePartCount(remote) === undefined || (!etag && composite.length === 0)) return { md5, checksums: full }
  const cut = remoteCut(remote)
  return { md5, checksums: full, parts: { ...(cut && { cut: cut.sizes }), etag, composite } }
}

function byFullChecksum(local: LocalDigest, checksums: readonly RemoteChecksum[]): ContentVerdict | undefined {
  for (const { algorithm, kind, value } of checksums) {
    const ours = local.checksums[algorithm]
    if (ours === undefined || kind === 'composite') continue
    // A checksum of unknown type may be composite: only a match is evidence.
    if (kind === 'unknown' && ours !== value) continue
    return verdict(`checksum ${algorithm}`, ours, value)
  }
  return undefined
}

function byComposite(local: LocalDigest, remote: RemoteObject, checksums: readonly RemoteChecksum[], notes: string[]): ContentVerdict | undefined {
  const ours = local.multipart
  const parts = partsMatch(local, remote)
  for (const { algorithm, kind, value, parts: count } of checksums) {
    if (kind === 'full') continue
    const composite = ours?.compositeChecksums[algorithm]
    const [oursValue, oursCount] = composite?.split('-') ?? []
    const theirs = remote.checksums[algorithm]!
    const sameCount = count === undefined || String(count) === oursCount
    const evidence = `composite checksum ${algorithm}`
    if (composite !== undefined && sameCount && oursValue === value) return { same: true, evidence }
    // Under an assumed cut, or a checksum that may be full-object, only a match proves anything.
    if (composite !== undefined && sameCount && parts === 'yes' && kind === 'composite') return { same: false, evidence, ours: composite, theirs }
    if (kind === 'composite') notes.push(`its ${algorithm} checksum is composite, over ${count ?? 'several'} parts ${cutNote(parts)}`)
  }
  return undefined
}

function byEtag(local: LocalDigest, remote: RemoteObject, notes: readonly string[]): ContentVerdict {
  const encrypted = encryption(remote)
  if (encrypted !== undefined) {
    return undecided([notes.length === 0 ? `the object is ${encrypted} encrypted and has no checksum to compare` : `the object is ${encrypted} encrypted, so its ETag is no digest of the bytes`, ...notes])
  }
  const multipartEtag = /^[0-9a-f]{32}-(\d+)$/.exec(remote.etag)
  if (!multipartEtag) {
    if (/^[0-9a-f]{32}$/.test(remote.etag) && local.md5 !== undefined) return verdict('ETag (MD5)', local.md5, remote.etag)
    return undecided([`the ETag ${JSON.stringify(remote.etag)} is not an MD5 and the object has no checksum to compare`, ...notes])
  }
  const ours = local.multipart
  const parts = partsMatch(local, remote)
  if (!ours?.etag || parts === 'no' || (parts === 'maybe' && ours.etag !== remote.etag)) {
    return undecided([`the object was uploaded in ${multipartEtag[1]} parts ${cutNote(parts)}`, ...notes])
  }
  return verdict('multipart ETag', ours.etag, remote.etag)
}

/**
 * Whether the file was hashed in the parts the object was cut into: `yes` when the
 * object's cut is known and is the file's; `no` when the count or a known size differs;
 * `maybe` when the object's cut is assumed or unknown. Then equal digests still prove the
 * bytes, but different ones may only mean a different cut.
 */
function partsMatch(local: LocalDigest, remote: RemoteObject): 'yes' | 'no' | 'maybe' {
  const count = remotePartCount(remote)
  if (local.multipart === undefined || count === undefined) return 'no'
  const ours = cutOf(local.multipart, local.size)
  if (ours.length !== count) return 'no'
  const theirs = remoteCut(remote)
  if (theirs === undefined) return remote.firstPartSize !== undefined && remote.firstPartSize !== ours[0] ? 'no' : 'maybe'
  if (!sameCut(theirs.sizes, ours)) return 'no'
  return theirs.exact ? 'yes' : 'maybe'
}

function cutNote(parts: 'yes' | 'no' | 'maybe'): string {
  return parts === 'maybe' ? 'whose sizes putplan could not learn' : 'of sizes the file was not hashed in'
}

function encryption(remote: RemoteObject): 'SSE-C' | 'SSE-KMS' | undefined {
  if (remote.headers.sseCustomerAlgorithm !== undefined) return 'SSE-C'
  if (remote.headers.serverSideEncryption?.startsWith('aws:kms')) return 'SSE-KMS'
  return undefined
}

function undecided(reasons: readonly string[]): ContentVerdict {
  return { same: undefined, why: reasons.join('; ') }
}

function verdict(evidence: string, ours: string, theirs: string): ContentVerdict {
  return ours === theirs ? { same: true, evidence } : { same: false, evidence, ours, theirs }
}
