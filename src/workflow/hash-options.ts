import { fixedPartPolicy, isMultipart, type HashFileOptions, type MultipartPolicy } from '../local/index.js'
import type { ChecksumAlgorithm, LocalDigest, PutOptions, RemoteObject } from '../plan/index.js'
import { CHECKSUM_PIN_FIELDS, md5sNeeded, optionsFix, uploadChecksumAlgorithm } from '../plan/index.js'

/**
 * What to compute from the bytes of a file uploaded with `options`, given what the bucket
 * holds (`undefined`: nothing under its key): the pinned checksums, those the bucket's copy
 * carries, the MD5s the comparison can use and, for a file the plan certainly uploads,
 * what the upload sends.
 */
export function hashOptions(options: PutOptions, remote: RemoteObject | undefined, policy: MultipartPolicy): HashFileOptions {
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
  const algorithms = new Set<ChecksumAlgorithm>(fix === 'none' ? [] : [uploadChecksumAlgorithm(options)])
  for (const [field, algorithm] of Object.entries(CHECKSUM_PIN_FIELDS)) {
    if (options[field as keyof typeof CHECKSUM_PIN_FIELDS] !== undefined) algorithms.add(algorithm)
  }
  for (const algorithm of Object.keys(remote?.checksums ?? {}) as ChecksumAlgorithm[]) algorithms.add(algorithm)
  // Another uploader's part size, when the bucket revealed it, predicts its multipart ETag.
  const multipart = remote?.firstPartSize !== undefined ? fixedPartPolicy(remote.firstPartSize) : policy
  // A file uploaded in parts needs MD5s only as evidence against what the bucket holds.
  const needed = md5sNeeded(remote)
  const md5 = (size: number) => needed.wholeMd5 || (uploaded && !isMultipart(size, policy))
  return { algorithms: [...algorithms], multipart, md5, multipartEtag: needed.multipartEtag }
}

/**
 * Whether hashing a file of `size` bytes with `done` computed everything `wanted` asks for,
 * with the same parts: a digest with more in it (an MD5 the comparison does not need) is
 * still exact, and cheaper than reading the file again.
 */
export function coversHashing(done: HashFileOptions, wanted: HashFileOptions, size: number): boolean {
  const algorithms = new Set(done.algorithms ?? [])
  return (
    (wanted.algorithms ?? []).every((a) => algorithms.has(a)) &&
    done.multipart === wanted.multipart &&
    ((done.md5?.(size) ?? true) || !(wanted.md5?.(size) ?? true)) &&
    ((done.multipartEtag ?? true) || !(wanted.multipartEtag ?? true))
  )
}

/** What recomputes exactly the digests `local` holds, from the same cut into parts. */
export function rehashOptions(local: LocalDigest): HashFileOptions & { algorithms: ChecksumAlgorithm[] } {
  return {
    algorithms: Object.keys(local.checksums) as ChecksumAlgorithm[],
    multipart: local.multipart ? fixedPartPolicy(local.multipart.partSize) : false,
    md5: () => local.md5 !== undefined,
    multipartEtag: local.multipart?.etag !== undefined,
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
