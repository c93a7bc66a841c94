import type { ApplyReport, ObjectOutcome } from '../apply/index.js'
import { NO_COLORS, type Colors } from './colors.js'
import { formatSize } from './format-size.js'

/**
 * After apply: every object that did not end as planned, with why, then one summary
 * line. Successes were already streamed as progress; they are counted here.
 */
export function renderReportHuman(report: ApplyReport, c: Colors = NO_COLORS): string {
  const lines: string[] = []
  const problems = report.items.filter((item) => item.outcome === 'failed' || item.outcome === 'conflict')
  for (const item of problems) lines.push(problemLine(item, c))
  if (report.interrupted) lines.push(c.yellow('Interrupted: objects not started were skipped; started multipart uploads were aborted.'))
  const heldBack = report.items.filter((item) => item.action === 'delete' && item.outcome === 'skipped')
  if (heldBack.length > 0 && !report.interrupted) {
    lines.push(c.yellow(`Deletes held back: ${heldBack.length} ${heldBack.length === 1 ? 'object was' : 'objects were'} not deleted, because not every upload succeeded; apply again once it does.`))
  }
  const pagesHeld = report.items.filter((item) => item.action !== 'delete' && item.outcome === 'skipped')
  if (pagesHeld.length > 0 && !report.interrupted) {
    lines.push(c.yellow(`Pages held back: ${pagesHeld.length} ${pagesHeld.length === 1 ? 'object was' : 'objects were'} not written, because not every other upload succeeded; apply again once it does.`))
  }
  for (const upload of report.orphanedUploads) {
    lines.push(c.red(`  multipart upload ${upload.uploadId} of ${upload.key} could not be aborted: remove it (aws s3api abort-multipart-upload)`))
  }
  if (problems.length > 0 || report.interrupted || heldBack.length > 0 || pagesHeld.length > 0) lines.push('')
  lines.push(summaryLine(report, c))
  return `${lines.join('\n')}\n`
}

function problemLine(item: ObjectOutcome, c: Colors): string {
  const mark = item.outcome === 'conflict' ? c.red('!') : c.red('x')
  return `  ${mark} ${item.key}: ${item.outcome}${item.reason ? ` (${item.reason})` : ''}`
}

export function summaryLine(report: ApplyReport, c: Colors = NO_COLORS): string {
  const s = report.summary
  // Deletes and repairs are counted only where the plan had some: the line keeps its shape without them.
  const repaired = report.items.some((item) => item.action === 'repair') ? `${s.repaired} repaired, ` : ''
  const deleted = report.items.some((item) => item.action === 'delete') ? `${s.deleted} deleted, ` : ''
  const text = `${s.created} created, ${s.updated} updated, ${repaired}${deleted}${s.unchanged} unchanged, ${s.conflict} conflicts, ${s.failed} failed; ${formatSize(report.bytesUploaded)} uploaded.`
  const ok = s.conflict === 0 && s.failed === 0 && !report.interrupted
  return ok ? `${c.green('Apply complete:')} ${text}` : `${c.red('Apply incomplete:')} ${text}`
}

/** One plain line per finished object, for logs (CI) where a live display is noise. */
export function renderOutcomeLine(item: ObjectOutcome): string {
  const size = item.bytes > 0 ? ` ${formatSize(item.bytes)}` : ''
  const repairs = item.repairs ? ` by ${item.repairs.join(', ')}` : ''
  const marker = item.deleteMarker && item.versionId !== undefined ? ` (delete marker ${item.versionId})` : ''
  return `${item.outcome} ${item.key}${size}${repairs}${marker}${item.reason ? ` (${item.reason})` : ''}`
}
