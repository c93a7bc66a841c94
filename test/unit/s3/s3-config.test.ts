import { describe, expect, it } from 'vitest'
import { addressFor, encodeKeyPath, isVirtualHostable, queryString } from '../../../src/s3/addressing.js'
import { resolveS3Config } from '../../../src/s3/s3-config.js'
import { UsageError } from '../../../src/errors/index.js'

function catchError(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('resolveS3Config', () => {
  it('takes the endpoint from config, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, else AWS', () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://s3.local:9000/', AWS_ENDPOINT_URL: 'http://all.local:1' }
    expect(resolveS3Config({ bucket: 'b', endpoint: 'http://flag:2' }, env).endpoint).toBe('http://flag:2')
    expect(resolveS3Config({ bucket: 'b' }, env).endpoint).toBe('http://s3.local:9000')
    expect(resolveS3Config({ bucket: 'b' }, { AWS_ENDPOINT_URL: 'http://all.local:1' }).endpoint).toBe('http://all.local:1')
    const aws = resolveS3Config({ bucket: 'b', region: 'eu-west-1' }, {})
    expect(aws.endpoint).toBe('https://s3.eu-west-1.amazonaws.com')
    expect(aws.endpointFromRegion).toBe(true)
    expect(resolveS3Config({ bucket: 'b', region: 'cn-north-1' }, {}).endpoint).toBe('https://s3.cn-north-1.amazonaws.com.cn')
  })

  it('takes the region from config, AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1', () => {
    const profileRegion = (profile: string | undefined) => (profile === 'ci' ? 'ap-south-1' : profile === undefined ? 'sa-east-1' : undefined)
    expect(resolveS3Config({ bucket: 'b', region: 'eu-west-3' }, { AWS_REGION: 'x' }, profileRegion).region).toBe('eu-west-3')
    expect(resolveS3Config({ bucket: 'b' }, { AWS_REGION: 'eu-north-1', AWS_DEFAULT_REGION: 'y' }).region).toBe('eu-north-1')
    expect(resolveS3Config({ bucket: 'b' }, { AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('us-west-2')
    expect(resolveS3Config({ bucket: 'b', profile: 'ci' }, {}, profileRegion).region).toBe('ap-south-1')
    expect(resolveS3Config({ bucket: 'b' }, { AWS_PROFILE: 'ci' }, profileRegion).region).toBe('ap-south-1')
    expect(resolveS3Config({ bucket: 'b' }, {}, profileRegion).region).toBe('sa-east-1')
    expect(resolveS3Config({ bucket: 'b' }, {}).region).toBe('us-east-1')
    expect(resolveS3Config({ bucket: 'b' }, { AWS_REGION: '' }).region).toBe('us-east-1')
  })

  it('uses path style for custom endpoints unless told otherwise', () => {
    expect(resolveS3Config({ bucket: 'b', endpoint: 'http://x:1' }, {}).forcePathStyle).toBe(true)
    expect(resolveS3Config({ bucket: 'b', endpoint: 'http://x:1', forcePathStyle: false }, {}).forcePathStyle).toBe(false)
    expect(resolveS3Config({ bucket: 'b' }, {}).forcePathStyle).toBe(false)
  })

  it('rejects an endpoint that is not http(s), as a usage error', () => {
    const error = catchError(() => resolveS3Config({ bucket: 'b', endpoint: 'ftp://x' }, {}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('endpoint "ftp://x" is not an http:// or https:// URL')
    expect(() => resolveS3Config({ bucket: 'b', endpoint: 'http://exa mple' }, {})).toThrow('endpoint "http://exa mple" is not a valid URL')
  })

  it('refuses an endpoint without a scheme instead of guessing https, naming where it came from', () => {
    expect(() => resolveS3Config({ bucket: 'b', endpoint: 'example.com:9000' }, {})).toThrow(
      'endpoint "example.com:9000" has no scheme: add http:// or https://, e.g. http://example.com:9000',
    )
    expect(() => resolveS3Config({ bucket: 'b' }, { AWS_ENDPOINT_URL_S3: '127.0.0.1:9000', AWS_ENDPOINT_URL: 'http://ok:1' })).toThrow(/^AWS_ENDPOINT_URL_S3 "127.0.0.1:9000" has no scheme: add http:\/\/ or https:\/\//)
    expect(() => resolveS3Config({ bucket: 'b' }, { AWS_ENDPOINT_URL: 'localhost' })).toThrow(/^AWS_ENDPOINT_URL "localhost" has no scheme/)
  })
})

describe('addressing', () => {
  it('encodes each key segment once, per RFC 3986, keeping slashes', () => {
    expect(encodeKeyPath("a b/c+d/%/~/#?&=/'()*:/ü/")).toBe('a%20b/c%2Bd/%25/~/%23%3F%26%3D/%27%28%29%2A%3A/%C3%BC/')
    expect(encodeKeyPath('x/../y')).toBe('x/../y')
  })

  it('uses virtual-hosted style for DNS-compatible buckets without dots', () => {
    expect(isVirtualHostable('my-bucket')).toBe(true)
    expect(isVirtualHostable('my.bucket')).toBe(false)
    expect(isVirtualHostable('My_Bucket')).toBe(false)
    expect(addressFor('https://s3.eu-west-1.amazonaws.com', 'site', false, 'a b')).toEqual({
      protocol: 'https:',
      hostname: 'site.s3.eu-west-1.amazonaws.com',
      path: '/a%20b',
    })
    expect(addressFor('https://s3.eu-west-1.amazonaws.com', 'my.site', false, 'k').path).toBe('/my.site/k')
  })

  it('keeps the port and base path of a custom endpoint in path style', () => {
    expect(addressFor('http://127.0.0.1:9000/base', 'b', true, 'k/')).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/base/b/k/' })
    expect(addressFor('http://127.0.0.1:9000', 'b', true).path).toBe('/b/')
  })

  it('builds sorted, encoded query strings; empty values stay bare', () => {
    expect(queryString({ uploads: '', prefix: 'a b+', 'continuation-token': undefined })).toBe('?prefix=a%20b%2B&uploads')
    expect(queryString({})).toBe('')
  })
})
