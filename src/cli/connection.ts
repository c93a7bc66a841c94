import type { S3ClientOptions } from '../s3/index.js'
import { renderDebugEvent, renderRetry } from '../render/debug-lines.js'
import type { ConnectionOptions } from '../workflow/open-store.js'
import type { S3FlagValues } from './s3-flags.js'

export function connectionFrom(flags: S3FlagValues): ConnectionOptions {
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
  }
}

/** `--debug` prints every (redacted) request; `--verbose` every retry. Both on stderr. */
export function clientHooks(flags: { debug: boolean; verbose?: boolean }, write: (line: string) => void): S3ClientOptions {
  return {
    ...(flags.debug ? { onDebug: (event) => write(renderDebugEvent(event)) } : {}),
    ...(flags.debug || flags.verbose ? { onRetry: (event) => write(renderRetry(event)) } : {}),
  }
}
