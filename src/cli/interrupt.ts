import { setMaxListeners } from 'node:events'

/**
 * The first Ctrl-C or SIGTERM asks apply to stop cleanly (in-flight multipart uploads are
 * aborted, so no parts are left to pay for); a second one exits at once.
 */
export function abortOnSignals(onFirst: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  // Every request waiting for a slot and every body in flight listens to this one signal
  // (and removes its listener when done): many at once is by design, not a leak, and
  // Node's warning about it would be noise on stderr.
  setMaxListeners(0, controller.signal)
  const handler = () => {
    dispose()
    onFirst()
    controller.abort(new Error('interrupted'))
  }
  const dispose = () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
  return { signal: controller.signal, dispose }
}
