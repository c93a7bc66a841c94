import { describe, expect, it } from 'vitest'
import { compileSchema, propertiesAt, readSchema, resolvePointer, type JsonSchema } from './load-schema.js'

const schema = readSchema()
const validate = compileSchema(schema)

/** A smallest valid manifest, with `patch` merged into its top level. */
function manifest(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 1, bucket: 'example-site', uploads: [{ source: 'dist/**' }], ...patch }
}
/** A manifest with one entry made of `entry`. */
function withEntry(entry: Record<string, unknown>): Record<string, unknown> {
  return manifest({ uploads: [{ source: 'dist/**', ...entry }] })
}
function isValid(instance: unknown): boolean {
  return validate(instance)
}
function errorKeywords(instance: unknown): string[] {
  validate(instance)
  return (validate.errors ?? []).map((e) => e.keyword)
}

/** Every `properties` map in the schema, with where it is, found by walking all subschemas. */
function propertyMaps(node: unknown, at = '#'): Array<[string, Record<string, JsonSchema>]> {
  if (node === null || typeof node !== 'object') return []
  const found: Array<[string, Record<string, JsonSchema>]> = []
  const obj = node as JsonSchema
  if (obj.properties && typeof obj.properties === 'object') {
    found.push([at, obj.properties as Record<string, JsonSchema>])
  }
  for (const [k, v] of Object.entries(obj)) found.push(...propertyMaps(v, `${at}/${k}`))
  return found
}

/** A property's description, its own or that of the schema its `$ref` points at. */
function descriptionOf(prop: JsonSchema): unknown {
  if (prop.description !== undefined) return prop.description
  if (typeof prop.$ref === 'string') return descriptionOf(resolvePointer(schema, prop.$ref))
  return undefined
}

