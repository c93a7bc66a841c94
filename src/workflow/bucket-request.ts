import type { Shard } from '../plan/index.js'
import type { S3ClientOptions } from '../s3/index.js'
import type { ConnectionOptions } from './open-store.js'

/** What every command that reads the bucket is given: the manifest and how to reach it. */
export interface BucketRequest {
  file: string
  /** The directory the command runs in: a saved plan names its manifest relative to it, or to its git work tree. */
  cwd: string
  vars: Record<string, string>
  /** `--allow-outside`: folders outside the work tree that sources may come from. */
  allowOutside?: string[]
  env: Readonly<Record<string, string | undefined>>
  connection: ConnectionOptions
  client?: S3ClientOptions
  concurrency: number
  /** HeadObject every object even when a state record could vouch for it (`--refresh`). */
  refresh?: boolean
  /** `--shard K/N`: plan and apply only the keys of that shard. */
  shard?: Shard
  /** Planning progress: objects whose state and digests are known. */
  onObject?: (done: number, total: number) => void
}
