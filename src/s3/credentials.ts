import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'

/**
 * The standard credential chain (environment, shared files and profiles, SSO, web
 * identity, process, container and instance metadata), for one profile. The provider is
 * memoised by the chain itself and refreshed ahead of expiry.
 *
 * The chain's first step is taken here: without a profile, keys in the environment win,
 * as in the chain. Only otherwise is the chain loaded: importing it costs about 35 ms and
 * 12 MB, a quarter of a no-op plan's start-up, for what a CI job usually passes in
 * three variables.
 */
export function standardCredentials(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  const fromEnvironment = profile === undefined ? environmentCredentials(env) : undefined
  if (fromEnvironment !== undefined) return async () => fromEnvironment
  let chain: AwsCredentialIdentityProvider | undefined
  return async (options) => {
    if (chain === undefined) {
      quietSdkNodeNotice()
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
      chain = defaultProvider(profile === undefined ? {} : { profile })
    }
    return chain(options)
  }
}

/**
 * The chain builds STS and SSO clients (web identity in CI, SSO profiles), and each SDK
 * client warns once per process that SDK releases after January 2027 will need Node 22:
 * a notice about the SDK's own future that putplan's users can do nothing about (putplan
 * supports Node >= 20.19). The SDK reads this documented switch at each client's
 * construction (from process.env); a value the user set is kept.
 */
function quietSdkNodeNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
}

/** The variables the chain's `fromEnv` reads, with the same rule: both keys, or nothing. */
export function environmentCredentials(env: NodeJS.ProcessEnv): AwsCredentialIdentity | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) return undefined
  const expiration = env.AWS_CREDENTIAL_EXPIRATION
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  }
}
