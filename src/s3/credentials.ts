import { defaultProvider } from '@aws-sdk/credential-provider-node'
import type { AwsCredentialIdentityProvider } from '@smithy/types'

/**
 * The standard credential chain (environment, shared files and profiles, SSO, web
 * identity, process, container and instance metadata), for one profile. The provider is
 * memoised by the chain itself and refreshed ahead of expiry.
 */
export function standardCredentials(profile: string | undefined): AwsCredentialIdentityProvider {
  return defaultProvider(profile === undefined ? {} : { profile })
}
