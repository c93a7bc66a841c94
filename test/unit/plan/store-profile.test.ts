/** Store profiles: which store an endpoint's host names, and what each profile refuses or warns of. */
import { describe, expect, it } from 'vitest'
import { detectStore, STORE_PROFILES, storePreflight, type DesiredObject, type PutOptions } from '../../../src/plan/index.js'

function object(index: number, options: PutOptions): DesiredObject {
  return { key: `k${index}`, source: `f${index}`, sourcePath: `/f${index}`, size: 1, options, entry: { index, line: index + 4, col: 5 } }
}

describe('detectStore', () => {
  it.each([
    [undefined, 'aws'],
    ['https://s3.eu-west-1.amazonaws.com', 'aws'],
    ['https://s3.cn-north-1.amazonaws.com.cn', 'aws'],
    ['https://0123abcd.r2.cloudflarestorage.com', 'r2'],
    ['https://0123abcd.eu.r2.cloudflarestorage.com', 'r2'],
    ['https://s3.us-west-004.backblazeb2.com', 'b2'],
    ['https://storage.googleapis.com', 'gcs'],
    ['http://127.0.0.1:9000', undefined],
    ['https://minio.example.com', undefined],
    ['https://storage.googleapis.com.evil.example', undefined],
  ])('%s -> %s', (endpoint, store) => {
    expect(detectStore(endpoint)).toBe(store)
  })
})

describe('storePreflight', () => {
  const plain = [object(0, {})]
  const kinds = (store: keyof typeof STORE_PROFILES, objects: DesiredObject[], prune = false) => storePreflight(STORE_PROFILES[store], { objects, prune }).map((p) => `${p.severity}:${p.options.join(',') || p.message.split(':')[0]}`)

  it('aws: nothing to refuse or warn of, whatever the manifest asks', () => {
    expect(kinds('aws', [object(0, { acl: 'private', tagging: { a: 'b' }, ifNoneMatch: '*', checksumAlgorithm: 'SHA256', objectLockLegalHoldStatus: 'ON' })], true)).toEqual([])
  })

  it('gcs: race safety, checksums and repairs warned for a plain manifest', () => {
    expect(kinds('gcs', plain)).toEqual([
      'warning:gcs ignores conditional PUTs',
      "warning:gcs does not accept putplan's default CRC64NVME checksum",
      'warning:gcs does not document CopyObject with metadata REPLACE',
    ])
  })

  it('an unsupported option is an error, an undocumented one a warning; create-only and prune need documented conditions', () => {
    expect(kinds('b2', [object(0, { acl: 'private', ifNoneMatch: '*' }), object(1, { objectLockLegalHoldStatus: 'ON' })], true)).toEqual([
      'error:acl',
      'error:ifNoneMatch',
      'error:prune',
      'warning:b2 does not document conditional PUTs',
      "warning:b2 does not accept putplan's default CRC64NVME checksum",
      'warning:b2 does not document CopyObject with metadata REPLACE',
    ])
  })

  it('a declared checksum the store refuses is an error; the default one it refuses is a warning, once', () => {
    expect(kinds('r2', [object(0, { checksumAlgorithm: 'CRC32' }), object(1, {})]).filter((k) => k.includes('checksum'))).toEqual(['error:checksumAlgorithm'])
    expect(storePreflight(STORE_PROFILES.b2, { objects: [object(0, {}), object(1, {})], prune: false }).filter((p) => p.message.includes('CRC64NVME'))).toHaveLength(1)
  })
})
