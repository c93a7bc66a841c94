/**
 * evidenceNeeded decides which digests the plan computes against an object. Leaving out
 * what it calls unneeded must never change a verdict: checked over objects of every shape.
 */
import { describe, expect, it } from 'vitest'
import { compareContent, evidenceNeeded } from '../../../src/plan/content-identity.js'
import type { LocalDigest } from '../../../src/plan/local-digest.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { bytes, checksumOf, compositeChecksumOf, localDigestOf, md5Hex, multipartEtagOf, opaqueEtag, remoteObject, uploadedObject } from './builders.js'

const data = bytes(40, 1)
const other = bytes(40, 2)
const PART = 16
/** Another uploader's uneven cut of 40 bytes. */
const UNEVEN = [18, 16, 6]
const KMS = { serverSideEncryption: 'aws:kms' }

/** Objects holding `bytes`: as putplan writes them, and as other tools and stores leave them. */
function shapes(bytes: Buffer): [string, RemoteObject][] {
  const options: [string, PutOptions][] = [
    ['default', {}],
    ['CRC32', { checksumAlgorithm: 'CRC32' }],
    ['SHA256', { checksumAlgorithm: 'SHA256' }],
    ['SSE-KMS', KMS],
  ]
  const ours = options.flatMap(([name, o]): [string, RemoteObject][] => [
    [`putplan single part, ${name}`, uploadedObject(bytes, o)],
    [`putplan multipart, ${name}`, { ...uploadedObject(bytes, o, { partSize: PART }), partSizes: [16, 16, 8] }],
  ])
  const size = bytes.length
  const multipart = (cut: number | number[], extra: Partial<RemoteObject> = {}) => remoteObject({ etag: multipartEtagOf(bytes, cut), size, partCount: 3, ...extra })
  return [
    ...ours,
    ['single part, no checksum', remoteObject({ etag: md5Hex(bytes), size })],
    ['single part, SSE-KMS, no checksum', remoteObject({ etag: opaqueEtag(), size, headers: KMS })],
    ['multipart, no checksum, part size known', multipart(PART, { firstPartSize: PART })],
    ['multipart, no checksum, part size unknown', multipart(PART)],
    ['multipart, uneven parts learnt', multipart(UNEVEN, { firstPartSize: 18, partSizes: UNEVEN })],
    ['multipart, uneven parts, part 1 known', multipart(UNEVEN, { firstPartSize: 18 })],
    ['multipart, checksum of unknown type', multipart(PART, { checksums: { CRC32: checksumOf('CRC32', bytes) } })],
    ['multipart, composite CRC32C without its suffix', multipart(PART, { checksums: { CRC32C: compositeChecksumOf('CRC32C', bytes, PART).split('-')[0]! }, firstPartSize: PART })],
    ['multipart, SSE-KMS, composite CRC32, uneven parts learnt', remoteObject({ etag: `${opaqueEtag()}-3`, size, checksums: { CRC32: compositeChecksumOf('CRC32', bytes, UNEVEN) }, checksumType: 'COMPOSITE', partSizes: UNEVEN, headers: KMS })],
    ['multipart, SSE-KMS, composite CRC32C, part 1 known', remoteObject({ etag: `${opaqueEtag()}-3`, size, checksums: { CRC32C: compositeChecksumOf('CRC32C', bytes, PART) }, checksumType: 'COMPOSITE', firstPartSize: PART, headers: KMS })],
    ['multipart, malformed checksum', multipart(PART, { checksums: { CRC32: 'not base64!' }, firstPartSize: PART })],
    ['opaque ETag, no checksum', remoteObject({ etag: 'W/abc', size })],
  ]
}

/** The file's digests as the plan computes them against `remote`: the cut it asks for, or putplan's. */
function localFor(bytes: Buffer, remote: RemoteObject): LocalDigest {
  const cut = evidenceNeeded(remote).parts?.cut
  return localDigestOf(bytes, cut ? { partSizes: cut } : { partSize: PART })
}

function withoutUnneeded(local: LocalDigest, remote: RemoteObject): LocalDigest {
  const needed = evidenceNeeded(remote)
  const { md5, multipart, checksums } = local
  const stripped: LocalDigest = { size: local.size, checksums: Object.fromEntries(needed.checksums.map((a) => [a, checksums[a]])), ...(needed.md5 && { md5 }) }
  if (multipart && needed.parts) {
    const { etag, compositeChecksums, ...parts } = multipart
    stripped.multipart = {
      ...parts,
      ...(needed.parts.etag && { etag }),
      compositeChecksums: Object.fromEntries(needed.parts.composite.map((a) => [a, compositeChecksums[a]])),
    }
  }
  return stripped
}

describe('evidenceNeeded', () => {
  it('needs nothing when there is no object, or an empty one', () => {
    expect(evidenceNeeded(undefined)).toEqual({ md5: false, checksums: [] })
    expect(evidenceNeeded(remoteObject({ etag: `${md5Hex(Buffer.alloc(0))}-1`, size: 0, partCount: 1 }))).toEqual({ md5: false, checksums: [] })
  })

  it('needs only the checksum against an object putplan wrote (it always sends a full-object checksum)', () => {
    expect(evidenceNeeded(uploadedObject(data, {}))).toEqual({ md5: false, checksums: ['CRC64NVME'] })
    expect(evidenceNeeded(uploadedObject(data, {}, { partSize: PART }))).toEqual({ md5: false, checksums: ['CRC64NVME'] })
  })

  it('needs the whole-file MD5 against a single-part object without a checksum', () => {
    expect(evidenceNeeded(remoteObject({ etag: md5Hex(data), size: data.length }))).toEqual({ md5: true, checksums: [] })
  })

  it('needs the multipart ETag in the object’s cut against a multipart object without a usable full-object checksum', () => {
    expect(evidenceNeeded(remoteObject({ etag: multipartEtagOf(data, PART), size: data.length }))).toEqual({ md5: false, checksums: [], parts: { etag: true, composite: [] } })
    const learnt = remoteObject({ etag: multipartEtagOf(data, UNEVEN), size: data.length, partSizes: UNEVEN })
    expect(evidenceNeeded(learnt)).toEqual({ md5: false, checksums: [], parts: { cut: UNEVEN, etag: true, composite: [] } })
  })

  it('needs composite CRC32C in the object’s cut, and no ETag, against an SSE-KMS object with a composite', () => {
    const remote = remoteObject({ etag: `${opaqueEtag()}-3`, size: data.length, checksums: { CRC32C: compositeChecksumOf('CRC32C', data, PART) }, firstPartSize: PART, headers: KMS })
    expect(evidenceNeeded(remote)).toEqual({ md5: false, checksums: [], parts: { cut: [16, 16, 8], etag: false, composite: ['CRC32C'] } })
  })

  it('needs no part digests of an SSE-KMS object that has no checksum: nothing could use them', () => {
    expect(evidenceNeeded(remoteObject({ etag: `${opaqueEtag()}-3`, size: data.length, headers: KMS })).parts).toBeUndefined()
  })

  for (const [bytesName, bytes] of [['same bytes', data], ['other bytes', other]] as const) {
    for (const [remoteName, remote] of shapes(bytes)) {
      it(`leaves every verdict as it was: ${remoteName}, ${bytesName}`, () => {
        const local = localFor(data, remote)
        expect(compareContent(withoutUnneeded(local, remote), remote)).toEqual(compareContent(local, remote))
      })
    }
  }
})
