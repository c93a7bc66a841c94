import { describe, expect, it } from 'vitest'
import { fromPlanDocument, toPlanDocument, type BatchExport } from '../../../src/plan/index.js'
import { renderBatchNotes } from '../../../src/render/batch-notes.js'
import { NO_COLORS } from '../../../src/render/colors.js'
import { renderPlanHuman } from '../../../src/render/plan-human.js'
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js'
import { create, planOf } from './plan-builder.js'

const sharded = () => ({ ...planOf([create('index.html')]), shard: { index: 2, count: 4, pruneDeferred: true as const } })

describe('a shard plan in the views', () => {
  it('heads the human and markdown views with its shard and why it deletes nothing', () => {
    const human = renderPlanHuman(sharded(), { colors: NO_COLORS })
    expect(human.split('\n').slice(0, 3)).toEqual([
      'Shard 2/4: only the keys whose hash falls in this shard; the other 3 shards plan the rest.',
      'Prune: this plan deletes nothing. A shard sees only its own keys, so it cannot tell a key no shard declares from one another shard declares; deletes run in the unsharded apply after the shards.',
      '',
    ])
    const markdown = renderPlanMarkdown(sharded())
    expect(markdown).toContain('### putplan: bucket `example-site`\n\nShard 2/4: only the keys')
    expect(renderPlanHuman(planOf([create('index.html')]), { colors: NO_COLORS })).not.toContain('Shard')
  })

  it('keeps its shard through the saved document, inside the digest', () => {
    const document = toPlanDocument(sharded())
    expect(document.shard).toEqual({ index: 2, count: 4, pruneDeferred: true })
    expect(fromPlanDocument(document).shard).toEqual({ index: 2, count: 4, pruneDeferred: true })
    expect(toPlanDocument({ ...sharded(), shard: { index: 3, count: 4, pruneDeferred: true } }).planDigest).not.toBe(document.planDigest)
    expect('shard' in toPlanDocument(planOf([create('index.html')]))).toBe(false)
  })
})

describe('renderBatchNotes', () => {
  const exported: BatchExport = {
    jobs: [{ name: 'copy-001', operation: { S3PutObjectTagging: { TagSet: [] } }, keys: ['a', 'b'], bytes: 2 }],
    left: Array.from({ length: 12 }, (_, i) => ({ key: `big-${i}.bin`, why: 'over 5 GiB' })),
  }

  it('counts the jobs and repairs, says they replace apply and are not race-safe, and names what is left (the first 10)', () => {
    const text = renderBatchNotes('jobs', exported)
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Batch Operations: 1 job for 2 of 14 repairs written to jobs (jobs/README.md says how to run them; fill in <ACCOUNT_ID>, <ROLE_ARN>, <MANIFEST_OBJECT_ARN>, <MANIFEST_ETAG>, <REPORT_BUCKET_ARN>).',
      'They are an alternative to putplan apply, which still makes these repairs: run the jobs or apply, not both, then plan again.',
      'Not race-safe: Batch Operations sends no ETag condition, so an object rewritten since this plan gets these options all the same.',
      'Left to putplan apply (12):',
    ])
    expect(text).toContain('  big-9.bin: over 5 GiB\n  ...and 2 more (jobs/jobs.json lists them all)')
  })

  it('says only what was written when no repair can be a job', () => {
    expect(renderBatchNotes('jobs', { jobs: [], left: [] })).toBe(
      'Batch Operations: 0 jobs for 0 of 0 repairs written to jobs (jobs/README.md says how to run them; fill in <ACCOUNT_ID>, <ROLE_ARN>, <MANIFEST_OBJECT_ARN>, <MANIFEST_ETAG>, <REPORT_BUCKET_ARN>).',
    )
  })
})
