/**
 * Values S3 cannot store as written: metadata over 2 KB (UTF-8 bytes of names and values),
 * names S3 folds into one, white space HTTP drops, characters a header cannot carry.
 */
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { checkHeaderValues, MAX_METADATA_BYTES } from '../../../src/manifest/check-header-values.js'
import type { RawManifest } from '../../../src/manifest/manifest.js'
import { parseYaml } from '../../../src/manifest/yaml-source.js'

function check(manifest: Omit<RawManifest, 'version' | 'bucket'>) {
  const text = stringify({ version: 1, bucket: 'b-site', ...manifest })
  const { source } = parseYaml('uploads.yaml', text)
  return checkHeaderValues(source, { version: 1, bucket: 'b-site', ...manifest }).map((d) => d.summary)
}

describe('user metadata size', () => {
  it('counts UTF-8 bytes of names and values: 2048 passes, 2049 fails', () => {
    const name = 'note' // 4 bytes; each é is 2
    const exactly = 'é'.repeat((MAX_METADATA_BYTES - 4) / 2)
    expect(check({ uploads: [{ source: 'a', metadata: { [name]: exactly } }] })).toEqual([])
    expect(check({ uploads: [{ source: 'a', metadata: { [name]: `${exactly}x` } }] })).toEqual(["metadata is 2049 bytes, over S3's limit of 2048"])
  })

  it('checks defaults too', () => {
    expect(check({ defaults: { metadata: { a: 'x'.repeat(2048) } }, uploads: [{ source: 'a' }] })).toHaveLength(1)
  })
})

describe('metadata names and values', () => {
  it('two names equal but for case', () => {
    expect(check({ uploads: [{ source: 'a', metadata: { Commit: 'a', commit: 'b' } }] })).toEqual(['metadata name "commit" is another name of the map in other case'])
  })

  it('white space around an ASCII value; non-ASCII values are sent encoded, so they keep theirs', () => {
    expect(check({ uploads: [{ source: 'a', metadata: { a: 'x ', b: ' é ', c: 'in side' } }] })).toEqual(['metadata value of "a" begins or ends with white space'])
  })
})

describe('text headers', () => {
  it.each([['line break', 'no-cache\r\nx-amz-acl: public-read'], ['non-ASCII', 'attachment; filename="é.pdf"'], ['leading space', ' no-cache'], ['NUL', 'a\u0000b']])('%s', (_what, value) => {
    expect(check({ uploads: [{ source: 'a', cacheControl: value }] })).toEqual(['cacheControl holds characters an HTTP header cannot carry as written'])
  })

  it('visible ASCII with spaces and tabs between is fine', () => {
    expect(check({ uploads: [{ source: 'a', cacheControl: 'public,\tmax-age=60', contentDisposition: "attachment; filename*=UTF-8''%C3%A9.pdf" }] })).toEqual([])
  })
})
