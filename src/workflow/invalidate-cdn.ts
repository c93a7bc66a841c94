import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApplyReport } from '../apply/index.js'
import type { Manifest } from '../manifest/index.js'
import { invalidationPaths } from '../plan/index.js'
import { CloudFrontClient, cloudFrontEndpoint, type CloudFrontOptions } from '../s3/index.js'
import type { ConnectionOptions } from './open-store.js'

/** What the apply told the CDN; `error` when it could not (the objects were written all the same). */
export interface InvalidationReport {
  distributionId: string
  /** The paths sent (or that were to be sent). */
  paths: string[]
  id?: string
  /** CloudFront's: `InProgress`, or `Completed` (after `--wait-invalidation`). */
  status?: string
  error?: string
}

export interface InvalidateOptions {
  env: Readonly<Record<string, string | undefined>>
  connection: ConnectionOptions
  /** Poll until CloudFront says Completed (`--wait-invalidation`). */
  wait: boolean
  /** Between polls; CloudFront usually takes a minute or two. */
  pollMs?: number
  /** Give up waiting after this long. */
  waitTimeoutMs?: number
  /** Tests: a client of their own. */
  client?: CloudFrontOptions
}

const CHANGED = new Set(['created', 'updated', 'repaired', 'deleted'])
const POLL_MS = 10_000
const WAIT_TIMEOUT_MS = 30 * 60_000

/**
 * One CreateInvalidation after an apply that created, updated, repaired or deleted objects
 * (none otherwise), naming those objects' paths or the manifest's fixed ones. Never throws:
 * the objects landed whatever the CDN says, so a failure is reported, not raised.
 */
export async function invalidateCdn(manifest: Manifest, report: ApplyReport, options: InvalidateOptions): Promise<InvalidationReport | undefined> {
  const settings = manifest.cloudfront
  if (settings === undefined) return undefined
  const changed = report.items.filter((item) => CHANGED.has(item.outcome)).map((item) => item.key)
  if (changed.length === 0) return undefined
  const paths = settings.paths === 'changed' ? invalidationPaths(changed, settings.maxPaths) : settings.paths
  const result: InvalidationReport = { distributionId: settings.distributionId, paths }
  let client: CloudFrontClient | undefined
  try {
    const { connection } = options
    client = new CloudFrontClient(cloudFrontEndpoint(options.env), {
      ...definedOnly({ profile: connection.profile ?? manifest.profile, insecure: connection.insecure, caBundle: connection.caBundle, connectTimeoutMs: connection.connectTimeoutMs, readTimeoutMs: connection.readTimeoutMs }),
      ...options.client,
    })
    let invalidation = await client.createInvalidation(settings.distributionId, paths, `putplan-${randomUUID()}`)
    Object.assign(result, invalidation)
    const deadline = Date.now() + (options.waitTimeoutMs ?? WAIT_TIMEOUT_MS)
    while (options.wait && !isCompleted(invalidation.status)) {
      if (Date.now() > deadline) throw new Error(`invalidation ${invalidation.id} still ${invalidation.status} after ${Math.round((options.waitTimeoutMs ?? WAIT_TIMEOUT_MS) / 1000)} s`)
      await sleep(options.pollMs ?? POLL_MS)
      invalidation = await client.getInvalidation(settings.distributionId, invalidation.id)
      result.status = invalidation.status
    }
  } catch (error) {
    result.error = (error as Error).message
  } finally {
    await client?.close()
  }
  return result
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** CloudFront says `Completed`; some emulators (moto) `COMPLETED`. */
function isCompleted(status: string): boolean {
  return status.toLowerCase() === 'completed'
}
