import { describe, expect, it } from 'vitest'
import { didYouMean } from '../../../src/manifest/did-you-mean.js'

const OPTIONS = ['acl', 'cacheControl', 'contentType', 'contentEncoding', 'contentDisposition', 'expires', 'metadata', 'storageClass', 'checksumAlgorithm']

describe('didYouMean', () => {
  it.each([
    ['cache-control', 'cacheControl'], // the AWS CLI's spelling
    ['CacheControl', 'cacheControl'], // the SDKs' spelling
    ['cache_control', 'cacheControl'],
    ['cacheControll', 'cacheControl'],
    ['contnetType', 'contentType'], // swapped neighbours
    ['content-type', 'contentType'],
    ['storageclass', 'storageClass'],
    ['StorageClass', 'storageClass'],
    ['checksum-algorithm', 'checksumAlgorithm'],
    ['ACL', 'acl'],
  ])('%s -> %s', (written, expected) => {
    expect(didYouMean(written, OPTIONS)).toBe(expected)
  })

  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('colour', OPTIONS)).toBeUndefined()
    expect(didYouMean('x', OPTIONS)).toBeUndefined()
  })

  it('counts a transposition as one edit in short names too', () => {
    expect(didYouMean('regoin', ['region', 'bucket'])).toBe('region')
  })

  it('suggests enum values the same way', () => {
    expect(didYouMean('aes256', ['AES256', 'aws:kms', 'aws:kms:dsse'])).toBe('AES256')
    expect(didYouMean('standard-ia', ['STANDARD', 'STANDARD_IA'])).toBe('STANDARD_IA')
  })

  it('finds nothing in an empty list', () => {
    expect(didYouMean('acl', [])).toBeUndefined()
  })
})