describe('uploads.schema.json', () => {
  it('compiles with Ajv2020 in strict mode', () => {
    expect(() => compileSchema(schema)).not.toThrow()
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$id).toBe('https://putplan.dev/schema/uploads.schema.json')
  })

  it('describes every property at every level (editors show it on hover)', () => {
    const missing: string[] = []
    const maps = propertyMaps(schema)
    expect(maps.length).toBeGreaterThanOrEqual(3)
    for (const [at, props] of maps) {
      for (const [name, prop] of Object.entries(props)) {
        const d = descriptionOf(prop)
        if (typeof d !== 'string' || d.trim() === '') missing.push(`${at}/properties/${name}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('names the S3 header in the description of every put option', () => {
    for (const [name, prop] of Object.entries(propertiesAt(schema, '#/$defs/putOptions'))) {
      expect(descriptionOf(prop), name).toMatch(/S3 header: `[^`]+`\.$/)
    }
  })

  it('allows every put option in an entry, and nothing else besides the entry fields', () => {
    const options = Object.keys(propertiesAt(schema, '#/$defs/putOptions'))
    const entry = propertiesAt(schema, '#/$defs/entry')
    const entryFields = ['source', 'exclude', 'root', 'prefix', 'key', 'allowEmpty', 'compress']
    expect(Object.keys(entry).sort()).toEqual([...entryFields, ...options].sort())
    for (const name of options) {
      expect(entry[name]?.$ref, name).toBe(`#/$defs/putOptions/properties/${name}`)
    }
  })

  it('allows every put option in a rule, besides match, phase and compress', () => {
    const options = Object.keys(propertiesAt(schema, '#/$defs/putOptions'))
    const rule = propertiesAt(schema, '#/$defs/rule')
    expect(Object.keys(rule).sort()).toEqual(['match', 'phase', 'compress', ...options].sort())
    for (const name of options) expect(rule[name]?.$ref, name).toBe(`#/$defs/putOptions/properties/${name}`)
    expect(isValid(manifest({ rules: [{ match: '**/*.html', phase: 'last', compress: 'br', cacheControl: 'no-cache' }] }))).toBe(true)
    expect(errorKeywords(manifest({ rules: [{ cacheControl: 'no-cache' }] }))).toContain('required')
    expect(errorKeywords(manifest({ rules: [{ match: '*', phase: 'first' }] }))).toContain('const')
    expect(errorKeywords(manifest({ rules: [{ match: '*', compress: 'zstd' }] }))).toContain('enum')
    expect(errorKeywords(manifest({ defaults: { compress: 'gzip' } }))).toContain('additionalProperties')
  })

  it('accepts the manifest of the design document', () => {
    const valid = isValid({
      version: 1,
      bucket: 'example-site',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      defaults: { serverSideEncryption: 'AES256', checksumAlgorithm: 'CRC64NVME' },
      uploads: [
        {
          source: 'dist/**',
          exclude: ['**/*.map', 'dist/index.html'],
          root: 'dist',
          prefix: 'site/',
          cacheControl: 'public, max-age=31536000, immutable',
        },
        { source: 'dist/index.html', key: 'site/index.html', cacheControl: 'no-cache' },
        {
          source: 'build/app.tar.gz',
          key: 'releases/v1.2.3/app.tar.gz',
          ifNoneMatch: '*',
          tagging: { team: 'web' },
          metadata: { commit: '0123abc' },
        },
      ],
    })
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  describe('top level', () => {
    it('requires version 1, bucket and a non-empty uploads list', () => {
      expect(isValid({ version: 1, bucket: 'example-site' })).toBe(false)
      expect(isValid(manifest({ version: 2 }))).toBe(false)
      expect(isValid(manifest({ uploads: [] }))).toBe(false)
      expect(isValid({ version: 1, uploads: [{ source: 'a' }] })).toBe(false)
    })

    it.each(['example-site', 'a.b.c', 'abc', 'my-bucket-2024', 'a'.repeat(63), '1bucket9'])(
      'accepts bucket name %s',
      (bucket) => expect(isValid(manifest({ bucket }))).toBe(true),
    )
    it.each([
      ['too short', 'ab'],
      ['too long', 'a'.repeat(64)],
      ['uppercase', 'Example-Site'],
      ['underscore', 'example_site'],
      ['starts with a hyphen', '-example'],
      ['ends with a dot', 'example.'],
      ['two adjacent dots', 'example..site'],
      ['formatted like an IP address', '192.168.5.4'],
      ['reserved prefix xn--', 'xn--example'],
      ['reserved prefix sthree-', 'sthree-example'],
      ['reserved prefix amzn-s3-demo-', 'amzn-s3-demo-bucket'],
      ['reserved suffix -s3alias', 'example-s3alias'],
      ['reserved suffix --ol-s3', 'example--ol-s3'],
      ['reserved suffix .mrap', 'example.mrap'],
      ['reserved suffix --x-s3', 'example--usw2-az1--x-s3'],
      ['reserved suffix --table-s3', 'example--table-s3'],
    ])('rejects a bucket name %s (%s)', (_why, bucket) => {
      expect(isValid(manifest({ bucket }))).toBe(false)
    })

    it('reports each broken bucket rule on its own', () => {
      validate(manifest({ bucket: 'xn--a..b' }))
      const paths = (validate.errors ?? []).map((e) => e.schemaPath)
      expect(paths).toContain('#/properties/bucket/allOf/2/not')
      expect(paths).toContain('#/properties/bucket/allOf/4/not')
    })

    it.each([
      ['eu-west-1', true],
      ['us-gov-west-1', true],
      ['ap-southeast-2', true],
      ['EU-WEST-1', false],
      ['eu-west', false],
      ['europe', false],
    ])('region %s valid: %s', (region, ok) => expect(isValid(manifest({ region }))).toBe(ok))

    it.each([
      ['http://127.0.0.1:9000', true],
      ['https://s3.example.com', true],
      ['ftp://example.com', false],
      ['127.0.0.1:9000', false],
    ])('endpoint %s valid: %s', (endpoint, ok) => expect(isValid(manifest({ endpoint }))).toBe(ok))

    it('checks expectedBucketOwner and requestPayer at top level too', () => {
      expect(isValid(manifest({ expectedBucketOwner: '111122223333', requestPayer: 'requester' }))).toBe(true)
      expect(isValid(manifest({ expectedBucketOwner: '1111-2222-3333' }))).toBe(false)
      expect(isValid(manifest({ requestPayer: 'owner' }))).toBe(false)
    })
  })

  describe('unknown fields', () => {
    it('are rejected at the top level', () => {
      expect(errorKeywords(manifest({ buckt: 'x' }))).toContain('additionalProperties')
    })
    it('are rejected in defaults', () => {
      expect(errorKeywords(manifest({ defaults: { cacheControl: 'no-cache', cachecontrol: 'x' } }))).toEqual([
        'additionalProperties',
      ])
      // Entry-only fields make no sense for every object.
      expect(isValid(manifest({ defaults: { prefix: 'site/' } }))).toBe(false)
    })
    it('are rejected in an entry', () => {
      expect(errorKeywords(withEntry({ cache_control: 'no-cache' }))).toEqual(['additionalProperties'])
    })
  })

  describe('entry', () => {
    it('takes one glob or a non-empty list of globs as source and exclude', () => {
      expect(isValid(withEntry({ source: ['a/**', 'b/*.txt'], exclude: '**/*.map' }))).toBe(true)
      expect(isValid(withEntry({ source: [] }))).toBe(false)
      expect(isValid(withEntry({ source: '' }))).toBe(false)
      expect(isValid(withEntry({ source: [1] }))).toBe(false)
      expect(isValid(manifest({ uploads: [{ key: 'a.txt' }] }))).toBe(false)
    })
    it('takes allowEmpty as a boolean only', () => {
      expect(isValid(withEntry({ allowEmpty: true }))).toBe(true)
      expect(isValid(withEntry({ allowEmpty: 'yes' }))).toBe(false)
    })
  })

  describe('put options', () => {
    it.each([
      ['expires', '2030-01-01T00:00:00Z', true],
      ['expires', '2030-01-01T00:00:00.5+02:00', true],
      ['expires', '2030-01-01', false],
      ['expires', '2030-01-01T00:00:00', false],
      ['expires', 'Tue, 01 Jan 2030 00:00:00 GMT', false],
      ['objectLockRetainUntilDate', '2031-06-30T12:00:00Z', true],
      ['objectLockRetainUntilDate', 'next year', false],
    ])('%s %s valid: %s', (name, value, ok) => {
      expect(isValid(withEntry({ [name]: value }))).toBe(ok)
    })

    it.each([
      // Real digests of "hello"; then wrong lengths, padding and encodings.
      ['checksumCRC32', 'NhCmhg==', true],
      ['checksumCRC32C', 'mnG7TA==', true],
      ['checksumSHA1', 'qvTGHdzF6KLavt4PO0gs2a6pQ00=', true],
      ['checksumSHA256', 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=', true],
      ['checksumCRC64NVME', 'M3eFcAZSQlc=', true],
      ['checksumCRC32', 'NhCmhg', false],
      ['checksumCRC32', 'NhCmhh==', false], // not canonical base64: stray low bits,
      ['checksumSHA1', 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=', false],
      ['checksumSHA256', 'qvTGHdzF6KLavt4PO0gs2a6pQ00=', false],
      ['checksumSHA256', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', false],
      ['checksumCRC64NVME', 'NhCmhg==', false],
    ])('checksum pin %s %s valid: %s', (name, value, ok) => {
      expect(isValid(withEntry({ [name]: value }))).toBe(ok)
    })

    it('limits tagging to 10 tags, keys of 1-128 and values of 0-256 characters', () => {
      const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]))
      expect(isValid(withEntry({ tagging: ten }))).toBe(true)
      expect(isValid(withEntry({ tagging: { ...ten, k10: 'v' } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { ['k'.repeat(128)]: 'v'.repeat(256), empty: '' } }))).toBe(true)
      expect(isValid(withEntry({ tagging: { ['k'.repeat(129)]: 'v' } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { '': 'v' } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { k: 'v'.repeat(257) } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { k: 1 } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { 'aws:cloudformation': 'x' } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { 'cost centre': 'Müller & Co' } }))).toBe(false)
      expect(isValid(withEntry({ tagging: { 'cost centre': 'Müller + Söhne/2024' } }))).toBe(true)
    })

    it('takes metadata names that are safe in a header name, without the x-amz-meta- prefix', () => {
      expect(isValid(withEntry({ metadata: { commit: 'abc', 'build-id': '42' } }))).toBe(true)
      expect(isValid(withEntry({ metadata: { 'has space': 'x' } }))).toBe(false)
      expect(isValid(withEntry({ metadata: { 'x-amz-meta-commit': 'abc' } }))).toBe(false)
      expect(isValid(withEntry({ metadata: { commit: 1 } }))).toBe(false)
    })

    it.each([
      ['grantRead', 'uri=http://acs.amazonaws.com/groups/global/AllUsers', true],
      ['grantRead', 'id="79a59df900b949e55d96a1e698fbaced", emailAddress=ops@example.com', true],
      ['grantFullControl', 'id=79a59df900b949e55d96a1e698fbaced', true],
      ['grantRead', 'AllUsers', false],
      ['grantReadACP', 'user=alice', false],
      ['grantWriteACP', 'id=', false],
    ])('%s %s valid: %s', (name, value, ok) => {
      expect(isValid(withEntry({ [name]: value }))).toBe(ok)
    })

    it.each([
      ['contentType', 'text/html; charset=utf-8', true],
      ['contentType', 'application/vnd.api+json', true],
      ['contentType', 'html', false],
      ['websiteRedirectLocation', '/other.html', true],
      ['websiteRedirectLocation', 'https://example.com/', true],
      ['websiteRedirectLocation', 'other.html', false],
      ['ifNoneMatch', '*', true],
      ['ifNoneMatch', 'etag', false],
      ['acl', 'bucket-owner-full-control', true],
      ['acl', 'public', false],
      ['storageClass', 'GLACIER_IR', true],
      ['storageClass', 'glacier', false],
      ['serverSideEncryption', 'aws:kms:dsse', true],
      ['serverSideEncryption', 'kms', false],
      ['sseCustomerAlgorithm', 'AES256', true],
      ['objectLockMode', 'GOVERNANCE', true],
      ['objectLockLegalHoldStatus', 'on', false],
      ['checksumAlgorithm', 'CRC64NVME', true],
      ['checksumAlgorithm', 'MD5', false],
      ['bucketKeyEnabled', 'true', false],
      ['ssekmsEncryptionContext', { project: 'web' }, true],
      ['ssekmsEncryptionContext', { project: 1 }, false],
    ])('%s %j valid: %s', (name, value, ok) => {
      expect(isValid(withEntry({ [name]: value }))).toBe(ok)
    })
  })
})
