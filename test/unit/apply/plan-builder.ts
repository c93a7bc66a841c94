import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { hashFile } from '../../../src/local/hash-file.js'
import { isCompositeAlgorithm } from '../../../src/plan/local-digest.js'
import type { MultipartPolicy } from '../../../src/local/part-size.js'
import { summarise, type FilePlanItem, type Plan, type PlanItem } from '../../../src/plan/plan.js'
import type { Reason } from '../../../src/plan/reason.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import type { RepairOperation } from '../../../src/plan/option-table.js'

/** Small parts so multipart is cheap to test: files over 1 KiB go in 1 KiB parts. */
export const SMALL_PARTS: MultipartPolicy = { threshold: 1024, partSize: 1024, minPartSize: 1 }

export interface ItemSpec {
  key?: string
  action: 'create' | 'update' | 'undecided' | 'repair' | 'unchanged' | 'conflict'
  data: string | Buffer
  options?: PutOptions
  remoteEtag?: string
  reasons?: Reason[]
  /** For a repair. */
  repairs?: RepairOperation[]
}

/** A temp folder standing for the manifest's folder, removed after each test. */
export function useManifestDir(): { dir: () => string; item: (name: string, spec: ItemSpec, policy?: MultipartPolicy) => Promise<FilePlanItem> } {
  let current: string | undefined
  afterEach(() => {
    if (current) rmSync(current, { recursive: true, force: true })
    current = undefined
  })
  const dir = (): string => (current ??= mkdtempSync(join(tmpdir(), 'putplan-apply-')))
  return {
    dir,
    async item(name, spec, policy = SMALL_PARTS) {
      const path = join(dir(), name)
      writeFileSync(path, spec.data)
      const options = spec.options ?? {}
      const algorithms = [...new Set([options.checksumAlgorithm ?? 'CRC64NVME', 'CRC64NVME' as const])]
      const local = await hashFile(path, { md5: true, checksums: algorithms, parts: { cut: { policy }, etag: true, composite: algorithms.filter(isCompositeAlgorithm) } })
      const base = { key: spec.key ?? name, source: name, size: local.size, reasons: spec.reasons ?? [], local, options }
      switch (spec.action) {
        case 'create':
          return { ...base, action: 'create' }
        case 'update':
        case 'undecided':
          return { ...base, action: spec.action, remoteEtag: spec.remoteEtag ?? 'unknown' }
        case 'repair':
          return { ...base, action: 'repair', remoteEtag: spec.remoteEtag ?? 'unknown', repairs: spec.repairs ?? ['copy'] }
        case 'unchanged':
          return { ...base, action: 'unchanged', remoteEtag: spec.remoteEtag ?? 'unknown' }
        case 'conflict':
          return { ...base, action: 'conflict', ...(spec.remoteEtag === undefined ? {} : { remoteEtag: spec.remoteEtag }) }
      }
    },
  }
}

export function planOf(items: PlanItem[]): Plan {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { bucket: 'example-bucket', manifestDigest: 'digest', summary: summarise(sorted), items: sorted }
}
