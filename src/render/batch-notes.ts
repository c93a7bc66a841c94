import { PLACEHOLDERS, type BatchExport } from '../plan/index.js'
import { printable } from './plan-summary.js'

/** Repairs left to apply named one by one; the folder's jobs.json lists them all. */
const LEFT_SHOWN = 10

/**
 * What `plan --emit-batch-operations DIR` wrote, for stderr: the jobs, that they replace
 * apply rather than add to it, that they are not race-safe, and the repairs they leave to apply.
 */
export function renderBatchNotes(dir: string, exported: BatchExport): string {
  const repairs = exported.jobs.reduce((sum, job) => sum + job.keys.length, 0)
  const total = repairs + exported.left.length
  const lines = [
    `Batch Operations: ${count(exported.jobs.length, 'job')} for ${repairs.toLocaleString('en-US')} of ${count(total, 'repair')} written to ${dir} (${dir}/README.md says how to run them; fill in ${Object.values(PLACEHOLDERS).join(', ')}).`,
  ]
  if (repairs > 0) {
    lines.push(
      'They are an alternative to putplan apply, which still makes these repairs: run the jobs or apply, not both, then plan again.',
      'Not race-safe: Batch Operations sends no ETag condition, so an object rewritten since this plan gets these options all the same.',
    )
  }
  if (exported.left.length > 0) {
    lines.push(`Left to putplan apply (${exported.left.length.toLocaleString('en-US')}):`)
    for (const repair of exported.left.slice(0, LEFT_SHOWN)) lines.push(`  ${printable(repair.key)}: ${repair.why}`)
    if (exported.left.length > LEFT_SHOWN) lines.push(`  ...and ${(exported.left.length - LEFT_SHOWN).toLocaleString('en-US')} more (${dir}/jobs.json lists them all)`)
  }
  return lines.join('\n')
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`
}
