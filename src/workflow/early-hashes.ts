import { setImmediate as nextTurn } from 'node:timers/promises'
import { coversRequest, hashFile, isMultipart, type DigestRequest, type MultipartPolicy } from '../local/index.js'
import { optionsFix, type DesiredObject, type LocalDigest, type PutOptions } from '../plan/index.js'
import type { StateRecord } from '../state/index.js'
import { hashOptions } from './hash-options.js'

interface EarlyDigest {
  request: DigestRequest
  digest: Promise<LocalDigest | undefined>
}

/**
 * Hashes files while the bucket is being read (LIST pages), which otherwise leaves the CPU
 * idle. A key the state record holds is hashed as the comparison with that record asks (a
 * record LIST confirms stands for the object); any other as if the bucket held nothing
 * under it, which is what a create needs (and covers the comparison with most copies in
 * the bucket). Where the bucket calls for more, `take` says no and the file is hashed
 * again. Only files apply uploads whole are hashed early, so a large file is never read
 * twice, and no file with `compress`; one file at a time, giving the bucket's answers a turn between files.
 */
export class EarlyHashes {
  private readonly digests = new Map<string, EarlyDigest>()
  private readonly taken = new Set<string>()
  private stopped = false
  private readonly running: Promise<void>

  /** `recorded`: the state record's objects, once read (undefined without a record). */
  constructor(objects: readonly DesiredObject[], policy: MultipartPolicy, recorded?: Promise<Record<string, StateRecord> | undefined>) {
    this.running = this.run(objects, policy, recorded)
  }

  /**
   * The early digest of `desired` if it was computed with all `request` asks for (still in
   * progress, maybe), else undefined. Either way the file is no longer hashed early.
   */
  take(desired: DesiredObject, request: DigestRequest): Promise<LocalDigest | undefined> | undefined {
    this.taken.add(desired.key)
    const early = this.digests.get(desired.key)
    this.digests.delete(desired.key)
    return early !== undefined && coversRequest(early.request, request, desired.size) ? early.digest : undefined
  }

  /** Stops after the file in progress; resolves when nothing is being read any more. */
  stop(): Promise<void> {
    this.stopped = true
    return this.running
  }

  private async run(objects: readonly DesiredObject[], policy: MultipartPolicy, recorded?: Promise<Record<string, StateRecord> | undefined>): Promise<void> {
    const records = await recorded?.catch(() => undefined)
    const requestFor = new HashOptionsMemo(policy)
    for (const desired of objects) {
      if (this.stopped) return
      // A compressed object's bytes are its copy's, made (if at all) when it is gathered.
      if (this.taken.has(desired.key) || desired.compress !== undefined || isMultipart(desired.size, policy)) continue
      const request = requestFor.get(desired.options, records?.[desired.key])
      // A file that cannot be read fails again, with its error reported, when hashed for real.
      const digest = hashFile(desired.sourcePath, request, { identity: desired.identity }).catch(() => undefined)
      this.digests.set(desired.key, { request, digest })
      await digest
      await nextTurn()
    }
  }
}

/**
 * `hashOptions` once per options object and kind of record: files of one extension share
 * their options, and records of one upload agree in everything the hashing depends on
 * but what their options call for (nothing, a repair, an upload), which is asked of each.
 * Were two records of one kind to ask for different hashing, `take` would still see it
 * and hash the file again: the memo can cost a read, never a wrong digest.
 */
class HashOptionsMemo {
  private readonly memo = new Map<PutOptions, Map<string, DigestRequest>>()

  constructor(private readonly policy: MultipartPolicy) {}

  get(options: PutOptions, record: StateRecord | undefined): DigestRequest {
    let byRecord = this.memo.get(options)
    if (byRecord === undefined) this.memo.set(options, (byRecord = new Map()))
    const kind = record === undefined ? '' : `${recordKind(record)}|${optionsFix(options, record)}`
    let hashing = byRecord.get(kind)
    if (hashing === undefined) byRecord.set(kind, (hashing = hashOptions(options, record, this.policy)))
    return hashing
  }
}

/**
 * What of a record `hashOptions` reads: its checksums' algorithms (composite or not) and
 * type, its ETag form, whether it is empty, and for an object in parts its cut (which, as
 * sizes, depends on the object's size too).
 */
function recordKind(record: StateRecord): string {
  const etagForm = /^[0-9a-f]{32}$/.test(record.etag) ? 'md5' : /-\d+$/.test(record.etag) ? 'parts' : 'other'
  const checksums = Object.entries(record.checksums).map(([algorithm, value]) => `${algorithm}${/-\d+$/.test(value ?? '') ? '*' : ''}`)
  const cut = etagForm === 'parts' ? `${record.size}:${record.firstPartSize ?? ''}:${record.partSizes?.join(',') ?? ''}` : ''
  return `${checksums.join(',')}|${record.checksumType ?? ''}|${etagForm}|${record.size === 0}|${cut}`
}
