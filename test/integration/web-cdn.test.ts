/**
 * CDN invalidation through the built CLI against moto_server (which serves CloudFront on
 * the same port) with signature checking on: an apply that changed objects makes exactly
 * one CreateInvalidation naming their paths, read back with the AWS CLI; an apply that
 * changed nothing makes none; a failed invalidation after a successful upload exits 1,
 * with the objects written and the report saying so.
 *
 * moto in auth mode answers every signed CloudFront GET (the AWS CLI's get-invalidation and
 * list-invalidations included) with SignatureDoesNotMatch, a moto defect: POSTs are checked
 * and accepted. So invalidations are read back from moto's own state (`/moto-api/data.json`),
 * which holds exactly what CloudFront was asked to do.
 */
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyJson, getBytes, outcomes } from '../support/apply-workspace.js'
import { runAwsJson } from '../support/aws-cli.js'
import { createBucket } from '../support/moto.js'
import { createUser, denyingPolicy } from '../support/moto-iam.js'
import { useMotoSuite } from '../support/moto-suite.js'
import type { Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { HeadObjectCommand } from '@aws-sdk/client-s3'

const suite = useMotoSuite('putplan-cdn-')

async function createDistribution(): Promise<string> {
  const config = {
    CallerReference: `test-${Date.now()}`,
    Comment: '',
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 'site', DomainName: 'site.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }] },
    DefaultCacheBehavior: { TargetOriginId: 'site', ViewerProtocolPolicy: 'allow-all', MinTTL: 0, ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } }, TrustedSigners: { Enabled: false, Quantity: 0 } },
  }
  const created = await runAwsJson<{ Distribution: { Id: string } }>(suite.server, ['cloudfront', 'create-distribution', '--distribution-config', JSON.stringify(config)])
  return created.Distribution.Id
}

interface StoredInvalidation {
  id: string
  location: string
  status: string
  paths: string[]
}

/** The invalidations moto holds for `distributionId`, oldest first. */
async function invalidationsOf(distributionId: string): Promise<StoredInvalidation[]> {
  const data = (await (await fetch(`${suite.server.endpoint}/moto-api/data.json`)).json()) as { cloudfront?: { Invalidation?: StoredInvalidation[] } }
  return (data.cloudfront?.Invalidation ?? []).filter((invalidation) => invalidation.location.includes(`/distribution/${distributionId}/`))
}

function manifest(distributionId: string, extra = ''): string {
  return `version: 1
bucket: cdn-site
cdn:
  cloudfront:
    distributionId: ${distributionId}
${extra}uploads:
  - source: "site/**"
    root: site
`
}

