import { APPLY_PHASES, type ApplyPhase, type Plan } from '../plan/index.js'

const PHASE_NAMES: Record<ApplyPhase, [string, string]> = {
  first: ['object', 'objects'],
  last: ['page', 'pages'],
  deletes: ['delete', 'deletes'],
}

/**
 * The order apply follows, when it has more than one phase:
 * `Apply in order: 1. 12 objects, 2. 3 pages (HTML and phase: last), 3. 1 delete; each phase only once the one before succeeded.`
 * Undefined when the plan's changes all fall in one phase.
 */
export function phaseSentence(plan: Plan): string | undefined {
  const counts = new Map<ApplyPhase, number>()
  for (const item of plan.items) if (item.phase !== undefined) counts.set(item.phase, (counts.get(item.phase) ?? 0) + 1)
  if (counts.size < 2) return undefined
  const steps = APPLY_PHASES.filter((phase) => counts.has(phase)).map((phase, i) => {
    const count = counts.get(phase)!
    const [one, many] = PHASE_NAMES[phase]
    const note = phase === 'last' ? ' (HTML and phase: last)' : ''
    return `${i + 1}. ${count.toLocaleString('en-US')} ${count === 1 ? one : many}${note}`
  })
  return `Apply in order: ${steps.join(', ')}; each phase only once the one before succeeded.`
}
