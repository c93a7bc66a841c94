import type { InvalidationReport } from '../workflow/invalidate-cdn.js'
import { NO_COLORS, type Colors } from './colors.js'

const NAMED_PATHS = 10

/** What apply told CloudFront, in one line; a failure says the objects were written and which paths to invalidate by hand. */
export function renderInvalidationLine(invalidation: InvalidationReport, c: Colors = NO_COLORS): string {
  const count = `${invalidation.paths.length} ${invalidation.paths.length === 1 ? 'path' : 'paths'}`
  if (invalidation.error === undefined) {
    return `CloudFront invalidation ${invalidation.id} of ${count} on distribution ${invalidation.distributionId}: ${invalidation.status}.\n`
  }
  const named = invalidation.paths.slice(0, NAMED_PATHS).join(' ')
  const more = invalidation.paths.length > NAMED_PATHS ? ` and ${invalidation.paths.length - NAMED_PATHS} more` : ''
  const where = invalidation.id === undefined ? '' : ` (invalidation ${invalidation.id})`
  return `${c.red('CloudFront invalidation failed')} on distribution ${invalidation.distributionId}${where}: ${invalidation.error}. The objects were written; the CDN may serve the old ones until it is invalidated: ${named}${more}\n`
}