describe('cdn invalidation', () => {
  let ws: Workspace
  let distributionId: string
  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, 'cdn-site')
    distributionId = await createDistribution()
    for (const name of ['index.html', 'docs/index.html', 'docs/guide.html', 'assets/app.css', 'my files/a~b.txt']) await ws.write(`site/${name}`, `${name} v1\n`)
    await ws.write('uploads.yaml', manifest(distributionId))
  }, 60_000)

  it('invalidates every created object once, a folder index naming the folder too, encoded as CloudFront wants', async () => {
    const applied = await applyJson(ws, suite.env, ['--auto-approve', '--wait-invalidation'])
    expect(applied.result.code, applied.result.stderr + applied.result.stdout).toBe(0)
    const invalidation = (applied.report as { invalidation?: { id: string; status: string; paths: string[] } }).invalidation!
    const expected = ['/', '/assets/app.css', '/docs/', '/docs/guide.html', '/docs/index.html', '/index.html', '/my%20files/a%7Eb.txt']
    expect(invalidation.paths).toEqual(expected)
    expect(invalidation.status.toLowerCase()).toBe('completed')
    const stored = await invalidationsOf(distributionId)
    expect(stored.map((i) => i.id)).toEqual([invalidation.id])
    expect([...stored[0]!.paths].sort()).toEqual(expected)
  })

  it('makes none when nothing changed, and one naming exactly the page an apply updated', async () => {
    const unchanged = await applyJson(ws, suite.env)
    expect(unchanged.result.code, unchanged.result.stderr).toBe(0)
    expect((unchanged.report as { invalidation?: unknown }).invalidation).toBeUndefined()
    expect(await invalidationsOf(distributionId)).toHaveLength(1)

    await ws.write('site/docs/guide.html', 'guide v2\n')
    const updated = await applyJson(ws, suite.env)
    expect(updated.result.code, updated.result.stderr).toBe(0)
    expect(outcomes(updated.report)['docs/guide.html']).toBe('updated')
    const invalidation = (updated.report as { invalidation?: { id: string; paths: string[] } }).invalidation!
    expect(invalidation.paths).toEqual(['/docs/guide.html'])
    const stored = await invalidationsOf(distributionId)
    expect(stored).toHaveLength(2)
    expect([stored[1]!.id, stored[1]!.paths]).toEqual([invalidation.id, ['/docs/guide.html']])
  })

  it('exits 1 when the invalidation fails after the upload, with the objects written and the report saying so', async () => {
    const ws2 = await suite.workspace()
    await createBucket(suite.server, 'cdn-denied')
    await ws2.write('site/index.html', 'home\n')
    await ws2.write('uploads.yaml', manifest(distributionId).replace('bucket: cdn-site', 'bucket: cdn-denied'))
    const s3Only = await createUser(suite.server, 'no-cloudfront', denyingPolicy(['cloudfront:*']))
    const env = { ...suite.env, AWS_ACCESS_KEY_ID: s3Only.accessKeyId, AWS_SECRET_ACCESS_KEY: s3Only.secretAccessKey }
    const applied = await applyJson(ws2, env)
    expect(applied.result.code).toBe(1)
    expect(outcomes(applied.report)).toEqual({ 'index.html': 'created' })
    const invalidation = (applied.report as { invalidation?: { paths: string[]; error?: string } }).invalidation!
    expect(invalidation.paths).toEqual(['/', '/index.html'])
    expect(invalidation.error).toMatch(/CreateInvalidation failed: 403/)
    expect(applied.result.stderr).toContain('CloudFront invalidation failed on distribution')
    expect((await getBytes(suite.s3, { Bucket: 'cdn-denied', Key: 'index.html' })).toString()).toBe('home\n')
    const human = await runPutplan(['apply', '--auto-approve'], { cwd: ws2.dir, env })
    expect(human.code).toBe(0) // nothing changed: no invalidation, nothing to fail
    expect(await invalidationsOf(distributionId)).toHaveLength(2)
  })

  it('refuses a cdn block without a distribution id at its line and column', async () => {
    const ws3 = await suite.workspace()
    await ws3.write('site/index.html', 'home\n')
    await ws3.write('uploads.yaml', manifest('').replace('distributionId: \n', 'distrbutionId: E1\n'))
    const validate = await runPutplan(['validate'], { cwd: ws3.dir, env: suite.env })
    expect(validate.code).toBe(1)
    expect(validate.stderr).toMatch(/uploads\.yaml:5:5: error\[unknown-field\]/)
  })
})

describe('examples/static-site', () => {
  it('applies as written (its distribution id swapped for moto\'s): gzip stored with the page\'s type, one invalidation, then nothing to do', async () => {
    const ws = await suite.workspace()
    await cp(new URL('../../examples/static-site', import.meta.url), ws.dir, { recursive: true })
    const manifestFile = join(ws.dir, 'uploads.yaml')
    const distributionId = await createDistribution()
    await writeFile(manifestFile, (await readFile(manifestFile, 'utf8')).replace('E2QWRUHAPOMQZL', distributionId))
    await createBucket(suite.server, 'example-static-site')

    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(Object.values(outcomes(applied.report)).every((outcome) => outcome === 'created')).toBe(true)
    expect(applied.report.items).toHaveLength(6)
    const page = await suite.s3.send(new HeadObjectCommand({ Bucket: 'example-static-site', Key: 'index.html' }))
    expect([page.ContentEncoding, page.ContentType, page.CacheControl]).toEqual(['gzip', 'text/html; charset=utf-8', 'no-cache'])
    expect(await invalidationsOf(distributionId)).toHaveLength(1)

    const again = await applyJson(ws, suite.env)
    expect(again.result.code, again.result.stderr).toBe(0)
    expect(Object.values(outcomes(again.report)).every((outcome) => outcome === 'unchanged')).toBe(true)
    expect(await invalidationsOf(distributionId)).toHaveLength(1)
  }, 60_000)
})
