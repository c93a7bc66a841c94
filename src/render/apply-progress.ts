import type { ApplyEvent } from '../apply/index.js'
import { formatSize } from './format-size.js'

/**
 * Totals for the live display, folded from apply's events. The clock is passed in, so the
 * rate and ETA are testable.
 */
export class ApplyProgress {
  private objectsDone = 0
  private bytesDone = 0
  private readonly started: number

  constructor(
    private readonly objectsTotal: number,
    private readonly bytesTotal: number,
    now: number,
  ) {
    this.started = now
  }

  record(event: ApplyEvent): void {
    if (event.type === 'bytes') this.bytesDone += event.delta
    if (event.type === 'object-done') this.objectsDone++
  }

  /** `12/40 objects, 3.10 MiB/9.00 MiB, 1.20 MiB/s, ETA 5s` */
  line(now: number): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001)
    const rate = this.bytesDone / seconds
    const left = this.bytesTotal - this.bytesDone
    const eta = rate > 0 && left > 0 ? `, ETA ${Math.ceil(left / rate)}s` : ''
    return `${this.objectsDone}/${this.objectsTotal} objects, ${formatSize(this.bytesDone)}/${formatSize(this.bytesTotal)}, ${formatSize(rate)}/s${eta}`
  }
}
