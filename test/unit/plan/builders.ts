/**
 * Builders for the diff's inputs. Digests are computed from real bytes (node:crypto,
 * zlib.crc32, the CRC64NVME hasher) and never typed in, so a test that says "same bytes"
 * means it. `uploadedObject` plays S3: what HeadObject reports, normalised as `s3/` does,
 * right after putplan's own PutObject or multipart upload of the bytes.
 */
import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { createChecksumHasher } from '../../../src/local/hasher.js'
import type { ObjectFacts } from '../../../src/plan/compute-plan.js'
import type { DesiredObject } from '../../../src/plan/desired-object.js'
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type LocalDigest, type MultipartDigest } from '../../../src/plan/local-digest.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteHeaderOptions, RemoteObject } from '../../../src/plan/remote-object.js'
import { sseCustomerKeyMD5 } from '../../../src/plan/sse-customer-key.js'

/** Deterministic pseudo-random bytes (xorshift32); a different seed gives different bytes. */
export function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex')
}

/** A full-object checksum in S3's encoding (base64; CRCs big-endian). */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): string {
  switch (algorithm) {
    case 'SHA1':
      return createHash('sha1').update(data).digest('base64')
    case 'SHA256':
      return createHash('sha256').update(data).digest('base64')
    case 'CRC32': {
      const out = Buffer.alloc(4)
      out.writeUInt32BE(crc32(data) >>> 0)
      return out.toString('base64')
    }
    case 'CRC32C':
    case 'CRC64NVME': {
      const hasher = createChecksumHasher(algorithm)
      hasher.update(data)
      return hasher.digest()
    }
  }
}

export function checksumsOf(data: Uint8Array, algorithms: readonly ChecksumAlgorithm[] = CHECKSUM_ALGORITHMS): LocalDigest['checksums'] {
  return Object.fromEntries(algorithms.map((a) => [a, checksumOf(a, data)]))
}

/** `data` cut into parts of `cut` bytes (the rest last), or at exactly the sizes of `cut`. */
export function partsOf(data: Buffer, cut: number | readonly number[]): Buffer[] {
  const parts: Buffer[] = []
  if (typeof cut === 'number') {
    for (let offset = 0; offset < data.length; offset += cut) parts.push(data.subarray(offset, offset + cut))
  } else {
    let offset = 0
    for (const size of cut) parts.push(data.subarray(offset, (offset += size)))
  }
  return parts.length > 0 ? parts : [Buffer.alloc(0)]
}

/** `hex(md5(md5(part 1) ... md5(part N)))-N`: the ETag of a multipart upload cut as `cut` says. */
export function multipartEtagOf(data: Buffer, cut: number | readonly number[]): string {
  const parts = partsOf(data, cut)
  const md5s = parts.map((p) => createHash('md5').update(p).digest())
  return `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`
}

/** `base64(c(c(part 1) ... c(part N)))-N`, of the raw part checksums: S3's COMPOSITE checksum of a multipart upload. */
export function compositeChecksumOf(algorithm: ChecksumAlgorithm, data: Buffer, cut: number | readonly number[]): string {
  const parts = partsOf(data, cut)
  const raw = parts.map((p) => Buffer.from(checksumOf(algorithm, p), 'base64'))
  return `${checksumOf(algorithm, Buffer.concat(raw))}-${parts.length}`
}

/** What `local/` computes for `data` cut into parts of `partSize`, or at `sizes` when given: every composite of `algorithms`. */
export function multipartDigestOf(data: Buffer, partSize: number, algorithms: readonly ChecksumAlgorithm[] = CHECKSUM_ALGORITHMS, sizes?: readonly number[]): MultipartDigest {
  const cut = sizes ?? partSize
  const compositeChecksums: MultipartDigest['compositeChecksums'] = {}
  for (const algorithm of algorithms) compositeChecksums[algorithm] = compositeChecksumOf(algorithm, data, cut)
  const uniform = sizes === undefined || sizes.every((size, i) => size === partSize || (i === sizes.length - 1 && size <= partSize))
  return { partSize, partCount: partsOf(data, cut).length, ...(uniform ? {} : { partSizes: [...sizes!] }), etag: multipartEtagOf(data, cut), compositeChecksums }
}

export interface LocalDigestOptions {
  /** Full-object checksums to compute; all by default. */
  algorithms?: readonly ChecksumAlgorithm[]
  /** When set, the file is hashed in parts of this size (as apply would upload it, or as part 1 of the object suggests). */
  partSize?: number
  /** When set, the file is hashed in parts of exactly these sizes (another uploader's cut). */
  partSizes?: readonly number[]
}

/** What `local/hashFile` yields for these bytes. */
export function localDigestOf(data: Buffer, options: LocalDigestOptions = {}): LocalDigest {
  const algorithms = options.algorithms ?? CHECKSUM_ALGORITHMS
  const digest: LocalDigest = { size: data.length, md5: md5Hex(data), checksums: checksumsOf(data, algorithms) }
  const partSize = options.partSize ?? options.partSizes?.[0]
  if (partSize !== undefined) digest.multipart = multipartDigestOf(data, partSize, algorithms, options.partSizes)
  return digest
}

