import { printable } from './plan-summary.js'

/**
 * Text as a code span inside a GitHub table cell. In a code span `<`, `>`, `&`, `*`, `@`
 * and the rest are literal, so only three things need care: a backtick run inside (the
 * fence is made longer than it), a leading or trailing backtick or space (padded, as
 * CommonMark strips one space from each side), and `|`, which ends a table cell even in
 * a code span unless written `\|`. Control characters are spelled out, as a line break
 * would end the table row.
 */
export function codeCell(text: string): string {
  if (text === '') return ''
  const shown = printable(text)
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = shown.startsWith('`') || shown.endsWith('`') || (/^ .*[^ ].* $/su.test(shown)) ? ' ' : ''
  return `${fence}${pad}${shown}${pad}${fence}`.replaceAll('|', '\\|')
}

/** At most `max` characters, ending in an ellipsis when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}
