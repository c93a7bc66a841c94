import type { KeySample, PruneReport } from '../plan/index.js'
import type { Colors } from './colors.js'
import { codeSpan } from './plan-markdown-escape.js'
import { printable } from './plan-summary.js'

/** One note per kind of object prune leaves alone: a heading and its first keys. */
interface PruneNote {
  heading: string
  sample: KeySample
}

const NONE: KeySample = { count: 0, keys: [] }

/**
 * What prune leaves alone, for a reviewer: objects putplan does not own in the manifest's
 * folders (strays, never deleted) and keys it wrote that a `protect` glob keeps. Nothing
 * when there are none.
 */
function pruneNotes(report: PruneReport): PruneNote[] {
  const notes: PruneNote[] = []
  const { unowned } = report
  const where = unowned.folders.map((folder) => (folder === '' ? 'the bucket' : folder)).join(', ')
  if (unowned.count > 0) {
    const count = `${unowned.complete ? '' : 'at least '}${objects(unowned.count)}`
    notes.push({ heading: `Unowned: ${count} in ${where} that putplan did not write; never deleted`, sample: unowned })
  } else if (!unowned.complete) {
    notes.push({ heading: `Unowned: none found, but ${where} was not listed to its end (too large, or s3:ListBucket refused)`, sample: NONE })
  }
  if (report.protected.count > 0) {
    notes.push({ heading: `Protected: ${objects(report.protected.count)} no longer in the manifest, kept by prune.protect`, sample: report.protected })
  }
  return notes
}

/** Lines for the human view, each note's keys indented below it. */
export function pruneLinesHuman(report: PruneReport | undefined, c: Colors): string[] {
  if (report === undefined) return []
  return pruneNotes(report).flatMap(({ heading, sample }) => [c.bold(heading), ...sample.keys.map((key) => `  ${printable(key)}`), ...more(sample).map((line) => c.dim(`  ${line}`)), ''])
}

/** A `<details>` per note for the markdown view, its keys as code spans. */
export function pruneLinesMarkdown(report: PruneReport | undefined): string[] {
  if (report === undefined) return []
  return pruneNotes(report).flatMap(({ heading, sample }) => [
    `<details><summary>${heading.replace(/[<>&]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</summary>`,
    '',
    ...sample.keys.map((key) => `- ${codeSpan(key)}`),
    ...more(sample).map((line) => `- ${line}`),
    '',
    '</details>',
    '',
  ])
}

function more(sample: KeySample): string[] {
  const left = sample.count - sample.keys.length
  return left > 0 ? [`…and ${left.toLocaleString('en-US')} more`] : []
}

function objects(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'object' : 'objects'}`
}