export function desiredObject(overrides: Partial<DesiredObject> = {}): DesiredObject {
  const key = overrides.key ?? 'site/index.html'
  return {
    key,
    sourcePath: `/project/${key}`,
    source: key,
    size: 0,
    options: { contentType: 'text/html' },
    entry: { index: 0, line: 1, col: 1 },
    ...overrides,
  }
}

export type RemoteOverrides = Partial<Omit<RemoteObject, 'headers'>> & { headers?: Partial<RemoteHeaderOptions> }

/** A HeadObject answer as `s3/` normalises it: STANDARD storage class, no metadata unless given. */
export function remoteObject(overrides: RemoteOverrides = {}): RemoteObject {
  const { headers, ...rest } = overrides
  return {
    etag: md5Hex(Buffer.alloc(0)),
    size: 0,
    checksums: {},
    ...rest,
    headers: { metadata: {}, storageClass: 'STANDARD', ...headers },
  }
}

/** A random-looking hex string that is not the MD5 of the content: S3's ETag of an SSE-KMS or SSE-C object. */
export function opaqueEtag(seed = 7): string {
  return bytes(16, seed).toString('hex')
}

export interface UploadOptions {
  /** Upload in parts of this size (putplan's policy, or another uploader's). */
  partSize?: number
}

/**
 * What S3 reports for `data` uploaded with `options` by putplan: the declared checksum
 * algorithm, else CRC64NVME (full object, or composite for SHA in parts); the ETag an MD5,
 * an MD5 of MD5s, or opaque under SSE-KMS/SSE-C; headers as sent, S3's defaults filled in.
 */
export function uploadedObject(data: Buffer, options: PutOptions = {}, upload: UploadOptions = {}): RemoteObject {
  const algorithm = options.checksumAlgorithm ?? 'CRC64NVME'
  const multipart = upload.partSize !== undefined
  const encrypted = options.sseCustomerKey !== undefined || options.serverSideEncryption?.startsWith('aws:kms') === true
  const composite = multipart && (algorithm === 'SHA1' || algorithm === 'SHA256')
  const partCount = multipart ? partsOf(data, upload.partSize!).length : undefined
  const plainEtag = multipart ? multipartEtagOf(data, upload.partSize!) : md5Hex(data)
  const etag = encrypted ? (multipart ? `${opaqueEtag()}-${partCount}` : opaqueEtag()) : plainEtag
  const checksum = composite ? compositeChecksumOf(algorithm, data, upload.partSize!) : checksumOf(algorithm, data)

  const headers: RemoteHeaderOptions = {
    metadata: Object.fromEntries(Object.entries(options.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    storageClass: options.storageClass ?? 'STANDARD',
    // S3 encrypts every new object: SSE-S3 unless told otherwise.
    ...(options.sseCustomerKey === undefined && { serverSideEncryption: options.serverSideEncryption ?? 'AES256' }),
  }
  for (const name of ['cacheControl', 'contentDisposition', 'contentEncoding', 'contentLanguage', 'contentType', 'websiteRedirectLocation'] as const) {
    if (options[name] !== undefined) headers[name] = options[name]
  }
  if (options.expires !== undefined) headers.expires = new Date(Math.floor(Date.parse(options.expires) / 1000) * 1000).toISOString()
  if (options.serverSideEncryption?.startsWith('aws:kms')) {
    const id = options.ssekmsKeyId ?? 'aws-managed-0000'
    headers.ssekmsKeyId = id.startsWith('arn:') ? id : `arn:aws:kms:eu-west-1:111122223333:key/${id}`
    if (options.bucketKeyEnabled === true) headers.bucketKeyEnabled = true
  }
  if (options.sseCustomerKey !== undefined) {
    headers.sseCustomerAlgorithm = options.sseCustomerAlgorithm ?? 'AES256'
    headers.sseCustomerKeyMD5 = sseCustomerKeyMD5(options.sseCustomerKey)
  }
  const remote: RemoteObject = {
    etag,
    size: data.length,
    checksums: { [algorithm]: checksum },
    checksumType: composite ? 'COMPOSITE' : 'FULL_OBJECT',
    headers,
  }
  if (partCount !== undefined) remote.partCount = partCount
  if (options.tagging !== undefined) remote.tagging = { ...options.tagging }
  return remote
}

/** One object's facts: the desired object for `data`, its local digest, and the remote (or none). */
export function factsFor(data: Buffer, desired: Partial<DesiredObject>, remote: RemoteObject | undefined, local: LocalDigestOptions = {}): ObjectFacts {
  return { desired: desiredObject({ size: data.length, ...desired }), local: localDigestOf(data, local), remote }
}
