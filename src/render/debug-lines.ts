import type { RetryEvent, S3DebugEvent } from '../s3/index.js'

/** One stderr line per request event; the events arrive already redacted. */
export function renderDebugEvent(event: S3DebugEvent): string {
  switch (event.type) {
    case 'request':
      return `debug: -> ${event.operation} #${event.attempt} ${event.method} ${event.url} ${JSON.stringify(event.headers)}`
    case 'response':
      return `debug: <- ${event.operation} #${event.attempt} ${event.status} in ${event.durationMs} ms ${JSON.stringify(event.headers)}`
    case 'network-error':
      return `debug: !! ${event.operation} #${event.attempt} ${event.message} after ${event.durationMs} ms`
    case 'region-redirect':
      return `debug: region redirect for ${event.operation}: ${event.from} -> ${event.to}`
  }
}

export function renderRetry(event: RetryEvent): string {
  const what = event.key === undefined ? event.operation : `${event.operation} ${event.key}`
  return `retry: ${what} failed (attempt ${event.attempt}: ${event.error.message}); retrying in ${Math.round(event.delayMs)} ms`
}
