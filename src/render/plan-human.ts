import type { Plan, PlanAction, PlanItem } from '../plan/index.js'
import type { Colors } from './colors.js'
import { formatSize } from './format-size.js'
import { isNoOp, NO_CHANGES, planSentence, printable, shownReasons, SYMBOLS, usedActions } from './plan-summary.js'

export interface PlanHumanOptions {
  /** Colours come in from the caller, so NO_COLOR and pipes are decided in one place. */
  colors: Colors
  /** Also list unchanged objects, which are otherwise only counted. */
  verbose?: boolean
}

const LEGEND: Record<PlanAction, string> = {
  create: 'create',
  update: 'upload new bytes',
  undecided: 'upload again: the content cannot be verified',
  repair: 'repair options in place, no bytes sent',
  delete: 'delete',
  conflict: 'conflict: apply leaves it alone',
  unchanged: 'unchanged',
}

/**
 * The plan for people, after Terraform: a legend of the symbols used, one line per object
 * (symbol, key, size, source file) with its reasons indented below, then the summary line.
 * The plan's items are already sorted by key; this keeps that order.
 */
export function renderPlanHuman(plan: Plan, options: PlanHumanOptions): string {
  const c = options.colors
  const shown = plan.items.filter((item) => item.action !== 'unchanged' || options.verbose === true)
  const lines: string[] = []

  if (isNoOp(plan)) lines.push(c.green(NO_CHANGES), '')
  if (shown.length > 0) {
    lines.push(`Objects in bucket ${plan.bucket}, by action:`)
    for (const action of usedActions(plan).filter((action) => action !== 'unchanged' || options.verbose === true)) lines.push(`  ${paint(c, action, SYMBOLS[action])} ${LEGEND[action]}`)
    lines.push('')
    for (const item of shown) lines.push(...itemLines(item, c))
    lines.push('')
  }
  lines.push(c.bold(planSentence(plan.summary)))
  return `${lines.join('\n')}\n`
}

function itemLines(item: PlanItem, c: Colors): string[] {
  const facts = itemFacts(item)
  if (item.action === 'unchanged') return [c.dim(`  ${SYMBOLS.unchanged} ${printable(item.key)}  ${facts}`)]
  const head = `  ${paint(c, item.action, SYMBOLS[item.action])} ${printable(item.key)}  ${c.dim(facts)}`
  return [head, ...shownReasons(item).map((reason) => `      ${printable(reason)}`)]
}

function itemFacts(item: PlanItem): string {
  if (item.action === 'delete') return formatSize(item.size)
  const parts = item.local.multipart ? `, ${item.local.multipart.partCount} parts` : ''
  return `${formatSize(item.size)}${parts}  from ${printable(item.source)}`
}


function paint(c: Colors, action: PlanAction, text: string): string {
  switch (action) {
    case 'create':
      return c.green(text)
    case 'update':
    case 'undecided':
    case 'repair':
      return c.yellow(text)
    case 'delete':
    case 'conflict':
      return c.red(text)
    case 'unchanged':
      return c.dim(text)
  }
}
