import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { LocalDigest } from '../../../src/plan/local-digest.js'
import { uploadChecksumAlgorithm, type PutOptions } from '../../../src/plan/put-options.js'
import { createMultipartHeaders, putObjectHeaders, sseCustomerKeyBytes } from '../../../src/s3/object-headers.js'
import { remoteObjectFromHeaders } from '../../../src/s3/remote-object-headers.js'

const digest: LocalDigest = {
  size: 5,
  md5: '5d41402abc4b2a76b9719d911017c592',
  checksums: { CRC64NVME: 'AAAAAAAAAAA=', SHA256: 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' },
}
const KEY = '0123456789abcdef0123456789abcdef'

/** The PutObject apply sends for `options` and this file (create-only keeps its condition), less its Content-Length. */
function putHeaders(options: PutOptions, local: LocalDigest): Record<string, string> {
  const algorithm = uploadChecksumAlgorithm(options)
  const { 'content-length': length, ...headers } = putObjectHeaders({
    options,
    ...(local.md5 === undefined ? {} : { md5: local.md5 }),
    checksum: { algorithm, value: local.checksums[algorithm]! },
    ...(options.ifNoneMatch === undefined ? {} : { condition: { ifNoneMatch: options.ifNoneMatch } }),
    contentLength: local.size,
  })
  expect(length).toBe(String(local.size))
  return headers
}

describe('putObjectHeaders', () => {
  it('maps every option to its header', () => {
    const headers = putHeaders(
      {
        acl: 'public-read',
        grantFullControl: 'id=a',
        grantRead: 'uri=http://acs.amazonaws.com/groups/global/AllUsers',
        grantReadACP: 'id=b',
        grantWriteACP: 'id=c',
        cacheControl: 'no-cache',
        contentDisposition: 'attachment',
        contentEncoding: 'gzip',
        contentLanguage: 'en',
        contentType: 'text/html',
        expires: '2030-01-02T03:04:05Z',
        websiteRedirectLocation: '/other',
        metadata: { Commit: 'abc', note: 'grüße' },
        tagging: { team: 'web & ops', 'a b': 'x=y' },
        storageClass: 'STANDARD_IA',
        serverSideEncryption: 'aws:kms',
        ssekmsKeyId: 'key-1',
        ssekmsEncryptionContext: { app: 'site' },
        bucketKeyEnabled: true,
        objectLockMode: 'GOVERNANCE',
        objectLockRetainUntilDate: '2030-01-01T00:00:00+01:00',
        objectLockLegalHoldStatus: 'ON',
        ifNoneMatch: '*',
        checksumAlgorithm: 'SHA256',
        expectedBucketOwner: '111122223333',
        requestPayer: 'requester',
      },
      digest,
    )
    expect(headers).toEqual({
      'x-amz-acl': 'public-read',
      'x-amz-grant-full-control': 'id=a',
      'x-amz-grant-read': 'uri=http://acs.amazonaws.com/groups/global/AllUsers',
      'x-amz-grant-read-acp': 'id=b',
      'x-amz-grant-write-acp': 'id=c',
      'cache-control': 'no-cache',
      'content-disposition': 'attachment',
      'content-encoding': 'gzip',
      'content-language': 'en',
      'content-type': 'text/html',
      expires: 'Wed, 02 Jan 2030 03:04:05 GMT',
      'x-amz-website-redirect-location': '/other',
      'x-amz-meta-commit': 'abc',
      'x-amz-meta-note': `=?UTF-8?B?${Buffer.from('grüße').toString('base64')}?=`,
      'x-amz-tagging': 'a%20b=x%3Dy&team=web%20%26%20ops',
      'x-amz-storage-class': 'STANDARD_IA',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'key-1',
      'x-amz-server-side-encryption-context': Buffer.from('{"app":"site"}').toString('base64'),
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      'x-amz-object-lock-mode': 'GOVERNANCE',
      'x-amz-object-lock-retain-until-date': '2029-12-31T23:00:00.000Z',
      'x-amz-object-lock-legal-hold': 'ON',
      'if-none-match': '*',
      'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==',
      'x-amz-sdk-checksum-algorithm': 'SHA256',
      'x-amz-checksum-sha256': digest.checksums.SHA256,
      'x-amz-expected-bucket-owner': '111122223333',
      'x-amz-request-payer': 'requester',
    })
  })

  it('sends CRC64NVME when no algorithm is declared', () => {
    const headers = putHeaders({}, digest)
    expect(headers['x-amz-sdk-checksum-algorithm']).toBe('CRC64NVME')
    expect(headers['x-amz-checksum-crc64nvme']).toBe('AAAAAAAAAAA=')
  })

  it('computes the SSE-C key MD5; a raw 32-byte key and its base64 give the same headers', () => {
    const raw = putHeaders({ sseCustomerAlgorithm: 'AES256', sseCustomerKey: KEY }, digest)
    expect(raw['x-amz-server-side-encryption-customer-key']).toBe(Buffer.from(KEY).toString('base64'))
    expect(raw['x-amz-server-side-encryption-customer-key-md5']).toBe(createHash('md5').update(KEY).digest('base64'))
    const b64 = putHeaders({ sseCustomerKey: Buffer.from(KEY).toString('base64') }, digest)
    expect(b64['x-amz-server-side-encryption-customer-key']).toBe(raw['x-amz-server-side-encryption-customer-key'])
    expect(b64['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256')
    expect(sseCustomerKeyBytes('short')).toEqual(Buffer.from('short'))
  })

  it('multipart creation declares the algorithm and checksum type, not the values', () => {
    expect(createMultipartHeaders({ cacheControl: 'x' })).toEqual({ 'cache-control': 'x', 'x-amz-checksum-algorithm': 'CRC64NVME', 'x-amz-checksum-type': 'FULL_OBJECT' })
    expect(createMultipartHeaders({ checksumAlgorithm: 'SHA1' })['x-amz-checksum-type']).toBe('COMPOSITE')
  })
})

describe('remoteObjectFromHeaders', () => {
  it('normalises HeadObject headers into a RemoteObject', () => {
    const remote = remoteObjectFromHeaders({
      etag: '"9b2cf535f27731c974343645a3985328-3"',
      'content-length': '2621440',
      'last-modified': 'Tue, 04 Mar 2025 05:06:07 GMT',
      'x-amz-version-id': 'v1',
      'x-amz-checksum-crc64nvme': 'abc=',
      'x-amz-checksum-sha256': 'def=-3',
      'x-amz-checksum-type': 'FULL_OBJECT',
      'x-amz-mp-parts-count': '3',
      'cache-control': 'no-cache',
      'content-type': 'text/html',
      expires: 'Wed, 02 Jan 2030 03:04:05 GMT',
      'x-amz-meta-commit': 'abc',
      'x-amz-meta-note': `=?UTF-8?B?${Buffer.from('grüße').toString('base64')}?=`,
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'arn:k',
      'x-amz-server-side-encryption-context': Buffer.from('{"app":"site"}').toString('base64'),
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z',
      'x-amz-object-lock-legal-hold': 'OFF',
      'x-amz-website-redirect-location': '/x',
    })
    expect(remote).toEqual({
      etag: '9b2cf535f27731c974343645a3985328-3',
      size: 2621440,
      partCount: 3,
      lastModified: '2025-03-04T05:06:07.000Z',
      versionId: 'v1',
      checksums: { CRC64NVME: 'abc=', SHA256: 'def=-3' },
      checksumType: 'FULL_OBJECT',
      headers: {
        cacheControl: 'no-cache',
        contentType: 'text/html',
        expires: '2030-01-02T03:04:05.000Z',
        websiteRedirectLocation: '/x',
        metadata: { commit: 'abc', note: 'grüße' },
        storageClass: 'STANDARD',
        serverSideEncryption: 'aws:kms',
        ssekmsKeyId: 'arn:k',
        ssekmsEncryptionContext: { app: 'site' },
        bucketKeyEnabled: true,
        objectLockRetainUntilDate: '2030-01-01T00:00:00.000Z',
        objectLockLegalHoldStatus: 'OFF',
      },
    })
  })

  it('keeps an unparseable Expires as sent and reads the part count from the ETag', () => {
    const remote = remoteObjectFromHeaders({ etag: '"abc-2"', 'content-length': '7', expires: 'never', 'x-amz-storage-class': 'GLACIER' })
    expect(remote.size).toBe(7)
    expect(remote.partCount).toBe(2)
    expect(remote.headers.expires).toBe('never')
    expect(remote.headers.storageClass).toBe('GLACIER')
    expect(remote.firstPartSize).toBeUndefined()
  })
})
