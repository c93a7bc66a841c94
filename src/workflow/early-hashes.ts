import { setImmediate as nextTurn } from 'node:timers/promises'
import { hashFile, isMultipart, type HashFileOptions, type MultipartPolicy } from '../local/index.js'
import type { DesiredObject, LocalDigest, PutOptions } from '../plan/index.js'
import { hashOptions, sameHashing } from './hash-options.js'

interface EarlyDigest {
  options: HashFileOptions
  digest: Promise<LocalDigest | undefined>
}

/**
 * Hashes files while the bucket is being read (the state record, LIST pages), which
 * otherwise leaves the CPU idle: each as if the bucket held nothing under its key. That is
 * what a create needs and, for an object whose recorded checksums are the ones putplan
 * sends, what the comparison needs too. Where the bucket calls for something else,
 * `take` says no and the file is hashed again. Only files apply uploads whole are hashed
 * early, so a large file is never read twice; one file at a time, giving the bucket's
 * answers a turn between files.
 */
export class EarlyHashes {
  private readonly digests = new Map<string, EarlyDigest>()
  private readonly taken = new Set<string>()
  private stopped = false
  private readonly running: Promise<void>

  constructor(objects: readonly DesiredObject[], policy: MultipartPolicy) {
    this.running = this.run(objects, policy)
  }

  /**
   * The early digest of `desired` if it was computed with what `options` asks for (still
   * in progress, maybe), else undefined. Either way the file is no longer hashed early.
   */
  take(desired: DesiredObject, options: HashFileOptions): Promise<LocalDigest | undefined> | undefined {
    this.taken.add(desired.key)
    const early = this.digests.get(desired.key)
    this.digests.delete(desired.key)
    return early !== undefined && sameHashing(early.options, options, desired.size) ? early.digest : undefined
  }

  /** Stops after the file in progress; resolves when nothing is being read any more. */
  stop(): Promise<void> {
    this.stopped = true
    return this.running
  }

  private async run(objects: readonly DesiredObject[], policy: MultipartPolicy): Promise<void> {
    // What to hash for a create depends on the options alone, which files of one extension share.
    const optionsFor = new Map<PutOptions, HashFileOptions>()
    for (const desired of objects) {
      if (this.stopped) return
      if (this.taken.has(desired.key) || isMultipart(desired.size, policy)) continue
      let options = optionsFor.get(desired.options)
      if (options === undefined) optionsFor.set(desired.options, (options = hashOptions(desired.options, undefined, policy)))
      // A file that cannot be read fails again, with its error reported, when hashed for real.
      const digest = hashFile(desired.sourcePath, options).catch(() => undefined)
      this.digests.set(desired.key, { options, digest })
      await digest
      await nextTurn()
    }
  }
}
