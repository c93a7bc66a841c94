const MiB = 1024 * 1024

/**
 * The memory of bodies read whole before they are sent: buffers lent out while a request
 * uses them and kept for the next one, all of them together at most `budget` bytes (one
 * body larger than that is lent alone). Reusing them matters as much as the bound: V8
 * frees a dropped buffer only at its next full collection, which external memory alone
 * triggers late, so fresh buffers per file kept about 90 MB more resident in an apply of
 * 200 files of 1-8 MiB.
 */
export class BodyMemory {
  /** Kept buffers, by capacity (whole MiB); a request takes the smallest that holds its body. */
  private readonly free = new Map<number, Buffer[]>()
  /** Bytes of all buffers, lent or kept. */
  private held = 0
  private lent = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly budget: number) {}

  /** A buffer of at least `size` bytes, once the budget allows; `give` it back after its request. */
  async take(size: number, signal?: AbortSignal): Promise<Buffer> {
    const capacity = Math.max(1, Math.ceil(size / MiB)) * MiB
    for (;;) {
      signal?.throwIfAborted()
      const kept = this.keptOf(capacity)
      if (kept) {
        this.lent++
        return kept
      }
      this.dropKeptUntil(capacity)
      if (this.held + capacity <= this.budget || this.lent === 0) {
        this.held += capacity
        this.lent++
        return Buffer.allocUnsafeSlow(capacity)
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
  }

  give(buffer: Buffer): void {
    const capacity = buffer.buffer.byteLength
    this.lent--
    const list = this.free.get(capacity) ?? []
    list.push(Buffer.from(buffer.buffer, 0, capacity))
    this.free.set(capacity, list)
    for (const wake of this.waiting.splice(0)) wake()
  }

  /** The smallest kept buffer of at least `capacity` bytes. */
  private keptOf(capacity: number): Buffer | undefined {
    let best: number | undefined
    for (const [size, list] of this.free) if (size >= capacity && list.length > 0 && (best === undefined || size < best)) best = size
    return best === undefined ? undefined : this.free.get(best)!.pop()
  }

  /** Forgets kept buffers (none of them large enough) while a new one of `capacity` would not fit. */
  private dropKeptUntil(capacity: number): void {
    for (const [size, list] of this.free) {
      while (list.length > 0 && this.held + capacity > this.budget) {
        list.pop()
        this.held -= size
      }
    }
  }
}
