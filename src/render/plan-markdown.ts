import type { Plan, PlanAction, PlanItem } from '../plan/index.js'
import { actionGroups, storedOptions, type PlanRow } from './plan-groups.js'
import { formatSize } from './format-size.js'
import { codeCell, truncate } from './plan-markdown-escape.js'
import { isNoOp, NO_CHANGES, planSentence, shownReasons, SYMBOLS, usedActions } from './plan-summary.js'
import { phaseSentence } from './plan-phases.js'
import { pruneLinesMarkdown } from './prune-notes.js'
import { shardNotes } from './shard-notes.js'
import { bucketLinesMarkdown } from './bucket-notes.js'
import { confinementLinesMarkdown } from './confinement-notes.js'

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
 * The plan as a pull-request comment: heading, summary table, then one section per action:
 * conflicts in the open (they block), every other change folded in its own `<details>`.
 * A folder with many objects of one action is one row. Rows share one budget, so the
 * comment fits GitHub's limit and says how many rows it left out. Keys, sources and
 * reasons are code spans, so no key can inject markup, mention someone or break a table.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### putplan: bucket ${codeCell(plan.bucket)}`, '', ...bucketLinesMarkdown(plan), ...confinementLinesMarkdown(plan)]
  for (const note of shardNotes(plan.shard)) out.push(note, '')
  if (isNoOp(plan)) out.push(NO_CHANGES, '')
  const table = summaryTable(plan)
  if (table.length > 0) out.push(...table, '')

  const budget = { rows: MAX_ROWS, chars: ROW_BUDGET }
  const groups = actionGroups(plan, { fold: true, unchanged: false })
  // Conflicts first: they are what blocks the apply.
  groups.sort((a, b) => Number(b.action === 'conflict') - Number(a.action === 'conflict'))
  for (const group of groups) {
    const count = `${group.count.toLocaleString('en-US')} ${group.count === 1 ? 'object' : 'objects'}`
    if (group.action === 'conflict') {
      out.push(`**${SYMBOLS.conflict} ${count} in conflict**: apply never touches these objects.`, '', ...rowTable(group.rows, budget), '')
      continue
    }
    out.push(`<details><summary>${SYMBOLS[group.action]} ${HEADINGS[group.action]}: ${count}, ${formatSize(group.size)}</summary>`, '')
    out.push(...rowTable(group.rows, budget), '', '</details>', '')
  }
  out.push(...pruneLinesMarkdown(plan.prune))
  const phases = phaseSentence(plan)
  if (phases !== undefined) out.push(phases, '')
  out.push(`**${planSentence(plan.summary)}**`)
  return `${out.join('\n')}\n`
}

const HEADINGS: Record<PlanAction, string> = {
  create: 'to create',
  update: 'to upload with new bytes',
  undecided: 'to upload again (content cannot be verified)',
  repair: 'to repair in place',
  delete: 'to delete',
  conflict: 'in conflict',
  unchanged: 'unchanged',
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

/** Rows until the shared budget runs out, then one line saying how many objects were left out. */
function rowTable(rows: readonly PlanRow[], budget: { rows: number; chars: number }): string[] {
  const lines = ['| | key | size | reasons |', '|---|---|---:|---|']
  let listed = 0
  for (const row of rows) {
    const line = row.kind === 'object' ? objectRow(row.item) : folderRow(row)
    if (budget.rows === 0 || line.length > budget.chars) break
    budget.rows--
    budget.chars -= line.length + 1
    lines.push(line)
    listed++
  }
  if (listed === 0) lines.length = 0
  const more = rows.slice(listed).reduce((sum, row) => sum + (row.kind === 'object' ? 1 : row.items.length), 0)
  if (more > 0) lines.push(...(listed > 0 ? [''] : []), `…and ${more.toLocaleString('en-US')} more; see the plan artifact.`)
  return lines
}

function folderRow(row: Extract<PlanRow, { kind: 'folder' }>): string {
  const action = row.items[0]!.action
  const folder = row.folder === '' ? '(top level)' : row.folder
  return `| ${SYMBOLS[action]} | ${codeCell(folder)} (${row.items.length.toLocaleString('en-US')} objects) | ${formatSize(row.size)} | ${row.why === '' ? '' : codeCell(row.why)} |`
}

function objectRow(item: PlanItem): string {
  const notes = item.action === 'create' ? [storedOptions(item)].filter((text) => text !== '') : shownReasons(item)
  const cells = notes.map((note) => codeCell(truncate(note, MAX_CELL))).join('<br>')
  const parts = item.action === 'delete' ? undefined : item.local.multipart?.partCount
  const size = parts === undefined ? formatSize(item.size) : `${formatSize(item.size)} (${parts} parts)`
  return `| ${SYMBOLS[item.action]} | ${codeCell(item.key)} | ${size} | ${cells} |`
}
