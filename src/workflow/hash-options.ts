import { isMultipart, type HashFileOptions, type MultipartPolicy } from '../local/index.js'
import type { ChecksumAlgorithm, PutOptions, RemoteObject } from '../plan/index.js'
import { CHECKSUM_PIN_FIELDS, md5sNeeded, updatesHeaders } from '../plan/index.js'
import { DEFAULT_CHECKSUM_ALGORITHM } from '../s3/index.js'

/**
 * What to compute from the bytes of a file uploaded with `options`, given what the bucket
 * holds (`undefined`: nothing under its key): the checksum apply sends, the pinned ones,
 * those the bucket's copy carries, and MD5s where apply or the comparison needs them.
 */
export function hashOptions(options: PutOptions, remote: RemoteObject | undefined, policy: MultipartPolicy): HashFileOptions {
  const algorithms = new Set<ChecksumAlgorithm>([options.checksumAlgorithm ?? DEFAULT_CHECKSUM_ALGORITHM])
  for (const [field, algorithm] of Object.entries(CHECKSUM_PIN_FIELDS)) {
    if (options[field as keyof typeof CHECKSUM_PIN_FIELDS] !== undefined) algorithms.add(algorithm)
  }
  for (const algorithm of Object.keys(remote?.checksums ?? {}) as ChecksumAlgorithm[]) algorithms.add(algorithm)
  // Another uploader's part size, when the bucket revealed it, predicts its multipart ETag.
  const multipart = remote?.firstPartSize !== undefined ? { threshold: 0, partSize: remote.firstPartSize, minPartSize: 1 } : policy
  // A file apply uploads whole needs its MD5 (Content-MD5): a create certainly, and an
  // object whose headers the plan rewrites whatever its bytes; against any other copy in
  // the bucket only if the plan updates it, which `withUploadMd5s` completes by reading the
  // file again, so that a plan that changes nothing computes no MD5 it does not compare. A
  // file uploaded in parts needs MD5s only as evidence against what the bucket holds.
  const needed = md5sNeeded(remote)
  const uploaded = remote === undefined || updatesHeaders(options, remote)
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
