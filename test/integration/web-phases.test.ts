/**
 * Phased apply through the built CLI against moto_server with signature checking on, seen
 * through a proxy that records every request in the order it arrives: every asset is
 * written before any page (HTML by key or type, and a `phase: last` key), and deletes come
 * last; the plan shows the phases in every format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyJson, outcomes } from '../support/apply-workspace.js'
import { awsEnv, createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'
import { startS3Proxy, type S3Proxy } from '../support/s3-behaviour-proxy.js'

const suite = useMotoSuite('putplan-phases-')

function manifest(exclude?: string): string {
  return `version: 1
bucket: phased
state: { key: .putplan/state.json }
prune: true
rules:
  - match: "feed.xml"
    phase: last
uploads:
  - source: "site/*"
    exclude: ${JSON.stringify(exclude ?? 'site/none')}
    root: site
  - source: page-without-extension
    key: docs/page
    contentType: text/html
`
}

describe('phased apply', () => {
  let ws: Workspace
  let proxy: S3Proxy
  let env: Record<string, string>
  const requests: string[] = []
  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, 'phased')
    proxy = await startS3Proxy(suite.server.endpoint, { credentials: suite.server.credentials, onRequest: (method, url) => requests.push(`${method} ${url}`) })
    env = awsEnv({ ...suite.server, endpoint: proxy.endpoint })
    await ws.write('page-without-extension', '<p>page</p>\n')
    for (const name of ['a.html', 'b.css', 'c.js', 'd.htm', 'e.png', 'feed.xml', 'old.html', 'z.txt']) await ws.write(`site/${name}`, `${name} v1\n`)
    await ws.write('uploads.yaml', manifest())
    const first = await applyJson(ws, env)
    expect(first.result.code, first.result.stderr).toBe(0)
  }, 60_000)
  afterAll(() => proxy?.stop())

  it('shows the phases in the plan, in every format', async () => {
    for (const name of ['a.html', 'b.css', 'c.js', 'd.htm', 'e.png', 'feed.xml', 'z.txt']) await ws.write(`site/${name}`, `${name} v2\n`)
    await ws.write('page-without-extension', '<p>page v2</p>\n')
    await ws.write('uploads.yaml', manifest('site/old.html'))
    const { plan } = await planJson(ws, env)
    const phases = Object.fromEntries(plan.actions.map((a) => [a.key, (a as { phase?: string }).phase]))
    expect(phases).toEqual({
      'a.html': 'last',
      'b.css': 'first',
      'c.js': 'first',
      'd.htm': 'last',
      'docs/page': 'last',
      'e.png': 'first',
      'feed.xml': 'last',
      'old.html': 'deletes',
      'z.txt': 'first',
    })
    const sentence = 'Apply in order: 1. 4 objects, 2. 4 pages (HTML and phase: last), 3. 1 delete; each phase only once the one before succeeded.'
    const [human, markdown] = await Promise.all([runPutplan(['plan'], { cwd: ws.dir, env }), runPutplan(['plan', '--format', 'markdown'], { cwd: ws.dir, env })])
    expect(human.stdout).toContain(sentence)
    expect(markdown.stdout).toContain(sentence)
  })

  it('writes assets, then pages, then deletes, in the order requests reach the bucket', async () => {
    requests.length = 0
    const applied = await applyJson(ws, env, ['--auto-approve', '--concurrency', '8'])
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(outcomes(applied.report)).toMatchObject({ 'a.html': 'updated', 'old.html': 'deleted', 'z.txt': 'updated' })
    const writes = requests
      .filter((r) => /^(PUT|DELETE) \/phased\//.test(r) && !r.includes('.putplan'))
      .map((r) => decodeURIComponent(r.replace(/^(PUT|DELETE) \/phased\//, '$1 ').replace(/\?.*$/, '')))
    expect(writes.slice(0, 4).sort()).toEqual(['PUT b.css', 'PUT c.js', 'PUT e.png', 'PUT z.txt'])
    expect(writes.slice(4, 8).sort()).toEqual(['PUT a.html', 'PUT d.htm', 'PUT docs/page', 'PUT feed.xml'])
    expect(writes.slice(8)).toEqual(['DELETE old.html'])
  })
})
