import type { Plan, PlanAction, PlanItem } from '../plan/index.js'
import { formatSize } from './format-size.js'
import { codeCell, truncate } from './plan-markdown-escape.js'
import { isNoOp, NO_CHANGES, planSentence } from './plan-summary.js'

/**
 * GitHub refuses comments over 65,536 characters. The listed rows share this budget; the
 * rest of the comment (heading, summary, notes) is small and fixed.
 */
export const ROW_BUDGET = 50_000
/** Past this many rows nobody reads on: the saved plan has them all. */
export const MAX_ROWS = 1_000
/** One enormous reason (a long metadata map) must not eat the whole budget. */
const MAX_CELL = 300

const SYMBOLS: Record<PlanAction, string> = { create: '+', update: '~', conflict: '!', unchanged: '=' }
const ORDER = ['create', 'update', 'unchanged', 'conflict'] as const

/**
 * The plan as a pull-request comment: heading, summary table, conflicts in the open (they
 * block), then creates and updates folded in a `<details>` section. Keys, sources and
 * reasons are code spans, so no key can inject markup, mention someone or break a table.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### putplan: bucket ${codeCell(plan.bucket)}`, '']
  if (isNoOp(plan)) out.push(NO_CHANGES, '')
  out.push(...summaryTable(plan), '')

  const conflicts = plan.items.filter((item) => item.action === 'conflict')
  const changes = plan.items.filter((item) => item.action === 'create' || item.action === 'update')
  const budget = { rows: MAX_ROWS, chars: ROW_BUDGET }

  if (conflicts.length > 0) {
    out.push(`**${conflicts.length} ${conflicts.length === 1 ? 'conflict' : 'conflicts'}**: apply never touches these objects.`, '')
    out.push(...itemTable(conflicts, budget), '')
  }
  if (changes.length > 0) {
    const what = `${plan.summary.create} to create, ${plan.summary.update} to update`
    out.push(`<details><summary>${changes.length} ${changes.length === 1 ? 'change' : 'changes'} (${what})</summary>`, '')
    out.push(...itemTable(changes, budget), '', '</details>', '')
  }
  out.push(`**${planSentence(plan.summary)}**`)
  return `${out.join('\n')}\n`
}

function summaryTable(plan: Plan): string[] {
  const bytes: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, conflict: 0 }
  for (const item of plan.items) bytes[item.action] += item.size
  return [
    '| action | objects | bytes |',
    '|---|---:|---:|',
    ...ORDER.map((action) => `| ${SYMBOLS[action]} ${action} | ${plan.summary[action].toLocaleString('en-US')} | ${formatSize(bytes[action])} |`),
  ]
}

/** Rows until the shared budget runs out, then one line saying how many were left out. */
function itemTable(items: readonly PlanItem[], budget: { rows: number; chars: number }): string[] {
  const lines = ['| | key | size | reasons |', '|---|---|---:|---|']
  let listed = 0
  for (const item of items) {
    const line = row(item)
    if (budget.rows === 0 || line.length > budget.chars) break
    budget.rows--
    budget.chars -= line.length + 1
    lines.push(line)
    listed++
  }
  if (listed === 0) lines.length = 0
  const more = items.length - listed
  if (more > 0) lines.push(...(listed > 0 ? [''] : []), `…and ${more.toLocaleString('en-US')} more; see the plan artifact.`)
  return lines
}

function row(item: PlanItem): string {
  // A create's only reason is that the key is new: the symbol already says so.
  const reasons = item.action === 'create' ? [] : item.reasons
  const cells = reasons.map((reason) => codeCell(truncate(reason, MAX_CELL))).join('<br>')
  const size = item.local.multipart ? `${formatSize(item.size)} (${item.local.multipart.partCount} parts)` : formatSize(item.size)
  return `| ${SYMBOLS[item.action]} | ${codeCell(item.key)} | ${size} | ${cells} |`
}
