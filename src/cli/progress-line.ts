/**
 * A single self-overwriting status line on a terminal; nothing at all elsewhere (CI logs
 * want no carriage-return noise). Updates are throttled.
 */
export function progressLine(stream: NodeJS.WriteStream, label: string): { update(done: number, total: number): void; end(): void } {
  if (!stream.isTTY) return { update() {}, end() {} }
  let last = 0
  let shown = false
  return {
    update(done, total) {
      const now = Date.now()
      if (done < total && now - last < 100) return
      last = now
      shown = true
      stream.write(`\r${label}: ${done}/${total}\u001b[K`)
    },
    end() {
      if (shown) stream.write('\r\u001b[K')
    },
  }
}
