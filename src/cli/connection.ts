import type { S3ClientOptions } from '../s3/index.js'
import type { StoreName } from '../plan/index.js'
import { renderDebugEvent, renderRetry } from '../render/debug-lines.js'
import type { BucketRequest } from '../workflow/bucket-request.js'
import type { ConnectionOptions } from '../workflow/open-store.js'
import { parseShardFlag, parseVars } from './flags.js'
import type { S3FlagValues } from './s3-flags.js'

function connectionFrom(flags: S3FlagValues): ConnectionOptions {
  return {
    endpoint: flags.endpoint,
    region: flags.region,
    profile: flags.profile,
    forcePathStyle: flags['path-style'],
    insecure: flags.insecure,
    caBundle: flags['ca-bundle'],
    noSignRequest: flags['no-sign-request'],
    connectTimeoutMs: flags['connect-timeout'] * 1000,
    readTimeoutMs: flags['read-timeout'] * 1000,
    maxAttempts: flags['max-attempts'],
    ...(flags.compatibility === undefined ? {} : { compatibility: flags.compatibility as StoreName }),
  }
}

/** `--debug` prints every (redacted) request; `--verbose` every retry. Both on stderr. */
function clientHooks(flags: { debug: boolean; verbose?: boolean }, write: (line: string) => void): S3ClientOptions {
  return {
    ...(flags.debug ? { onDebug: (event) => write(renderDebugEvent(event)) } : {}),
    ...(flags.debug || flags.verbose ? { onRetry: (event) => write(renderRetry(event)) } : {}),
  }
}

/** What plan and apply both take from their flags: the manifest, its variables, and how to reach the bucket. */
export function bucketRequestFrom(
  flags: S3FlagValues & { file: string; var?: string[]; 'allow-outside'?: string[]; verbose?: boolean; shard?: string },
  write: (line: string) => void,
): Omit<BucketRequest, 'onObject'> {
  return {
    file: flags.file,
    cwd: process.cwd(),
    vars: parseVars(flags.var),
    env: process.env,
    allowOutside: flags['allow-outside'] ?? [],
    connection: connectionFrom(flags),
    client: clientHooks(flags, write),
    concurrency: flags.concurrency,
    refresh: flags.refresh,
    ...(flags.shard === undefined ? {} : { shard: parseShardFlag(flags.shard) }),
  }
}
