/**
 * In-memory plans for the renderer tests: every kind of item, with digests derived from
 * the key so snapshots are stable and each object looks like a different file.
 */
import { createHash } from 'node:crypto'
import { summarise, type LocalDigest, type PlanItem, type PlanOrigin, type PlanWithOrigin, type PutOptionName, type PutOptions, type Reason, type ReasonValue, type RepairOperation } from '../../../src/plan/index.js'

export const DIGEST = 'a'.repeat(64)

interface ItemInit {
  size?: number
  source?: string
  options?: PutOptions
  multipart?: boolean
}

export function digestOf(key: string, size: number, multipart = false): LocalDigest {
  const md5 = hash('md5', key).toString('hex')
  const local: LocalDigest = {
    size,
    md5,
    checksums: { CRC64NVME: hash('md5', `crc:${key}`).subarray(0, 8).toString('base64'), SHA256: hash('sha256', key).toString('base64') },
  }
  if (!multipart) return local
  const partSize = 8 * 1024 * 1024
  const partCount = Math.ceil(size / partSize)
  return {
    ...local,
    multipart: {
      partSize,
      partCount,
      etag: `${hash('md5', `parts:${key}`).toString('hex')}-${partCount}`,
      compositeChecksums: { SHA256: `${hash('sha256', `parts:${key}`).toString('base64')}-${partCount}` },
    },
  }
}

function hash(algorithm: string, text: string): Buffer {
  return createHash(algorithm).update(text).digest()
}

function base(key: string, init: ItemInit) {
  const size = init.size ?? 1536
  return {
    key,
    source: init.source ?? `dist/${key}`,
    size,
    local: digestOf(key, size, init.multipart),
    options: init.options ?? { contentType: 'text/plain; charset=utf-8' },
  }
}

const etagOf = (key: string) => hash('md5', `remote:${key}`).toString('hex')

/** Reasons, as the diff makes them. */
export const CONTENT_CHANGED: Reason = { code: 'content-changed', option: 'content', evidence: 'checksum CRC64NVME', want: 'AAAAAAAAAAA=', have: 'AAAAAAAAAAE=' }
export const CREATE_ONLY_DIFFERS: Reason = { code: 'create-only-exists', option: 'ifNoneMatch' }
export const drift = (option: PutOptionName, have: ReasonValue | undefined, want: ReasonValue | undefined): Reason => ({
  code: 'option-drift',
  option,
  ...(want === undefined ? {} : { want }),
  ...(have === undefined ? {} : { have }),
})
export const unverified = (why: string): Reason => ({ code: 'content-unverified', option: 'content', why })

export function create(key: string, init: ItemInit = {}): PlanItem {
  return { ...base(key, init), action: 'create', reasons: [{ code: 'new-object', option: 'object' }] }
}

export function update(key: string, reasons: Reason[], init: ItemInit = {}): PlanItem {
  return { ...base(key, init), action: 'update', reasons, remoteEtag: etagOf(key) }
}

export function repair(key: string, reasons: Reason[], repairs: RepairOperation[], init: ItemInit = {}): PlanItem {
  return { ...base(key, init), action: 'repair', reasons, remoteEtag: etagOf(key), repairs }
}

export function unchanged(key: string, init: ItemInit = {}): PlanItem {
  return { ...base(key, init), action: 'unchanged', reasons: [], remoteEtag: etagOf(key) }
}

export function conflict(key: string, reasons: Reason[], init: ItemInit = {}): PlanItem {
  return { ...base(key, init), action: 'conflict', reasons, remoteEtag: etagOf(key) }
}

export function deleted(key: string, size = 2048): PlanItem {
  return { key, action: 'delete', reasons: [{ code: 'not-declared', option: 'object' }], size, remoteEtag: etagOf(key) }
}

/** Where a builder plan says its manifest is: a fixed id and digests, one variable and one secret. */
export const ORIGIN: PlanOrigin = {
  planId: '0123456789abcdef0123456789abcdef',
  manifest: { path: 'site/uploads.yaml', relativeTo: 'repository', textDigest: 'b'.repeat(64), variables: { GIT_SHA: '4f2a9c1' }, secrets: { SSE_KEY: 'c'.repeat(64) } },
}

/** A plan as `plan` makes one: items sorted by key, summary counted, with its origin. */
export function planOf(items: PlanItem[], bucket = 'example-site'): PlanWithOrigin {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { bucket, manifestDigest: DIGEST, summary: summarise(sorted), items: sorted, origin: ORIGIN }
}

/** One of everything, including keys that need escaping and a multipart object. */
export function mixedPlan(): PlanWithOrigin {
  return planOf([
    create('assets/app.js', { size: 48_213 }),
    create('docs/a b|c `tick` <b>&amp; ünï.txt', { size: 12, source: 'docs/a b|c `tick` <b>&amp; ünï.txt' }),
    update('index.html', [CONTENT_CHANGED, drift('cacheControl', 'max-age=60', 'no-cache'), drift('metadata', { build: '41' }, { build: '42' })], {
      size: 2048,
      options: { contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache', metadata: { build: '42' } },
    }),
    update('releases/putplan-1.2.0.tar.gz', [CONTENT_CHANGED], { size: 40 * 1024 * 1024 + 17, multipart: true, options: { contentType: 'application/gzip', checksumAlgorithm: 'SHA256' } }),
    unchanged('favicon.ico', { size: 1150 }),
    unchanged('robots.txt', { size: 24 }),
    conflict('releases/latest.json', [CREATE_ONLY_DIFFERS], { size: 311, options: { contentType: 'application/json', ifNoneMatch: '*' } }),
  ])
}

/** A plan with prune: two deletes among other changes, strays it does not own, a protected key. */
export function prunedPlan(): PlanWithOrigin {
  const plan = planOf([create('site/new.html', { size: 300 }), unchanged('site/index.html'), deleted('site/old.html', 2048), deleted('site/old/page.html', 900)])
  const strays = ['site/a-stray.txt', 'site/b<i>|`stray`.txt', ...Array.from({ length: 10 }, (_, i) => `site/upload-${i}.bin`)]
  return {
    ...plan,
    prune: { maxDeletes: 1000, protected: { count: 1, keys: ['site/downloads/v1.zip'] }, unowned: { folders: ['site/'], count: strays.length, keys: strays.slice(0, 10), complete: true } },
  }
}
