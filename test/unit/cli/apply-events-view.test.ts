/** apply's per-object log lines, when stderr is not a terminal: every line, in order, in batches. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApplyEventsView } from '../../../src/cli/apply-events-view.js'
import { create, planOf } from '../render/plan-builder.js'

const keys = Array.from({ length: 150 }, (_, i) => `k${String(i).padStart(3, '0')}`)
const done = (key: string) => ({ type: 'object-done' as const, outcome: { key, action: 'create' as const, outcome: 'created' as const, bytes: 0 } })

let isTTY: boolean | undefined
beforeEach(() => {
  isTTY = process.stderr.isTTY
  process.stderr.isTTY = false
  vi.useFakeTimers()
})
afterEach(() => {
  process.stderr.isTTY = isTTY as boolean
  vi.useRealTimers()
})

describe('ApplyEventsView in a log', () => {
  it('writes a hundred lines at once, the rest at the end, none lost or reordered', () => {
    const writes: string[] = []
    const view = new ApplyEventsView(true, (text) => writes.push(text))
    view.start(planOf(keys.map((key) => create(key))))
    for (const key of keys) view.record(done(key))
    expect(writes).toHaveLength(1)
    view.end()
    expect(writes).toHaveLength(2)
    expect(writes.join('\n').split('\n')).toEqual(keys.map((key) => `created ${key}`))
  })

  it('a line waits at most a tenth of a second', () => {
    const writes: string[] = []
    const view = new ApplyEventsView(true, (text) => writes.push(text))
    view.start(planOf([create('a')]))
    view.record(done('a'))
    expect(writes).toEqual([])
    vi.advanceTimersByTime(100)
    expect(writes).toEqual(['created a'])
    view.end()
    expect(writes).toEqual(['created a'])
  })

  it('writes nothing in JSON mode', () => {
    const writes: string[] = []
    const view = new ApplyEventsView(false, (text) => writes.push(text))
    view.start(planOf([create('a')]))
    view.record(done('a'))
    view.end()
    expect(writes).toEqual([])
  })
})
