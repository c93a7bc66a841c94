import * as Flags from '@oclif/core/flags'
import { STORE_NAMES } from '../plan/index.js'

/** How to reach the bucket; each overrides the manifest's field of the same name. */
export const s3Flags = {
  endpoint: Flags.string({ summary: 'S3 endpoint URL (else the manifest, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL).', helpValue: 'URL' }),
  region: Flags.string({ summary: 'AWS region (else the manifest, AWS_REGION, the profile).' }),
  profile: Flags.string({ summary: 'AWS profile for credentials and region (else AWS_PROFILE).' }),
  'path-style': Flags.boolean({ summary: 'Address the bucket in the path (default for custom endpoints).', allowNo: true }),
  insecure: Flags.boolean({ summary: 'Do not verify TLS certificates.', aliases: ['no-verify-ssl'] }),
  'ca-bundle': Flags.string({ summary: 'PEM file of certificate authorities to trust.', helpValue: 'FILE' }),
  'no-sign-request': Flags.boolean({ summary: 'Send requests unsigned (public buckets).' }),
  'connect-timeout': Flags.integer({ summary: 'Seconds to wait for a connection.', min: 1, default: 10 }),
  'read-timeout': Flags.integer({ summary: 'Seconds to wait for an answer.', min: 1, default: 60 }),
  'max-attempts': Flags.integer({ summary: 'Attempts per request, retries of transient failures included.', min: 1, default: 5 }),
  concurrency: Flags.integer({ summary: 'Requests and files in flight at once.', min: 1, max: 256, default: 16 }),
  refresh: Flags.boolean({ summary: "Ask HeadObject for every object, trusting neither LIST nor the state record." }),
  debug: Flags.boolean({ summary: 'Log every request and response to stderr (secrets redacted).' }),
  compatibility: Flags.string({
    summary: "The store behind the endpoint (else the manifest's compatibility, else told by the endpoint's host, else aws).",
    options: [...STORE_NAMES],
  }),
}

export interface S3FlagValues {
  endpoint?: string
  region?: string
  profile?: string
  'path-style'?: boolean
  insecure: boolean
  'ca-bundle'?: string
  'no-sign-request': boolean
  'connect-timeout': number
  'read-timeout': number
  'max-attempts': number
  concurrency: number
  refresh: boolean
  debug: boolean
  compatibility?: string
}
