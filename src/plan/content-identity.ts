import { CHECKSUM_ALGORITHMS, type LocalDigest } from './local-digest.js'
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
 * identity): a full-object checksum of the same algorithm; else an ETag that is an MD5
 * (single part, neither SSE-KMS nor SSE-C); else a multipart ETag or composite checksum
 * recomputed with the uploader's part size. It never guesses "same".
 */
export function compareContent(local: LocalDigest, remote: RemoteObject): ContentVerdict {
  if (local.size !== remote.size) return { same: false, evidence: 'size', ours: local.size, theirs: remote.size }
  return byFullChecksum(local, remote) ?? byComposite(local, remote) ?? byEtag(local, remote)
}

/**
 * A multipart object's checksum is full-object only when the store says so: some stores
 * (moto's HeadObject among them) report a composite one with neither its type nor its
 * `-N` suffix. Then a match is still proof of the bytes, but a mismatch is no evidence.
 */
/** The MD5s beyond the checksums that judging a file against `remote` may need. */
export interface Md5sNeeded {
  /** The whole-file MD5, which only a single-part ETag can be compared with. */
  wholeMd5: boolean
  /** The multipart ETag, which only a multipart ETag can be compared with. */
  multipartEtag: boolean
}

/**
 * Which MD5s `compareContent` could use against `remote`, given local checksums of every
 * algorithm the remote reports: none when there is no remote object or a full-object
 * checksum decides first. The plan asks for no more, because an MD5 is the slowest digest
 * of a large file and a file uploaded in parts needs none for its own upload.
 */
export function md5sNeeded(remote: RemoteObject | undefined): Md5sNeeded {
  if (remote === undefined || fullChecksumDecides(remote)) return { wholeMd5: false, multipartEtag: false }
  return { wholeMd5: /^[0-9a-f]{32}$/.test(remote.etag), multipartEtag: /-\d+$/.test(remote.etag) }
}

/** Whether `byFullChecksum` always gives a verdict, whatever the local bytes. */
function fullChecksumDecides(remote: RemoteObject): boolean {
  if (remote.checksumType === 'COMPOSITE') return false
  // A mismatch of a checksum of unknown type is no evidence (see byFullChecksum).
  if (remote.checksumType === undefined && /-\d+$/.test(remote.etag)) return false
  return Object.values(remote.checksums).some((value) => value !== undefined && !isComposite(value))
}

function byFullChecksum(local: LocalDigest, remote: RemoteObject): ContentVerdict | undefined {
  if (remote.checksumType === 'COMPOSITE') return undefined
  const typeUnknown = remote.checksumType === undefined && /-\d+$/.test(remote.etag)
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const theirs = remote.checksums[algorithm]
    const ours = local.checksums[algorithm]
    if (theirs === undefined || ours === undefined || isComposite(theirs)) continue
    if (typeUnknown && ours !== theirs) continue
    return verdict(`checksum ${algorithm}`, ours, theirs)
  }
  return undefined
}

function byComposite(local: LocalDigest, remote: RemoteObject): ContentVerdict | undefined {
  const ours = local.multipart
  if (!ours) return undefined
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const theirs = remote.checksums[algorithm]
    const composite = ours.compositeChecksums[algorithm]
    if (theirs === undefined || composite === undefined || !isComposite(theirs)) continue
    const parts = partsMatch(ours.partSize, ours.partCount, remote)
    // Under an unknown part size only a match proves anything: a mismatch may be the cut.
    if (parts === 'yes' || (parts === 'maybe' && composite === theirs)) return verdict(`composite checksum ${algorithm}`, composite, theirs)
  }
  return undefined
}

function byEtag(local: LocalDigest, remote: RemoteObject): ContentVerdict {
  const { serverSideEncryption, sseCustomerAlgorithm } = remote.headers
  if (sseCustomerAlgorithm !== undefined) return { same: undefined, why: 'the object is SSE-C encrypted and has no checksum to compare' }
  if (serverSideEncryption?.startsWith('aws:kms')) return { same: undefined, why: 'the object is SSE-KMS encrypted and has no checksum to compare' }
  const multipartEtag = /^[0-9a-f]{32}-(\d+)$/.exec(remote.etag)
  if (!multipartEtag) {
    if (/^[0-9a-f]{32}$/.test(remote.etag) && local.md5 !== undefined) return verdict('ETag (MD5)', local.md5, remote.etag)
    return { same: undefined, why: `the ETag ${JSON.stringify(remote.etag)} is not an MD5 and the object has no checksum to compare` }
  }
  const ours = local.multipart
  const parts = ours ? partsMatch(ours.partSize, ours.partCount, remote) : 'no'
  if (!ours?.etag || parts === 'no' || (parts === 'maybe' && ours.etag !== remote.etag)) {
    return { same: undefined, why: `the object was uploaded in ${multipartEtag[1]} parts of a size putplan could not learn` }
  }
  return verdict('multipart ETag', ours.etag, remote.etag)
}

/**
 * Whether the object was cut into the parts the local digest assumes: `yes` with the same
 * count and part size (HeadObject partNumber=1 tells it), `no` when either differs, `maybe`
 * when the bucket did not tell the part size: then equal digests still prove the bytes,
 * but different ones may only mean a different cut.
 */
function partsMatch(partSize: number, partCount: number, remote: RemoteObject): 'yes' | 'no' | 'maybe' {
  const theirs = remote.partCount ?? Number(/-(\d+)$/.exec(remote.etag)?.[1] ?? partCount)
  if (theirs !== partCount) return 'no'
  if (partCount === 1 || remote.firstPartSize === partSize) return 'yes'
  return remote.firstPartSize === undefined ? 'maybe' : 'no'
}

function isComposite(checksum: string): boolean {
  return /-\d+$/.test(checksum)
}

function verdict(evidence: string, ours: string, theirs: string): ContentVerdict {
  return ours === theirs ? { same: true, evidence } : { same: false, evidence, ours, theirs }
}
