import type { DigestRequest, MultipartPolicy } from '../local/index.js'
import type { ChecksumAlgorithm, LocalDigest, PutOptions, RemoteObject } from '../plan/index.js'
import { CHECKSUM_PIN_FIELDS, cutOf, evidenceNeeded, isCompositeAlgorithm, optionsFix, uploadChecksumAlgorithm } from '../plan/index.js'

/**
 * What to compute from the bytes of a file uploaded with `options`, given what the bucket
 * holds (`undefined`: nothing under its key): the pinned checksums, the digests the
 * comparison with the bucket's copy can use (`evidenceNeeded`) and, for a file the plan
 * certainly uploads, what the upload sends.
 */
export function hashOptions(options: PutOptions, remote: RemoteObject | undefined, policy: MultipartPolicy): DigestRequest {
  // A create, or an object whose options only an upload fixes whatever its bytes, is
  // uploaded: its one read computes the checksum apply sends and, for a file uploaded whole,
  // its MD5 (Content-MD5). An object whose options a repair fixes in place needs the
  // checksum alone: the copy keeps one of that algorithm, and the state record holds it.
  // Against any other copy in the bucket the file is hashed for the comparison alone, and
  // `withUploadDigests` reads the few the plan updates again: a plan that changes nothing
  // computes no digest it does not compare (an MD5 and a CRC64NVME on two threads cost a
  // gigabyte twice the CPU of the MD5 alone).
  const fix = remote === undefined ? 'upload' : optionsFix(options, remote)
  const uploaded = fix === 'upload'
  const upload = uploadChecksumAlgorithm(options)
  const evidence = evidenceNeeded(remote)
  const checksums = new Set<ChecksumAlgorithm>([...(fix === 'none' ? [] : [upload]), ...evidence.checksums])
  for (const [field, algorithm] of Object.entries(CHECKSUM_PIN_FIELDS)) {
    if (options[field as keyof typeof CHECKSUM_PIN_FIELDS] !== undefined) checksums.add(algorithm)
  }
  // S3 keeps a SHA checksum of an upload in parts as a composite, which apply checks its parts against.
  const composite = new Set<ChecksumAlgorithm>(evidence.parts?.composite ?? [])
  if (uploaded && isCompositeAlgorithm(upload)) composite.add(upload)
  // The bucket's cut, when it told it, predicts its multipart ETag and composites; else the cut apply uploads with.
  const cut = evidence.parts?.cut
  return {
    md5: evidence.md5 || (uploaded && { unlessMultipartUnder: policy }),
    checksums: [...checksums],
    parts: { cut: cut ? { sizes: cut } : { policy }, etag: evidence.parts?.etag ?? false, composite: [...composite] },
  }
}

/** What recomputes exactly the digests `local` holds, from the same cut into parts. */
export function rehashOptions(local: LocalDigest): DigestRequest {
  const { multipart } = local
  return {
    md5: local.md5 !== undefined,
    checksums: Object.keys(local.checksums) as ChecksumAlgorithm[],
    ...(multipart && {
      parts: { cut: { sizes: cutOf(multipart, local.size) }, etag: multipart.etag !== undefined, composite: Object.keys(multipart.compositeChecksums) as ChecksumAlgorithm[] },
    }),
  }
}

/** Whether two reads of a file agree in size and in every digest both computed. */
export function digestsAgree(a: LocalDigest, b: LocalDigest): boolean {
  const same = (x: string | undefined, y: string | undefined) => x === undefined || y === undefined || x === y
  const agree = (x: Partial<Record<ChecksumAlgorithm, string>>, y: Partial<Record<ChecksumAlgorithm, string>>) =>
    (Object.keys(x) as ChecksumAlgorithm[]).every((algorithm) => same(x[algorithm], y[algorithm]))
  return (
    a.size === b.size &&
    same(a.md5, b.md5) &&
    agree(a.checksums, b.checksums) &&
    same(a.multipart?.etag, b.multipart?.etag) &&
    agree(a.multipart?.compositeChecksums ?? {}, b.multipart?.compositeChecksums ?? {})
  )
}
