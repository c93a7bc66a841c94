import type { Plan, PlanSummary } from '../plan/index.js'

/**
 * The last line of every plan view. Scripts grep it, so it keeps one shape whatever the
 * counts: "1 conflicts" stays plural rather than changing the sentence.
 */
export function planSentence(summary: PlanSummary): string {
  return `Plan: ${summary.create} to create, ${summary.update} to update, ${summary.unchanged} unchanged, ${summary.conflict} conflicts.`
}

/** Nothing to write and nothing blocking: the bucket already is what the manifest says. */
export function isNoOp(plan: Plan): boolean {
  return plan.summary.create + plan.summary.update + plan.summary.conflict === 0
}

export const NO_CHANGES = 'No changes. The bucket matches the manifest.'

/**
 * Keys and file names may hold control characters (S3 allows them): shown raw they could
 * break a line, fake another one or send terminal escapes, so they are spelled out.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
