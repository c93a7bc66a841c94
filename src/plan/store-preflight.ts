import type { BucketProblem } from './bucket-preflight.js'
import type { DesiredObject } from './desired-object.js'
import { uploadChecksumAlgorithm, type PutOptionName } from './put-options.js'
import { ACL_OPTIONS, LOCK_OPTIONS } from './option-table.js'
import type { StoreProfile, Support } from './store-profile.js'


/** What the manifest asks of the store beyond storing bytes, for `storePreflight`. */
export interface StoreDemands {
  objects: readonly DesiredObject[]
  /** The manifest prunes: deletes need `If-Match`. */
  prune: boolean
}

/**
 * Each guarantee the store cannot give, as a refusal (error) or a warning; nothing for AWS.
 * - An option the store does not support (`no`): refused; not documented (`unknown`): warned.
 * - Create-only (`ifNoneMatch`) needs `If-None-Match` honoured on PUT: refused otherwise.
 * - Prune needs `If-Match` on DELETE: refused unless the store documents it.
 * - Race-safe apply (`If-None-Match`/`If-Match` on every write): warned when not documented.
 * - A declared `checksumAlgorithm` the store does not accept: refused; the default checksum
 *   the store does not accept is not sent, and identity then rests on ETags: warned.
 */
export function storePreflight(profile: StoreProfile, demands: StoreDemands): BucketProblem[] {
  const problems = new Map<string, BucketProblem>()
  const add = (id: string, problem: BucketProblem) => {
    if (!problems.has(id)) problems.set(id, problem)
  }
  const store = profile.name
  const feature = (support: Support, what: string, object: DesiredObject, names: readonly PutOptionName[], kind: string) => {
    const declared = names.filter((name) => object.options[name] !== undefined)
    if (declared.length === 0 || support === 'yes') return
    const severity = support === 'no' ? 'error' : 'warning'
    const message =
      support === 'no'
        ? `${declared.join(', ')}: ${store} does not support ${what}; remove them, or set compatibility if this is not ${store}`
        : `${declared.join(', ')}: ${store} does not document ${what}; it may refuse or ignore them`
    add(`${object.entry.index}:${kind}`, { severity, entry: object.entry, options: declared, message })
  }
  for (const object of demands.objects) {
    feature(profile.acl, 'object ACLs', object, ACL_OPTIONS, 'acl')
    feature(profile.tagging, 'object tags', object, ['tagging'], 'tagging')
    feature(profile.objectLock, 'Object Lock on objects', object, LOCK_OPTIONS, 'lock')
    if (object.options.ifNoneMatch !== undefined && profile.conditionalPut !== 'yes') {
      add(`${object.entry.index}:create-only`, {
        severity: 'error',
        entry: object.entry,
        options: ['ifNoneMatch'],
        message: `ifNoneMatch: ${store} ${profile.conditionalPut === 'no' ? 'ignores' : 'does not document'} If-None-Match on PUT, so create-only cannot be guaranteed: an existing object could be overwritten`,
      })
    }
    const declared = object.options.checksumAlgorithm
    if (declared !== undefined && !profile.checksums.includes(declared)) {
      add(`${object.entry.index}:checksum`, {
        severity: 'error',
        entry: object.entry,
        options: ['checksumAlgorithm'],
        message: `checksumAlgorithm: ${store} does not accept ${declared} checksums${profile.checksums.length === 0 ? ' (nor any x-amz-checksum-* header)' : `; it accepts ${profile.checksums.join(', ')}`}`,
      })
    }
  }
  const global = (id: string, severity: BucketProblem['severity'], message: string) => add(id, { severity, options: [], message })
  if (demands.prune && profile.conditionalDelete !== 'yes') {
    global('prune', 'error', `prune: ${store} does not document If-Match on DeleteObject, so a delete could remove an object changed since the plan; prune is refused on this store`)
  }
  if (demands.objects.length > 0 && profile.conditionalPut !== 'yes') {
    const sent = profile.conditionalPut === 'no' ? 'apply sends no If-None-Match / If-Match' : 'apply sends If-None-Match / If-Match, which the store may ignore'
    global('race', 'warning', `${store} ${profile.conditionalPut === 'no' ? 'ignores' : 'does not document'} conditional PUTs: ${sent}, so a write by another client between plan and apply can be overwritten`)
  }
  const defaultSent = demands.objects.some((o) => o.options.checksumAlgorithm === undefined && !profile.checksums.includes(uploadChecksumAlgorithm(o.options)))
  if (defaultSent) {
    global('checksum', 'warning', `${store} does not accept putplan's default CRC64NVME checksum: none is sent, and identity rests on ETags (the MD5 of single-part objects); objects whose ETag cannot decide are uploaded again`)
  }
  if (demands.objects.length > 0 && profile.copyReplace !== 'yes') {
    global('copy', 'warning', `${store} does not document CopyObject with metadata REPLACE: a repair of options in place may fail; it is not retried as an upload`)
  }
  return [...problems.values()]
}
