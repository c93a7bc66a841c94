/**
 * The phases of apply, in order: `first` every upload and repair but pages, `last` the
 * pages (HTML by key or content type) and what a rule marks `phase: last`, then `deletes`.
 * A visitor never gets a page whose assets are missing, nor loses a page before its
 * replacement is up. Each phase starts only once the one before succeeded entirely.
 */
export const APPLY_PHASES = ['first', 'last', 'deletes'] as const
export type ApplyPhase = (typeof APPLY_PHASES)[number]

const HTML_KEY = /\.html?$/i
const HTML_TYPE = /^\s*text\/html\s*(;|$)/i

/** The phase of an object the manifest declares: `last` for pages and for a rule's `phase: last`. */
export function uploadPhase(key: string, contentType: string | undefined, marked?: 'last'): Exclude<ApplyPhase, 'deletes'> {
  return marked === 'last' || HTML_KEY.test(key) || HTML_TYPE.test(contentType ?? '') ? 'last' : 'first'
}
