/**
 * md5sNeeded decides which MD5s the plan computes for a file uploaded in parts. Leaving out
 * what it calls unneeded must never change a verdict: checked over objects of every shape.
 */
import { describe, expect, it } from 'vitest'
import { compareContent, md5sNeeded } from '../../../src/plan/content-identity.js'
import type { LocalDigest } from '../../../src/plan/local-digest.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { bytes, checksumOf, md5Hex, multipartEtagOf, opaqueEtag, localDigestOf, remoteObject, uploadedObject } from './builders.js'

const data = bytes(40, 1)
const other = bytes(40, 2)
const PART = 16

/** Objects holding `bytes`: as putplan writes them, and as other tools and stores leave them. */
function shapes(bytes: Buffer): [string, RemoteObject][] {
  const options: [string, PutOptions][] = [
    ['default', {}],
    ['CRC32', { checksumAlgorithm: 'CRC32' }],
    ['SHA256', { checksumAlgorithm: 'SHA256' }],
    ['SSE-KMS', { serverSideEncryption: 'aws:kms' }],
  ]
  const ours = options.flatMap(([name, o]): [string, RemoteObject][] => [
    [`putplan single part, ${name}`, uploadedObject(bytes, o)],
    [`putplan multipart, ${name}`, uploadedObject(bytes, o, { partSize: PART })],
  ])
  const size = bytes.length
  return [
    ...ours,
    ['single part, no checksum', remoteObject({ etag: md5Hex(bytes), size })],
    ['single part, SSE-KMS, no checksum', remoteObject({ etag: opaqueEtag(), size, headers: { serverSideEncryption: 'aws:kms' } })],
    ['multipart, no checksum, part size known', remoteObject({ etag: multipartEtagOf(bytes, PART), size, partCount: 3, firstPartSize: PART })],
    ['multipart, no checksum, part size unknown', remoteObject({ etag: multipartEtagOf(bytes, PART), size })],
    ['multipart, checksum of unknown type', remoteObject({ etag: multipartEtagOf(bytes, PART), size, checksums: { CRC32: checksumOf('CRC32', bytes) } })],
    ['multipart, composite-typed CRC', remoteObject({ etag: multipartEtagOf(bytes, PART), size, checksums: { CRC32: checksumOf('CRC32', bytes) }, checksumType: 'COMPOSITE' })],
    ['opaque ETag, no checksum', remoteObject({ etag: 'W/abc', size })],
  ]
}

function withoutUnneeded(local: LocalDigest, remote: RemoteObject): LocalDigest {
  const needed = md5sNeeded(remote)
  const { md5, multipart, ...rest } = local
  const stripped: LocalDigest = { ...rest, ...(needed.wholeMd5 && { md5 }) }
  if (multipart) {
    const { etag, ...parts } = multipart
    stripped.multipart = { ...parts, ...(needed.multipartEtag && { etag }) }
  }
  return stripped
}

describe('md5sNeeded', () => {
  it('needs nothing when there is no object', () => {
    expect(md5sNeeded(undefined)).toEqual({ wholeMd5: false, multipartEtag: false })
  })

  it('needs nothing against an object putplan wrote (it always sends a full-object checksum)', () => {
    expect(md5sNeeded(uploadedObject(data, {}))).toEqual({ wholeMd5: false, multipartEtag: false })
    expect(md5sNeeded(uploadedObject(data, {}, { partSize: PART }))).toEqual({ wholeMd5: false, multipartEtag: false })
  })

  it('needs the whole-file MD5 against a single-part object without a checksum', () => {
    expect(md5sNeeded(remoteObject({ etag: md5Hex(data), size: data.length }))).toEqual({ wholeMd5: true, multipartEtag: false })
  })

  it('needs the multipart ETag against a multipart object without a usable full-object checksum', () => {
    expect(md5sNeeded(remoteObject({ etag: multipartEtagOf(data, PART), size: data.length }))).toEqual({ wholeMd5: false, multipartEtag: true })
  })

  for (const [bytesName, bytes] of [['same bytes', data], ['other bytes', other]] as const) {
    for (const [remoteName, remote] of shapes(bytes)) {
      for (const partSize of [undefined, PART]) {
        it(`leaves every verdict as it was: ${remoteName}, ${bytesName}, local ${partSize ? 'in parts' : 'whole'}`, () => {
          const local = localDigestOf(data, { partSize })
          expect(compareContent(withoutUnneeded(local, remote), remote)).toEqual(compareContent(local, remote))
        })
      }
    }
  }
})
