import { describe, expect, it } from 'vitest'
import { bucketSecrets, carries, redactSecrets } from '../../../src/plan/redact-secrets.js'
import type { Plan } from '../../../src/plan/plan.js'

describe('redactSecrets', () => {
  it('replaces every occurrence in every string, deeply, longer secrets first; keys stay', () => {
    const value = { a: 'Bearer tok-long', list: ['tok', 'x'], map: { tok: 'tok tok' }, n: 3 }
    expect(redactSecrets(value, ['tok', 'tok-long'])).toEqual({ a: 'Bearer (secret)', list: ['(secret)', 'x'], map: { tok: '(secret) (secret)' }, n: 3 })
  })

  it('returns the value itself when there is no secret (nor an empty one)', () => {
    const value = { a: 'x' }
    expect(redactSecrets(value, [])).toBe(value)
    expect(redactSecrets(value, [''])).toBe(value)
    expect(carries(value, ['x'])).toBe(true)
    expect(carries(value, ['y'])).toBe(false)
  })
})

describe('bucketSecrets', () => {
  it('is what the bucket holds where the manifest puts a secret: a scalar option, or one metadata entry', () => {
    const plan = {
      bucket: 'b',
      manifestDigest: 'd',
      summary: { create: 0, update: 0, repair: 1, delete: 0, unchanged: 0, undecided: 0, conflict: 0 },
      items: [
        {
          action: 'repair',
          key: 'k',
          size: 1,
          source: 'k',
          local: { size: 1, checksums: {} },
          remoteEtag: '"e"',
          repairs: ['copy'],
          options: { metadata: { Token: 'new-secret', release: 'r2' }, cacheControl: 'max-age=new-secret', contentType: 'text/plain' },
          reasons: [
            { code: 'option-drift', option: 'metadata', want: { token: 'new-secret', release: 'r2' }, have: { token: 'old-secret', release: 'r1' } },
            { code: 'option-drift', option: 'cacheControl', want: 'max-age=new-secret', have: 'max-age=old' },
            { code: 'option-drift', option: 'contentType', want: 'text/plain', have: 'text/html' },
          ],
        },
      ],
    } as unknown as Plan
    expect(bucketSecrets(plan, ['new-secret'])).toEqual(['old-secret', 'max-age=old'])
    expect(bucketSecrets(plan, [])).toEqual([])
  })
})
