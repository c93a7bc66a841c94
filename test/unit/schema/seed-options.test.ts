/**
 * Every option of the AWS CLI `put-object` page has a home in putplan: a manifest field,
 * a value putplan computes, or a CLI flag. The list below says which, and the tests hold
 * it against both the schema and the page itself, so a new option on the page (or a
 * renamed schema field) fails here instead of being forgotten.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { OPTION_NAMES, SECRET_OPTIONS } from '../../../src/plan/option-table.js'
import { CHECKSUM_PIN_FIELDS, type PutOptionName } from '../../../src/plan/put-options.js'
import { propertiesAt, readSchema } from './load-schema.js'

/** The reference page (the AWS CLI v1 `s3api put-object` page as text), kept in the fixtures. */
const SEED_PATH = fileURLToPath(new URL('../../fixtures/aws-cli-put-object.txt', import.meta.url))

type Home =
  /** A manifest field: a put option (top level, defaults and entries), an entry field, or top level only. */
  | { field: string; in: 'putOptions' | 'entry' | 'top' }
  /** putplan works the value out itself; the user never writes it. */
  | { computed: string }
  /** A global CLI option: a putplan flag or environment variable, maybe also a manifest field. */
  | { flag: string; manifest?: string }

const option = (field: PutOptionName): Home => ({ field, in: 'putOptions' })

const SEED_OPTIONS: Record<string, Home> = {
  '--acl': option('acl'),
  '--body': { computed: 'the file matched by an entry\'s `source`' },
  '--bucket': { field: 'bucket', in: 'top' },
  '--cache-control': option('cacheControl'),
  '--content-disposition': option('contentDisposition'),
  '--content-encoding': option('contentEncoding'),
  '--content-language': option('contentLanguage'),
  '--content-length': { computed: 'the file size, always sent' },
  '--content-md5': { computed: 'MD5 of the file, always sent so S3 verifies every byte' },
  '--content-type': option('contentType'),
  '--checksum-algorithm': option('checksumAlgorithm'),
  '--checksum-crc32': option('checksumCRC32'),
  '--checksum-crc32-c': option('checksumCRC32C'),
  '--checksum-sha1': option('checksumSHA1'),
  '--checksum-sha256': option('checksumSHA256'),
  '--expires': option('expires'),
  '--if-none-match': option('ifNoneMatch'),
  '--grant-full-control': option('grantFullControl'),
  '--grant-read': option('grantRead'),
  '--grant-read-acp': option('grantReadACP'),
  '--grant-write-acp': option('grantWriteACP'),
  '--key': { field: 'key', in: 'entry' },
  '--metadata': option('metadata'),
  '--server-side-encryption': option('serverSideEncryption'),
  '--storage-class': option('storageClass'),
  '--website-redirect-location': option('websiteRedirectLocation'),
  '--sse-customer-algorithm': option('sseCustomerAlgorithm'),
  '--sse-customer-key': option('sseCustomerKey'),
  '--sse-customer-key-md5': { computed: 'MD5 of sseCustomerKey' },
  '--ssekms-key-id': option('ssekmsKeyId'),
  '--ssekms-encryption-context': option('ssekmsEncryptionContext'),
  '--bucket-key-enabled': option('bucketKeyEnabled'),
  '--no-bucket-key-enabled': option('bucketKeyEnabled'),
  '--request-payer': option('requestPayer'),
  '--tagging': option('tagging'),
  '--object-lock-mode': option('objectLockMode'),
  '--object-lock-retain-until-date': option('objectLockRetainUntilDate'),
  '--object-lock-legal-hold-status': option('objectLockLegalHoldStatus'),
  '--expected-bucket-owner': option('expectedBucketOwner'),
  '--cli-input-json': { flag: 'the manifest itself is the input' },
  '--generate-cli-skeleton': { flag: '`putplan init` writes a starter manifest; `putplan schema` prints the schema' },
  '--debug': { flag: 'debug logging flag' },
  '--endpoint-url': { flag: 'AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL', manifest: 'endpoint' },
  '--no-verify-ssl': { flag: 'TLS verification flag' },
  '--no-paginate': { flag: 'none needed: putplan always lists the bucket in full' },
  '--output': { flag: '`--format human|json|markdown`' },
  '--query': { flag: '`--format json`, for jq and friends' },
  '--profile': { flag: 'AWS_PROFILE', manifest: 'profile' },
  '--region': { flag: 'AWS_REGION', manifest: 'region' },
  '--version': { flag: '`putplan --version`' },
  '--color': { flag: 'NO_COLOR and terminal detection' },
  '--no-sign-request': { flag: 'anonymous-request flag' },
  '--ca-bundle': { flag: 'CA bundle flag / AWS_CA_BUNDLE' },
  '--cli-read-timeout': { flag: 'read timeout flag' },
  '--cli-connect-timeout': { flag: 'connect timeout flag' },
}

