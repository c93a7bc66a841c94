import { describeBucketFacts, type Plan } from '../plan/index.js'
import type { Colors } from './colors.js'
import { codeSpan } from './plan-markdown-escape.js'
import { printable } from './plan-summary.js'

/**
 * The plan's header lines about the bucket: the settings it was checked against, and each
 * warning (what apply will do other than the manifest may suggest). Nothing for a plan
 * made before bucket settings were read.
 */
export function bucketLinesHuman(plan: Plan, c: Colors): string[] {
  const lines: string[] = []
  if (plan.bucketFacts) lines.push(c.dim(`Bucket ${printable(plan.bucket)}${storeOf(plan)}: ${describeBucketFacts(plan.bucketFacts)}`))
  for (const warning of plan.warnings ?? []) lines.push(c.yellow(`Warning: ${printable(warning)}`))
  return lines.length === 0 ? [] : [...lines, '']
}

/** The same, as markdown: values in code spans, so nothing a store reports can inject markup. */
export function bucketLinesMarkdown(plan: Plan): string[] {
  const lines: string[] = []
  if (plan.bucketFacts) lines.push(`Bucket settings${storeOf(plan)}: ${codeSpan(describeBucketFacts(plan.bucketFacts))}`, '')
  for (const warning of plan.warnings ?? []) lines.push(`> **Warning**: ${codeSpan(warning)}`, '')
  return lines
}

/** Named only for a store other than AWS, so AWS plans read as before. */
function storeOf(plan: Plan): string {
  return plan.compatibility === undefined || plan.compatibility === 'aws' ? '' : ` (compatibility ${plan.compatibility})`
}
