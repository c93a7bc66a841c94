import { describeReason, hasChanges, PLAN_ACTIONS, type Plan, type PlanAction, type PlanItem, type PlanSummary, type RepairOperation } from '../plan/index.js'

/** One symbol per action, after Terraform's; every view uses these. */
export const SYMBOLS: Record<PlanAction, string> = { create: '+', update: '~', undecided: '?', repair: '*', delete: '-', conflict: '!', unchanged: '=' }


/**
 * The last line of every plan view. Scripts grep it, so it keeps one shape whatever the
 * counts, in the order of the JSON summary; no word in it changes with the number.
 */
export function planSentence(summary: PlanSummary): string {
  return (
    `Plan: ${summary.create} to create, ${summary.update} to update, ${summary.repair} to repair, ${summary.delete} to delete, ` +
    `${summary.unchanged} unchanged, ${summary.undecided} undecided, ${summary.conflict} in conflict.`
  )
}

/** The actions a plan has, in the order every view lists them. */
export function usedActions(plan: Plan): PlanAction[] {
  return PLAN_ACTIONS.filter((action) => plan.summary[action] > 0)
}

/** Nothing to write and nothing blocking: the bucket already is what the manifest says. */
export function isNoOp(plan: Plan): boolean {
  return !hasChanges(plan) && plan.summary.conflict === 0
}

/**
 * The reasons a view lists under an item: a create's only reason is that the key is new,
 * which its symbol already says; a repair's end with how it is made.
 */
export function shownReasons(item: PlanItem): string[] {
  if (item.action === 'create') return []
  const reasons = item.reasons.map(describeReason)
  return item.action === 'repair' ? [...reasons, describeRepairs(item.repairs)] : reasons
}

const CALLS: Record<RepairOperation, string> = {
  copy: 'CopyObject onto itself',
  tagging: 'PutObjectTagging',
  acl: 'PutObjectAcl',
  retention: 'PutObjectRetention',
  'legal-hold': 'PutObjectLegalHold',
}

/** A copy carries every option, the tags replaced only when they drifted; else each operation is its own call. */
export function describeRepairs(repairs: readonly RepairOperation[]): string {
  if (repairs.includes('copy')) return `in place: ${CALLS.copy}, tags ${repairs.includes('tagging') ? 'replaced' : 'kept'}`
  return `in place: ${repairs.map((operation) => CALLS[operation]).join(', ')}`
}

export const NO_CHANGES = 'No changes. The bucket matches the manifest.'

/**
 * Keys and file names may hold control characters (S3 allows them): shown raw they could
 * break a line, fake another one or send terminal escapes, so they are spelled out.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