/**
 * Every PutOptions member, as a value: `satisfies` makes the type checker fail when
 * put-options.ts gains or loses a member that this list (and so the schema) does not.
 */
const PUT_OPTION_NAMES = Object.keys({
  acl: true, grantFullControl: true, grantRead: true, grantReadACP: true, grantWriteACP: true,
  cacheControl: true, contentDisposition: true, contentEncoding: true, contentLanguage: true,
  contentType: true, expires: true, websiteRedirectLocation: true, metadata: true, tagging: true,
  storageClass: true, serverSideEncryption: true, ssekmsKeyId: true, ssekmsEncryptionContext: true,
  bucketKeyEnabled: true, sseCustomerAlgorithm: true, sseCustomerKey: true, objectLockMode: true,
  objectLockRetainUntilDate: true, objectLockLegalHoldStatus: true, ifNoneMatch: true,
  checksumAlgorithm: true, checksumCRC32: true, checksumCRC32C: true, checksumSHA1: true,
  checksumSHA256: true, checksumCRC64NVME: true, expectedBucketOwner: true, requestPayer: true,
} satisfies Record<PutOptionName, true>)

/** Put options the seed page (AWS CLI v1) predates; S3 has them, so putplan does too. */
const BEYOND_THE_SEED = ['checksumCRC64NVME']

/** The `--options` of the page's Synopsis section. */
function synopsisOptions(page: string): string[] {
  const section = /^Synopsis\s*$([\s\S]*?)^Options\s*$/m.exec(page)
  if (!section?.[1]) throw new Error('the seed page has no Synopsis section followed by Options')
  return [...section[1].matchAll(/--[a-z0-9]+(?:-[a-z0-9]+)*/g)].map((m) => m[0])
}

const schema = readSchema()
const places = {
  top: propertiesAt(schema, '#'),
  entry: propertiesAt(schema, '#/$defs/entry'),
  putOptions: propertiesAt(schema, '#/$defs/putOptions'),
}

describe('every put-object option has a home', () => {
  it('the seed page is where it should be', () => {
    expect(existsSync(SEED_PATH), `seed page missing: ${SEED_PATH}`).toBe(true)
  })

  it('lists exactly the options of the seed page\'s Synopsis', () => {
    const onPage = synopsisOptions(readFileSync(SEED_PATH, 'utf8'))
    expect(onPage.length).toBeGreaterThan(50)
    const listed = Object.keys(SEED_OPTIONS)
    const newOnPage = onPage.filter((o) => !listed.includes(o))
    const stale = listed.filter((o) => !onPage.includes(o))
    expect(newOnPage, 'options on the page without a home in SEED_OPTIONS').toEqual([])
    expect(stale, 'options in SEED_OPTIONS that the page no longer has').toEqual([])
  })

  it.each(Object.entries(SEED_OPTIONS))('%s lives where the list says', (_name, home) => {
    if ('field' in home) expect(Object.keys(places[home.in])).toContain(home.field)
    else if ('flag' in home) {
      expect(home.flag).not.toBe('')
      if (home.manifest) expect(Object.keys(places.top)).toContain(home.manifest)
    } else expect(home.computed).not.toBe('')
  })

  it('the schema\'s put options are exactly the PutOptions members', () => {
    expect(Object.keys(places.putOptions).sort()).toEqual([...PUT_OPTION_NAMES].sort())
  })

  it('the option table has a row for exactly the schema\'s put options', () => {
    expect([...OPTION_NAMES].sort()).toEqual(Object.keys(places.putOptions).sort())
  })

  it('every put option comes from the seed page, or is named as beyond it', () => {
    const fromSeed = new Set(Object.values(SEED_OPTIONS).flatMap((h) => ('field' in h ? [h.field] : [])))
    const orphans = PUT_OPTION_NAMES.filter((n) => !fromSeed.has(n) && !BEYOND_THE_SEED.includes(n))
    expect(orphans).toEqual([])
  })

  it('has a put option for every checksum pin and every secret', () => {
    for (const name of [...Object.keys(CHECKSUM_PIN_FIELDS), ...SECRET_OPTIONS]) {
      expect(Object.keys(places.putOptions)).toContain(name)
    }
    for (const name of SECRET_OPTIONS) {
      expect(places.putOptions[name]?.description).toContain('${VARIABLE}')
    }
  })

  it('reads the Synopsis of a page, including both forms of a boolean', () => {
    const page = 'Synopsis\n\n  put-object\n[--acl <value>]\n--bucket <value>\n[--bucket-key-enabled | --no-bucket-key-enabled]\n\nOptions\n\n--acl (string)\n'
    expect(synopsisOptions(page)).toEqual(['--acl', '--bucket', '--bucket-key-enabled', '--no-bucket-key-enabled'])
  })
})
