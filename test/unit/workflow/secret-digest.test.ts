import { scryptSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { secretDigest } from '../../../src/workflow/secret-digest.js'

const KEY = 'kN4sV0rQ8tY2wE6uI1oP5aS9dF3gH7jK0lZ4xC8vB2n='

describe('secretDigest', () => {
  it('is scrypt with the parameters the plan schema states, salted with the plan id and the name', async () => {
    const digest = await secretDigest('0'.repeat(32), 'SSE_KEY', KEY)
    const expected = scryptSync(KEY, `putplan secret ${'0'.repeat(32)} SSE_KEY`, 32, { N: 2 ** 15, r: 8, p: 3, maxmem: 64 * 1024 * 1024 }).toString('hex')
    expect(digest).toBe(expected)
    expect(digest).toMatch(/^[0-9a-f]{64}$/)
  })

  it('differs by plan, by variable and by value, and is the same for the same three', async () => {
    const [a, again, otherPlan, otherName, otherValue] = await Promise.all([
      secretDigest('1'.repeat(32), 'K', KEY),
      secretDigest('1'.repeat(32), 'K', KEY),
      secretDigest('2'.repeat(32), 'K', KEY),
      secretDigest('1'.repeat(32), 'L', KEY),
      secretDigest('1'.repeat(32), 'K', `${KEY.slice(0, -2)}A=`),
    ])
    expect(again).toBe(a)
    expect(new Set([a, otherPlan, otherName, otherValue]).size).toBe(4)
  })
})
