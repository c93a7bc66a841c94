import type { LocalDigest } from './local-digest.js'
import type { PutOptions } from './put-options.js'

export const PLAN_ACTIONS = ['create', 'update', 'unchanged', 'conflict'] as const
export type PlanAction = (typeof PLAN_ACTIONS)[number]

interface PlanItemBase {
  key: string
  /** The file, relative to the manifest's folder. */
  source: string
  size: number
  /** Why: shown to people, never read by apply, which acts on `action` alone. */
  reasons: string[]
  local: LocalDigest
  options: PutOptions
}

/** Apply sends `If-None-Match: *`: the key must still be free. */
export interface CreateItem extends PlanItemBase {
  action: 'create'
}

/** Apply sends `If-Match: remoteEtag`: the object must still be the one planned against. */
export interface UpdateItem extends PlanItemBase {
  action: 'update'
  remoteEtag: string
}

export interface UnchangedItem extends PlanItemBase {
  action: 'unchanged'
  remoteEtag: string
}

/** Apply never touches it. */
export interface ConflictItem extends PlanItemBase {
  action: 'conflict'
  remoteEtag?: string
}

export type PlanItem = CreateItem | UpdateItem | UnchangedItem | ConflictItem

export type PlanSummary = Record<PlanAction, number>

/** The plan is a value: computed in one place, drawn by every renderer, saved as is. */
export interface Plan {
  bucket: string
  /** SHA-256 of what the manifest resolved to: a saved plan is stale when it differs. */
  manifestDigest: string
  summary: PlanSummary
  /** Sorted by key. */
  items: PlanItem[]
}

export function summarise(items: readonly PlanItem[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, unchanged: 0, conflict: 0 }
  for (const item of items) summary[item.action]++
  return summary
}

export function hasChanges(plan: Plan): boolean {
  return plan.summary.create + plan.summary.update > 0
}
