import { resolveS3Config, type Env, type ResolvedS3Config, type S3Config } from './s3-config.js'

/**
 * The `region` of a profile in the shared config files (`AWS_CONFIG_FILE`, default
 * `~/.aws/config`), read with the same loader the credential chain uses. Missing files
 * or profiles yield undefined. The loader is imported here, when a region is missing: it
 * took 60-75 ms to import, more than a no-op plan of 2,000 objects spends on its requests.
 */
export async function loadProfileRegion(profile: string | undefined): Promise<string | undefined> {
  try {
    const { loadSharedConfigFiles } = await import('@smithy/core/config')
    const { configFile } = await loadSharedConfigFiles()
    const region = configFile[profile ?? 'default']?.region
    return typeof region === 'string' && region !== '' ? region : undefined
  } catch {
    return undefined
  }
}

/** `resolveS3Config` with the profile's region read from disk, only when it is needed. */
export async function loadS3Config(config: S3Config, env: Env): Promise<ResolvedS3Config> {
  const needsProfile = [config.region, env.AWS_REGION, env.AWS_DEFAULT_REGION].every((v) => v === undefined || v.trim() === '')
  const profile = config.profile ?? env.AWS_PROFILE
  const region = needsProfile ? await loadProfileRegion(profile === '' ? undefined : profile) : undefined
  return resolveS3Config(config, env, () => region)
}
