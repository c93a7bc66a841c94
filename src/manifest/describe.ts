import type { JsonPath } from './yaml-source.js'

/** How a value reads in a message: strings quoted, structures named, secrets never shown. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
  return String(value)
}

/**
 * What a field expects, in words, for the rules a regular expression cannot explain by
 * itself. Keyed by the field's name (the last name in its path).
 */
const EXPECTED: Record<string, string> = {
  bucket:
    'expected an S3 bucket name: 3-63 characters of lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit, no "..", not an IP address, no reserved prefix (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)',
  region: 'expected an AWS region such as eu-west-1',
  endpoint: 'expected a URL that begins with http:// or https:// (add one before a bare host:port), such as http://127.0.0.1:9000',
  expectedBucketOwner: 'expected a 12-digit AWS account id',
  grantFullControl: 'expected grantees such as id=CANONICAL_ID, uri=http://acs.amazonaws.com/groups/global/AllUsers or emailAddress=a@b.c, separated by commas',
  grantRead: 'expected grantees such as id=CANONICAL_ID, uri=... or emailAddress=..., separated by commas',
  grantReadACP: 'expected grantees such as id=CANONICAL_ID, uri=... or emailAddress=..., separated by commas',
  grantWriteACP: 'expected grantees such as id=CANONICAL_ID, uri=... or emailAddress=..., separated by commas',
  contentType: 'expected a media type such as text/html; charset=utf-8',
  websiteRedirectLocation: 'expected a path starting with / or an http:// or https:// URL',
  checksumCRC32: 'expected the base64 of a 4-byte CRC32 (8 characters ending in =)',
  checksumCRC32C: 'expected the base64 of a 4-byte CRC32C (8 characters ending in =)',
  checksumCRC64NVME: 'expected the base64 of an 8-byte CRC64NVME (12 characters ending in =)',
  checksumSHA1: 'expected the base64 of a 20-byte SHA-1 (28 characters ending in =)',
  checksumSHA256: 'expected the base64 of a 32-byte SHA-256 (44 characters ending in =)',
}

const FORMATS: Record<string, string> = {
  'date-time': 'expected an RFC 3339 date-time such as 2030-01-01T00:00:00Z',
  date: 'expected a date such as 2030-01-01',
  uri: 'expected a URL such as https://example.com',
}

export function describeExpected(path: JsonPath, format: string | undefined): string | undefined {
  if (format && FORMATS[format]) return FORMATS[format]
  const last = [...path].reverse().find((segment): segment is string => typeof segment === 'string')
  if (path.length >= 2 && (path[path.length - 2] === 'metadata' || path[path.length - 2] === 'tagging')) {
    return `expected a ${String(path[path.length - 2])} entry with a valid name and a string value`
  }
  return last ? EXPECTED[last] : undefined
}

/** Why one field needs another, and how to add it; keyed by `field>needed`. */
const NEEDS: Record<string, string> = {
  'prune>state':
    'prune deletes only the objects the state record says putplan wrote, so it needs one: add state: { key: .putplan/state.json } (or state: { bucket: ..., key: ... })',
}

export function describeNeed(field: string, needed: string): string {
  return NEEDS[`${field}>${needed}`] ?? `add "${needed}"`
}
