/**
 * `plan --emit-batch-operations DIR` through the built CLI against moto (auth on): a site
 * whose Cache-Control changed and one object whose tags alone changed; the plan writes one
 * copy job and one tagging job (CSV manifest, CreateJob request), names the repair it
 * leaves to apply, says the jobs are an alternative to apply and not race-safe, and keeps
 * stdout one JSON document (keys with commas are the unit test's: moto in auth mode refuses
 * them). A folder that is not empty is refused before anything is written.
 */
import { readdir, readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { applyJson } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { parsePlanJson } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-batch-')

describe('plan --emit-batch-operations', () => {
  it('writes a copy job and a tagging job for the repairs, and names the one left to apply', async () => {
    const bucket = 'batch-site'
    await createBucket(suite.server, bucket)
    const ws = await suite.workspace()
    for (const key of ['index.html', 'about us.html', 'app~1.css']) await ws.write(`site/${key}`, `${key}\n`)
    await ws.write('site/tagged.txt', 'tagged\n')
    await ws.write('site/granted.txt', 'granted\n')
    const manifest = (cacheControl: string, team: string) => ({
      version: 1,
      bucket,
      uploads: [
        { source: ['site/*.html', 'site/*.css'], root: 'site', cacheControl },
        { source: 'site/tagged.txt', key: 'tagged.txt', tagging: { team } },
        { source: 'site/granted.txt', key: 'granted.txt', cacheControl, grantRead: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' },
      ],
    })
    await ws.manifest(manifest('max-age=60', 'web'))
    const first = await applyJson(ws, suite.env)
    expect(first.result.code, first.result.stderr + first.result.stdout).toBe(0)

    await ws.manifest(manifest('no-cache', 'platform'))
    const result = await runPutplan(['plan', '--format', 'json', '--emit-batch-operations', 'batch'], { cwd: ws.dir, env: suite.env })
    expect(result.code, result.stderr).toBe(0)
    const plan = parsePlanJson(result)
    expect(plan.summary.repair).toBe(5)

    expect((await readdir(ws.path('batch'))).sort()).toEqual(
      ['README.md', 'copy-001.create-job.json', 'copy-001.csv', 'copy-002.create-job.json', 'copy-002.csv', 'jobs.json', 'tagging-001.create-job.json', 'tagging-001.csv'].sort(),
    )
    // One copy job per Content-Type (html, css), each row bucket,URL-encoded key.
    const csv = (await Promise.all(['copy-001.csv', 'copy-002.csv'].map((name) => readFile(ws.path(`batch/${name}`), 'utf8')))).join('')
    expect(csv.split('\n').filter(Boolean).sort()).toEqual([`${bucket},about%20us.html`, `${bucket},app~1.css`, `${bucket},index.html`])
    expect(await readFile(ws.path('batch/tagging-001.csv'), 'utf8')).toBe(`${bucket},tagged.txt\n`)
    const tagging = JSON.parse(await readFile(ws.path('batch/tagging-001.create-job.json'), 'utf8'))
    expect(tagging.Operation).toEqual({ S3PutObjectTagging: { TagSet: [{ Key: 'team', Value: 'platform' }] } })
    const copy = JSON.parse(await readFile(ws.path('batch/copy-001.create-job.json'), 'utf8'))
    expect(copy.Operation.S3PutObjectCopy).toMatchObject({ TargetResource: `arn:aws:s3:::${bucket}`, MetadataDirective: 'REPLACE', NewObjectMetadata: { CacheControl: 'no-cache' } })
    const index = JSON.parse(await readFile(ws.path('batch/jobs.json'), 'utf8'))
    expect(index.left).toEqual([{ key: 'granted.txt', why: expect.stringContaining('grants') }])

    expect(result.stderr).toContain('Batch Operations: 3 jobs for 4 of 5 repairs written to batch')
    expect(result.stderr).toContain('They are an alternative to putplan apply, which still makes these repairs')
    expect(result.stderr).toContain('Not race-safe: Batch Operations sends no ETag condition')
    expect(result.stderr).toMatch(/Left to putplan apply \(1\):\n {2}granted\.txt: grants/)

    // The plan is unchanged by the export: apply still makes every repair.
    const again = await runPutplan(['plan', '--emit-batch-operations', 'batch', '--out', 'plan.json', '--debug'], { cwd: ws.dir, env: suite.env })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('--emit-batch-operations batch: the folder is not empty')
    // Refused before planning: no request sent, no plan saved.
    expect(again.stderr).not.toContain('debug: ->')
    expect(await readdir(ws.dir)).not.toContain('plan.json')
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(applied.report.summary.repaired).toBe(5)
  })
})
