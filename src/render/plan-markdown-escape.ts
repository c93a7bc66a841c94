import { printable } from './plan-summary.js'

/**
 * Text as a code span inside a GitHub table cell: `codeSpan`, with `|` written `\|`, as it
 * ends a table cell even in a code span.
 */
export function codeCell(text: string): string {
  return codeSpan(text).replaceAll('|', '\\|')
}

/**
 * Text as a code span. In a code span `<`, `>`, `&`, `*`, `@` and the rest are literal, so
 * only two things need care: a backtick run inside (the fence is made longer than it), and
 * a leading or trailing backtick or space (padded, as CommonMark strips one space from each
 * side). Control characters are spelled out, as a line break would end a table row or a list item.
 */
export function codeSpan(text: string): string {
  if (text === '') return ''
  const shown = printable(text)
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = shown.startsWith('`') || shown.endsWith('`') || (/^ .*[^ ].* $/su.test(shown)) ? ' ' : ''
  return `${fence}${pad}${shown}${pad}${fence}`
}

/** At most `max` characters, ending in an ellipsis when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}
