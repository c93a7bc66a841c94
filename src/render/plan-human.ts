import type { OptionOrigins, Plan, PlanAction, PlanItem } from '../plan/index.js'
import type { Colors } from './colors.js'
import { formatSize } from './format-size.js'
import { actionGroups, storedOptions, type PlanRow } from './plan-groups.js'
import { isNoOp, NO_CHANGES, planSentence, printable, shownReasons, SYMBOLS } from './plan-summary.js'
import { phaseSentence } from './plan-phases.js'
import { pruneLinesHuman } from './prune-notes.js'
import { shardNotes } from './shard-notes.js'
import { bucketLinesHuman } from './bucket-notes.js'
import { confinementLinesHuman } from './confinement-notes.js'

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
 * The plan for people, after Terraform: the objects grouped by action, each group headed
 * by its symbol, meaning, count and bytes; one line per object (symbol, key, size, source
 * file) with its reasons indented below, or, for a new object, the options it will be
 * stored with; a folder with many objects of one action folded into one line (all listed
 * with `verbose`); then what prune leaves alone, and the summary line. Within a group,
 * keys keep the plan's order.
 */
export function renderPlanHuman(plan: Plan, options: PlanHumanOptions): string {
  const c = options.colors
  const verbose = options.verbose === true
  const lines: string[] = [...bucketLinesHuman(plan, c)]

  lines.push(...confinementLinesHuman(plan, c))
  const shard = shardNotes(plan.shard)
  if (shard.length > 0) lines.push(...shard.map((note) => c.bold(note)), '')
  if (isNoOp(plan)) lines.push(c.green(NO_CHANGES), '')
  const groups = actionGroups(plan, { fold: !verbose, unchanged: verbose })
  if (groups.length > 0) lines.push(`Objects in bucket ${plan.bucket}:`, '')
  for (const group of groups) {
    const count = `${group.count.toLocaleString('en-US')} ${group.count === 1 ? 'object' : 'objects'}, ${formatSize(group.size)}`
    lines.push(`${paint(c, group.action, SYMBOLS[group.action])} ${c.bold(LEGEND[group.action])} (${count})`)
    for (const row of group.rows) lines.push(...(row.kind === 'object' ? itemLines(row.item, c, verbose) : folderLines(group.action, row, c)))
    lines.push('')
  }
  lines.push(...pruneLinesHuman(plan.prune, c))
  const phases = phaseSentence(plan)
  if (phases !== undefined) lines.push(phases, '')
  lines.push(c.bold(planSentence(plan.summary)))
  return `${lines.join('\n')}\n`
}

function itemLines(item: PlanItem, c: Colors, verbose: boolean): string[] {
  const facts = itemFacts(item)
  if (item.action === 'unchanged') return [c.dim(`  ${SYMBOLS.unchanged} ${printable(item.key)}  ${facts}`)]
  const head = `  ${paint(c, item.action, SYMBOLS[item.action])} ${printable(item.key)}  ${c.dim(facts)}`
  const below = item.action === 'create' ? [storedOptions(item)].filter((text) => text !== '') : shownReasons(item)
  const origins = verbose && item.action !== 'delete' && item.origins ? [c.dim(originsLine(item.origins))] : []
  return [head, ...below.map((line) => `      ${printable(line)}`), ...origins.map((line) => `      ${line}`)]
}

/** `cacheControl from rules[0], storageClass from defaults`: where the options not in the entry came from. */
function originsLine(origins: OptionOrigins): string {
  return Object.entries(origins)
    .map(([name, origin]) => `${name} from ${origin}`)
    .join(', ')
}

function folderLines(action: PlanAction, row: Extract<PlanRow, { kind: 'folder' }>, c: Colors): string[] {
  const why = row.why === '' ? '' : `; ${row.why}`
  const text = `  ${paint(c, action, SYMBOLS[action])} ${printable(row.folder === '' ? '(top level)' : row.folder)}  ${c.dim(`${row.items.length.toLocaleString('en-US')} objects, ${formatSize(row.size)}${why}`)}`
  return [action === 'unchanged' ? c.dim(text) : text]
}

function itemFacts(item: PlanItem): string {
  if (item.action === 'delete') return formatSize(item.size)
  const parts = item.local.multipart ? `, ${item.local.multipart.partCount} parts` : ''
  const coding = item.compress ? ` ${item.compress}` : ''
  return `${formatSize(item.size)}${coding}${parts}  from ${printable(item.source)}`
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
