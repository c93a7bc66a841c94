import { CHANGE_ACTIONS, type Plan, type PlanAction, type PlanItem } from '../plan/index.js'

const CHANGE_WORDS: Record<(typeof CHANGE_ACTIONS)[number], string> = { create: 'to create', update: 'to update', undecided: 'undecided', repair: 'to repair', delete: 'to delete' }
import { formatSize } from './format-size.js'
import { codeCell, truncate } from './plan-markdown-escape.js'
import { isNoOp, NO_CHANGES, planSentence, shownReasons, SYMBOLS, usedActions } from './plan-summary.js'

/**
 * GitHub refuses comments over 65,536 characters. The listed rows share this budget; the
 * rest of the comment (heading, summary, notes) is small and fixed.
 */
export const ROW_BUDGET = 50_000
/** Past this many rows nobody reads on: the saved plan has them all. */
export const MAX_ROWS = 1_000
/** One enormous reason (a long metadata map) must not eat the whole budget. */
const MAX_CELL = 300


/**
 * The plan as a pull-request comment: heading, summary table, conflicts in the open (they
 * block), then creates and updates folded in a `<details>` section. Keys, sources and
 * reasons are code spans, so no key can inject markup, mention someone or break a table.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### putplan: bucket ${codeCell(plan.bucket)}`, '']
  if (isNoOp(plan)) out.push(NO_CHANGES, '')
  const table = summaryTable(plan)
  if (table.length > 0) out.push(...table, '')

  const conflicts = plan.items.filter((item) => item.action === 'conflict')
  const changes = plan.items.filter((item) => item.action !== 'conflict' && item.action !== 'unchanged')
  const budget = { rows: MAX_ROWS, chars: ROW_BUDGET }

  if (conflicts.length > 0) {
    out.push(`**${conflicts.length} ${conflicts.length === 1 ? 'conflict' : 'conflicts'}**: apply never touches these objects.`, '')
    out.push(...itemTable(conflicts, budget), '')
  }
  if (changes.length > 0) {
    const what = CHANGE_ACTIONS.filter((action) => plan.summary[action] > 0).map((action) => `${plan.summary[action]} ${CHANGE_WORDS[action]}`).join(', ')
    out.push(`<details><summary>${changes.length} ${changes.length === 1 ? 'change' : 'changes'} (${what})</summary>`, '')
    out.push(...itemTable(changes, budget), '', '</details>', '')
  }
  out.push(`**${planSentence(plan.summary)}**`)
  return `${out.join('\n')}\n`
}

function summaryTable(plan: Plan): string[] {
  const used = usedActions(plan)
  if (used.length === 0) return []
  const bytes = Object.fromEntries(used.map((action) => [action, 0])) as Record<PlanAction, number>
  for (const item of plan.items) bytes[item.action] += item.size
  return [
    '| action | objects | bytes |',
    '|---|---:|---:|',
    ...used.map((action) => `| ${SYMBOLS[action]} ${action} | ${plan.summary[action].toLocaleString('en-US')} | ${formatSize(bytes[action])} |`),
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
  const cells = shownReasons(item).map((reason) => codeCell(truncate(reason, MAX_CELL))).join('<br>')
  const parts = item.action === 'delete' ? undefined : item.local.multipart?.partCount
  const size = parts === undefined ? formatSize(item.size) : `${formatSize(item.size)} (${parts} parts)`
  return `| ${SYMBOLS[item.action]} | ${codeCell(item.key)} | ${size} | ${cells} |`
}
