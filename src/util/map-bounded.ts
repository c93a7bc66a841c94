/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results in input order.
 * On the first failure no further item starts, the calls in flight are awaited (so no file
 * handle outlives the call), and that first error is thrown.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`concurrency must be a positive integer, got ${limit}`)
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  let firstError: unknown

  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index]!, index)
      } catch (error) {
        if (!failed) firstError = error
        failed = true
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failed) throw firstError
  return results
}
