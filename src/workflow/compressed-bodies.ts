import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { RequestSlots } from '../apply/request-slots.js'
import { PutplanError } from '../errors/index.js'
import { compressFile, compressionSettings, hashFile } from '../local/index.js'
import type { DesiredObject } from '../plan/index.js'
import type { CompressedFrom } from '../state/index.js'
import { mapBounded } from '../util/map-bounded.js'

/**
 * The compressed copies of a run's objects with `compress`, each made when first asked
 * for, into a private temporary folder (created with the first copy): hashing, the plan's
 * digests, the upload (in parts too) and the checks of a saved plan then read the copy like
 * any file, streamed from disk, never held in memory. A plan and the apply that follows it
 * compress the same bytes, as compression is deterministic; the body check of every upload
 * proves it. An object whose state record vouches for its bytes is never asked for
 * (`gatherFacts`), so a plan of unchanged files compresses none of them.
 */

export class CompressedBodies {
  /** Key -> the compressed copy apply sends: those made so far. */
  readonly bodyPaths = new Map<string, string>()
  /** Key -> the source as last read in this run (compressed or hashed), for the state record. */
  readonly sources = new Map<string, CompressedFrom>()
  private readonly copies = new Map<string, Promise<DesiredObject>>()
  private dir: Promise<string> | undefined
  private made = 0
  /** Compressions at once: each holds a compressor's window and tables (megabytes for brotli), and the thread pool that runs them is small. */
  private readonly compressing = new RequestSlots(availableParallelism())

  /** `desired` as its object's bytes are: for one with `compress`, its compressed copy (the same one every time it is asked for). */
  body(desired: DesiredObject): Promise<DesiredObject> {
    if (desired.compress === undefined) return Promise.resolve(desired)
    let copy = this.copies.get(desired.key)
    if (copy === undefined) this.copies.set(desired.key, (copy = this.compressing.run(() => this.compress(desired))))
    return copy
  }

  /**
   * `objects` as the writes of `keys` read them: the compressed copy of each object with
   * `compress` among them, the others as they are (never compressed here).
   */
  bodiesOf(objects: readonly DesiredObject[], keys: ReadonlySet<string>, concurrency: number): Promise<DesiredObject[]> {
    return mapBounded(objects, concurrency, async (object) => (keys.has(object.key) ? this.body(object) : object))
  }

  /** The fingerprint of the source of `desired` (which has `compress`) as it is now: read (SHA-256), not compressed. */
  async fingerprint(desired: DesiredObject): Promise<CompressedFrom> {
    const digest = await hashFile(desired.sourcePath, { md5: false, checksums: ['SHA256'] }, { identity: desired.identity })
    return this.remember(desired, { size: digest.size, sha256: digest.checksums.SHA256! })
  }

  /** Removes the copies. */
  async dispose(): Promise<void> {
    const dir = await this.dir?.catch(() => undefined)
    this.dir = undefined
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  }

  private async compress(desired: DesiredObject): Promise<DesiredObject> {
    const coding = desired.compress!
    try {
      this.dir ??= mkdtemp(path.join(tmpdir(), 'putplan-compressed-'))
      const target = path.join(await this.dir, `${this.made++}.${coding === 'gzip' ? 'gz' : 'br'}`)
      const made = await compressFile(desired.sourcePath, target, coding, desired.identity)
      this.remember(desired, made.source)
      this.bodyPaths.set(desired.key, target)
      // The copy is putplan's own file: the source's identity was checked when it was read.
      const { identity: _checked, ...rest } = desired
      return { ...rest, sourcePath: target, size: made.size }
    } catch (error) {
      throw new PutplanError('file-unreadable', `cannot compress ${desired.source} for ${JSON.stringify(desired.key)}: ${(error as Error).message}`)
    }
  }

  private remember(desired: DesiredObject, source: { size: number; sha256: string }): CompressedFrom {
    const coding = desired.compress!
    const from = { ...source, coding, settings: compressionSettings(coding) }
    this.sources.set(desired.key, from)
    return from
  }
}
