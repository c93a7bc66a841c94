import { folderOf, OPTIONS, REDACTED, type FilePlanItem, type Plan, type PlanAction, type PlanItem } from '../plan/index.js'
import { usedActions } from './plan-summary.js'

/** A folder holding this many objects of one action is drawn as one row: a plan of 10,000 changes stays readable. */
export const FOLD_AT = 10

/** One row of a view: an object, or a folder's objects of one action folded together. */
export type PlanRow = { kind: 'object'; item: PlanItem } | { kind: 'folder'; folder: string; items: PlanItem[]; size: number; why: string }

export interface ActionGroup {
  action: PlanAction
  count: number
  size: number
  rows: PlanRow[]
}

/**
 * The plan's items by action (in the summary's order), each group in key order with the
 * objects directly in one folder folded into one row when there are `FOLD_AT` or more
 * (`fold: false` lists every object). Unchanged objects only when `unchanged` is asked.
 */
export function actionGroups(plan: Plan, options: { fold: boolean; unchanged: boolean }): ActionGroup[] {
  const groups: ActionGroup[] = []
  for (const action of usedActions(plan)) {
    if (action === 'unchanged' && !options.unchanged) continue
    const items = plan.items.filter((item) => item.action === action)
    groups.push({ action, count: items.length, size: sizeOf(items), rows: options.fold ? foldFolders(items) : items.map((item) => ({ kind: 'object', item })) })
  }
  return groups
}

function foldFolders(items: readonly PlanItem[]): PlanRow[] {
  const byFolder = new Map<string, PlanItem[]>()
  for (const item of items) {
    const folder = folderOf(item.key)
    const list = byFolder.get(folder)
    if (list) list.push(item)
    else byFolder.set(folder, [item])
  }
  const rows: PlanRow[] = []
  const folded = new Set<string>()
  // Key order is kept: a folded folder takes the place of its first object.
  for (const item of items) {
    const folder = folderOf(item.key)
    const members = byFolder.get(folder)!
    if (members.length < FOLD_AT) rows.push({ kind: 'object', item })
    else if (!folded.has(folder)) {
      folded.add(folder)
      rows.push({ kind: 'folder', folder, items: members, size: sizeOf(members), why: commonWhy(members) })
    }
  }
  return rows
}

function sizeOf(items: readonly PlanItem[]): number {
  return items.reduce((sum, item) => sum + item.size, 0)
}

/** What a folded row says of its objects' reasons: `all: cacheControl, content`, or a count per option. */
function commonWhy(items: readonly PlanItem[]): string {
  const counts = new Map<string, number>()
  for (const item of items) for (const option of new Set(item.reasons.map((reason) => reason.option))) counts.set(option, (counts.get(option) ?? 0) + 1)
  if (counts.size === 0 || items[0]!.action === 'create') return ''
  const options = [...counts.keys()].sort()
  if (options.every((option) => counts.get(option) === items.length)) return `all: ${options.join(', ')}`
  return options.map((option) => `${option} ${counts.get(option)!.toLocaleString('en-US')}`).join(', ')
}

/**
 * The options a new object will be stored with, as `name: value` (secrets as a marker):
 * a create has no reasons to show, and these are what a reviewer checks.
 */
export function storedOptions(item: FilePlanItem): string {
  const shown: string[] = []
  for (const [name, spec] of OPTIONS) {
    const value = item.options[name]
    if (value === undefined || spec.compare === 'none') continue
    shown.push(`${name}: ${spec.secret === true ? REDACTED : JSON.stringify(value)}`)
  }
  return shown.join(', ')
}
