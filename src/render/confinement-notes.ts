import type { Plan } from '../plan/index.js'
import type { Colors } from './colors.js'
import { codeSpan } from './plan-markdown-escape.js'
import { printable } from './plan-summary.js'

/**
 * What a reviewer must see before the objects: the folders outside the work tree the plan
 * was allowed to read, and the links leading out that it left unread. Nothing when none.
 */
function notes(plan: Pick<Plan, 'allowOutside' | 'skippedLinks'>): { heading: string; lines: string[] }[] {
  const out: { heading: string; lines: string[] }[] = []
  if (plan.allowOutside && plan.allowOutside.length > 0) out.push({ heading: 'Sources allowed outside the work tree:', lines: plan.allowOutside })
  if (plan.skippedLinks && plan.skippedLinks.length > 0) {
    out.push({ heading: 'Skipped symbolic links leading outside the work tree (not read):', lines: plan.skippedLinks.map((link) => `${link.path} -> ${link.target}`) })
  }
  return out
}

export function confinementLinesHuman(plan: Pick<Plan, 'allowOutside' | 'skippedLinks'>, c: Colors): string[] {
  return notes(plan).flatMap(({ heading, lines }) => [c.bold(heading), ...lines.map((line) => `  ${printable(line)}`), ''])
}

export function confinementLinesMarkdown(plan: Pick<Plan, 'allowOutside' | 'skippedLinks'>): string[] {
  return notes(plan).flatMap(({ heading, lines }) => [`**${heading}**`, '', ...lines.map((line) => `- ${codeSpan(line)}`), ''])
}
