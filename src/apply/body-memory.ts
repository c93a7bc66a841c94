/** The unit bodies read whole are held in: small enough that a block just read is still in the CPU's cache when it is hashed. */
export const BODY_BLOCK = 1024 * 1024

/**
 * The memory of bodies read whole before they are sent: blocks of `BODY_BLOCK` bytes lent
 * out while a request uses them and kept for the next one, all of them together at most
 * `budget` bytes (one body larger than that is lent alone). A body is a list of blocks, so
 * every block fits every body and none is ever dropped for one of another size: V8 frees a
 * dropped buffer only at a full collection, which its external memory triggers, and
 * buffers sized to each file (dropped whenever a larger one was needed) cost an apply of
 * 200 files of 1-8 MiB about a dozen full collections.
 */
export class BodyMemory {
  private readonly kept: Buffer[] = []
  private lent = 0
  private readonly blocks: number
  private readonly waiting: (() => void)[] = []

  constructor(readonly budget: number) {
    this.blocks = Math.max(1, Math.floor(budget / BODY_BLOCK))
  }

  /** Blocks that hold at least `size` bytes, once the budget allows; `give` them back after the request. */
  async take(size: number, signal?: AbortSignal): Promise<Buffer[]> {
    const count = Math.max(1, Math.ceil(size / BODY_BLOCK))
    for (;;) {
      signal?.throwIfAborted()
      if (this.lent + count <= this.blocks || this.lent === 0) {
        this.lent += count
        const taken = this.kept.splice(Math.max(0, this.kept.length - count))
        while (taken.length < count) taken.push(Buffer.allocUnsafeSlow(BODY_BLOCK))
        return taken
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
  }

  give(blocks: readonly Buffer[]): void {
    this.lent -= blocks.length
    for (const block of blocks) if (this.lent + this.kept.length < this.blocks) this.kept.push(block)
    for (const wake of this.waiting.splice(0)) wake()
  }
}
