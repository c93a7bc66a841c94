/**
 * A single self-overwriting status line on a terminal; nothing at all elsewhere (CI logs
 * want no carriage-return noise). Updates are throttled to ten a second.
 */
export interface ProgressLine {
  update(done: number, total: number): void
  text(line: string, force?: boolean): void
  end(): void
}

export function progressLine(stream: NodeJS.WriteStream, label: string): ProgressLine {
  if (!stream.isTTY) return { update() {}, text() {}, end() {} }
  let last = 0
  let shown = false
  const text = (line: string, force = false) => {
    const now = Date.now()
    if (!force && now - last < 100) return
    last = now
    shown = true
    stream.write(`\r${label}: ${line}\u001b[K`)
  }
  return {
    text,
    update: (done, total) => text(`${done}/${total}`, done === total),
    end() {
      if (shown) stream.write('\r\u001b[K')
      shown = false
    },
  }
}
