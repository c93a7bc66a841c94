/**
 * A counting semaphore: at most `limit` holders at once, served in arrival order. Apply
 * holds a slot for exactly one body-carrying request at a time (never while waiting for
 * another slot), so objects and their parts share one budget without deadlock.
 */
export class RequestSlots {
  private free: number
  private readonly waiting: (() => void)[] = []

  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`concurrency must be a positive integer, got ${limit}`)
    this.free = limit
  }

  /** Runs `fn` in a slot. Rejects with the signal's reason if it aborts before a slot frees. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal)
    try {
      return await fn()
    } finally {
      this.release()
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (this.free > 0) {
      this.free--
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => {
        const index = this.waiting.indexOf(grant)
        if (index >= 0) this.waiting.splice(index, 1)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(grant)
    })
  }

  private release(): void {
    const next = this.waiting.shift()
    // The slot passes straight to the next waiter; `free` only grows when nobody waits.
    if (next) next()
    else this.free++
  }
}
