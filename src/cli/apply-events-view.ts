import type { ApplyEvent } from '../apply/index.js'
import type { Plan } from '../plan/index.js'
import { ApplyProgress } from '../render/apply-progress.js'
import { renderOutcomeLine } from '../render/report-human.js'
import { progressLine } from './progress-line.js'

/**
 * How apply's events reach a person: live totals (objects, bytes, rate, ETA) on a
 * terminal; one plain line per finished object in logs; nothing in JSON mode.
 */
export class ApplyEventsView {
  private progress: ApplyProgress | undefined
  private readonly live = progressLine(process.stderr, 'Applying')

  constructor(
    private readonly enabled: boolean,
    private readonly write: (line: string) => void,
  ) {}

  start(plan: Plan): void {
    const writes = plan.items.filter((item) => item.action === 'create' || item.action === 'update')
    this.progress = new ApplyProgress(
      writes.length,
      writes.reduce((sum, item) => sum + item.size, 0),
      Date.now(),
    )
  }

  record(event: ApplyEvent): void {
    if (!this.enabled || !this.progress) return
    this.progress.record(event)
    if (process.stderr.isTTY) this.live.text(this.progress.line(Date.now()), event.type === 'object-done')
    else if (event.type === 'object-done' && event.outcome.outcome !== 'skipped') this.write(renderOutcomeLine(event.outcome))
  }

  end(): void {
    this.live.end()
  }
}
