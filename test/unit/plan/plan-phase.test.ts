import { describe, expect, it } from 'vitest'
import { uploadPhase } from '../../../src/plan/plan-phase.js'
import { computePlan } from '../../../src/plan/compute-plan.js'
import { NO_COLORS } from '../../../src/render/colors.js'
import { renderPlanHuman } from '../../../src/render/plan-human.js'
import { bytes, factsFor, uploadedObject } from './builders.js'

describe('uploadPhase', () => {
  it('puts pages last, by key or by content type, and what a rule marks last', () => {
    expect(uploadPhase('index.html', 'text/html; charset=utf-8')).toBe('last')
    expect(uploadPhase('docs/old.HTM', 'application/octet-stream')).toBe('last')
    expect(uploadPhase('docs/page', 'text/html')).toBe('last')
    expect(uploadPhase('docs/page', ' TEXT/HTML ;charset=utf-8')).toBe('last')
    expect(uploadPhase('sitemap.xml', 'application/xml', 'last')).toBe('last')
  })

  it('puts everything else first', () => {
    expect(uploadPhase('assets/app.js', 'text/javascript; charset=utf-8')).toBe('first')
    expect(uploadPhase('index.html.map', 'application/json')).toBe('first')
    expect(uploadPhase('notes.htmlx', 'text/htmlx')).toBe('first')
    expect(uploadPhase('img/logo.png', undefined)).toBe('first')
  })
})

describe('phases in the plan', () => {
  const data = bytes(100)
  const plan = computePlan({
    bucket: 'site',
    manifestDigest: 'd',
    objects: [
      factsFor(data, { key: 'index.html', options: { contentType: 'text/html; charset=utf-8' } }, undefined),
      factsFor(data, { key: 'app.js', options: { contentType: 'text/javascript' } }, undefined),
      factsFor(data, { key: 'sitemap.xml', options: { contentType: 'application/xml' }, phase: 'last' }, undefined),
      factsFor(data, { key: 'same.css', options: { contentType: 'text/css' } }, uploadedObject(data, { contentType: 'text/css' })),
    ],
  })

  it('gives every item apply acts on its phase, and none to the unchanged', () => {
    expect(Object.fromEntries(plan.items.map((item) => [item.key, item.phase]))).toEqual({
      'app.js': 'first',
      'index.html': 'last',
      'same.css': undefined,
      'sitemap.xml': 'last',
    })
  })

  it('tells the order in the human view', () => {
    expect(renderPlanHuman(plan, { colors: NO_COLORS })).toContain(
      'Apply in order: 1. 1 object, 2. 2 pages (HTML and phase: last); each phase only once the one before succeeded.',
    )
  })
})
