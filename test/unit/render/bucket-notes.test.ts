/** The plan header's lines about the bucket, in the human and markdown views. */
import { describe, expect, it } from 'vitest'
import type { Plan } from '../../../src/plan/index.js'
import { bucketLinesHuman, bucketLinesMarkdown } from '../../../src/render/bucket-notes.js'
import { NO_COLORS } from '../../../src/render/colors.js'
import { renderPlanHuman } from '../../../src/render/plan-human.js'

const PLAN: Plan = {
  bucket: 'site',
  manifestDigest: 'd',
  summary: { create: 0, update: 0, repair: 0, delete: 0, unchanged: 0, undecided: 0, conflict: 0 },
  items: [],
  bucketFacts: { versioning: 'Enabled', encryption: 'none', ownership: 'unknown', objectLock: 'off' },
  warnings: ['uploads[0] (line 5): a `tick` and | pipe'],
}

describe('bucket lines', () => {
  it('human: the settings, then each warning, then a blank line; nothing for an older plan', () => {
    expect(bucketLinesHuman(PLAN, NO_COLORS)).toEqual([
      'Bucket site: versioning Enabled, default encryption none, ownership unknown, object lock off',
      'Warning: uploads[0] (line 5): a `tick` and | pipe',
      '',
    ])
    const { bucketFacts: _f, warnings: _w, ...older } = PLAN
    expect(bucketLinesHuman(older, NO_COLORS)).toEqual([])
    expect(renderPlanHuman(PLAN, { colors: NO_COLORS }).split('\n')[0]).toBe('Bucket site: versioning Enabled, default encryption none, ownership unknown, object lock off')
  })

  it('markdown: values in code spans, so a warning cannot inject markup', () => {
    expect(bucketLinesMarkdown(PLAN)).toEqual([
      'Bucket settings: `versioning Enabled, default encryption none, ownership unknown, object lock off`',
      '',
      '> **Warning**: ``uploads[0] (line 5): a `tick` and | pipe``',
      '',
    ])
  })
})
