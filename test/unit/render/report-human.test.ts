import { describe, expect, it } from 'vitest'
import { summariseOutcomes } from '../../../src/apply/outcomes.js'
import type { ApplyReport, ObjectOutcome } from '../../../src/apply/index.js'
import { renderOutcomeLine, summaryLine } from '../../../src/render/report-human.js'

function report(items: ObjectOutcome[]): ApplyReport {
  return { items, summary: summariseOutcomes(items), bytesUploaded: items.reduce((sum, item) => sum + item.bytes, 0), interrupted: false, orphanedUploads: [] }
}

const created: ObjectOutcome = { key: 'site/new.html', action: 'create', outcome: 'created', bytes: 2048 }
const repaired: ObjectOutcome = { key: 'site/a.css', action: 'repair', outcome: 'repaired', repairs: ['copy'], etag: 'e', bytes: 0 }
const deleted: ObjectOutcome = { key: 'site/old.html', action: 'delete', outcome: 'deleted', versionId: 'v9', deleteMarker: true, bytes: 0 }

describe('the apply summary line', () => {
  it('keeps its shape when the plan had neither repairs nor deletes', () => {
    expect(summaryLine(report([created]))).toBe('Apply complete: 1 created, 0 updated, 0 unchanged, 0 conflicts, 0 failed; 2.00 KiB uploaded.')
  })

  it('counts repairs and deletes where the plan had some', () => {
    expect(summaryLine(report([created, repaired, deleted]))).toBe('Apply complete: 1 created, 0 updated, 1 repaired, 1 deleted, 0 unchanged, 0 conflicts, 0 failed; 2.00 KiB uploaded.')
  })
})

describe('one line per finished object', () => {
  it('names how a repair was made and the delete marker a delete left', () => {
    expect(renderOutcomeLine(repaired)).toBe('repaired site/a.css by copy')
    expect(renderOutcomeLine(deleted)).toBe('deleted site/old.html (delete marker v9)')
  })
})
