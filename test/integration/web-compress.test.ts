/**
 * `compress: gzip | br` through the built CLI against moto_server with signature checking
 * on: objects hold the compressed bytes, which decompress to the files, with the coding as
 * Content-Encoding and the file name's Content-Type; a body over the multipart threshold
 * goes in parts; a plan after `touch` (and after apply) has no changes; a file that is
 * compressed already is refused at the manifest's line and column, with nothing written.
 */
import { randomBytes } from 'node:crypto'
import { utimes } from 'node:fs/promises'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { beforeAll, describe, expect, it } from 'vitest'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { applyJson, listKeys, outcomes } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson, verdicts, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-compress-')

const MANIFEST = `version: 1
bucket: compressed
state: { key: .putplan/state.json }
rules:
  - match: "**/*.{html,css}"
    compress: br
  - match: "**/*.js"
    compress: gzip
    cacheControl: max-age=60
uploads:
  - source: "site/**"
    root: site
  - source: big.txt
    key: big.txt
    compress: gzip
`

async function getObject(key: string): Promise<{ body: Buffer; encoding?: string; type?: string }> {
  const answer = await suite.s3.send(new GetObjectCommand({ Bucket: 'compressed', Key: key }))
  return { body: Buffer.from(await answer.Body!.transformToByteArray()), encoding: answer.ContentEncoding, type: answer.ContentType }
}

describe('compress', () => {
  let ws: Workspace
  const files: Record<string, string> = {}
  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, 'compressed')
    files['index.html'] = '<!doctype html><title>home</title>\n'.repeat(200)
    files['docs/index.html'] = '<h1>docs</h1>\n'.repeat(300)
    files['assets/site.css'] = 'body { margin: 0 }\n'.repeat(500)
    files['assets/app.js'] = 'console.log("hello")\n'.repeat(400)
    files['robots.txt'] = 'User-agent: *\n'
    for (const [name, text] of Object.entries(files)) await ws.write(`site/${name}`, text)
    // Hex of random bytes: about half its size once compressed, still over the 16 MiB multipart threshold.
    files['big.txt'] = randomBytes(18 * 1024 * 1024).toString('hex')
    await ws.write('big.txt', files['big.txt'])
    await ws.write('uploads.yaml', MANIFEST)
  }, 60_000)

  it('stores the compressed bytes with Content-Encoding and the file type', async () => {
    const { plan } = await planJson(ws, suite.env)
    const big = plan.actions.find((a) => a.key === 'big.txt')!
    expect(big.size).toBeLessThan(files['big.txt']!.length)
    expect((big as { compress?: string }).compress).toBe('gzip')
    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(Object.values(outcomes(applied.report)).every((o) => o === 'created')).toBe(true)
    const expected: Record<string, [string | undefined, string]> = {
      'index.html': ['br', 'text/html; charset=utf-8'],
      'docs/index.html': ['br', 'text/html; charset=utf-8'],
      'assets/site.css': ['br', 'text/css; charset=utf-8'],
      'assets/app.js': ['gzip', 'text/javascript; charset=utf-8'],
      'robots.txt': [undefined, 'text/plain; charset=utf-8'],
      'big.txt': ['gzip', 'text/plain; charset=utf-8'],
    }
    for (const [key, [encoding, type]] of Object.entries(expected)) {
      const object = await getObject(key)
      expect([object.encoding, object.type], key).toEqual([encoding, type])
      const body = encoding === 'br' ? brotliDecompressSync(object.body) : encoding === 'gzip' ? gunzipSync(object.body) : object.body
      expect(body.toString(), key).toBe(files[key])
    }
    expect(applied.report.items.find((i) => i.key === 'big.txt')!.etag).toMatch(/-\d+"?$/)
  }, 120_000)

  it('plans no change after apply, and none after touch, with the record and without it', async () => {
    const after = await runPutplan(['plan', '--detailed-exitcode'], { cwd: ws.dir, env: suite.env })
    expect(after.code, after.stdout + after.stderr).toBe(0)
    const later = new Date(Date.now() + 60_000)
    for (const name of [...Object.keys(files).filter((n) => n !== 'big.txt').map((n) => `site/${n}`), 'big.txt']) await utimes(ws.path(name), later, later)
    const touched = await runPutplan(['plan', '--detailed-exitcode'], { cwd: ws.dir, env: suite.env })
    expect(touched.code, touched.stdout + touched.stderr).toBe(0)
    const refreshed = await runPutplan(['plan', '--detailed-exitcode', '--refresh'], { cwd: ws.dir, env: suite.env })
    expect(refreshed.code, refreshed.stdout + refreshed.stderr).toBe(0)
  }, 120_000)

  it('updates only the page whose file changed', async () => {
    await ws.write('site/docs/index.html', '<h1>docs, again</h1>\n'.repeat(300))
    const { plan } = await planJson(ws, suite.env)
    const changed = Object.entries(verdicts(plan)).filter(([, v]) => v.action !== 'unchanged')
    expect(changed).toEqual([['docs/index.html', { action: 'update', reasons: ['content changed'] }]])
    // A saved plan compresses again, in its own run, to the very bytes it planned.
    const saved = await runPutplan(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(saved.code, saved.stderr).toBe(0)
    const applied = await runPutplan(['apply', 'plan.json'], { cwd: ws.dir, env: suite.env })
    expect(applied.code, applied.stderr).toBe(0)
    const page = await getObject('docs/index.html')
    expect(brotliDecompressSync(page.body).toString()).toBe('<h1>docs, again</h1>\n'.repeat(300))
  }, 120_000)
})

describe('compress refuses', () => {
  it('a file compressed already, by extension or first bytes, and compress with contentEncoding, at their lines', async () => {
    const ws = await suite.workspace()
    await createBucket(suite.server, 'refused')
    await ws.write('site/logo.png', randomBytes(64))
    await ws.write('site/data.bin', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), randomBytes(60)]))
    await ws.write('site/page.html', '<p>hi</p>\n')
    await ws.write(
      'uploads.yaml',
      `version: 1
bucket: refused
rules:
  - match: "**"
    compress: gzip
uploads:
  - source: "site/*.{png,bin}"
    root: site
  - source: site/page.html
    key: page.html
    compress: br
    contentEncoding: br
`,
    )
    const result = await runPutplan(['validate'], { cwd: ws.dir, env: suite.env })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('uploads.yaml:5:15: error[already-compressed]: "site/data.bin" is already compressed (gzip data)')
    expect(result.stderr).toContain('uploads.yaml:5:15: error[already-compressed]: "site/logo.png" is already compressed (a .png file)')
    expect(result.stderr).toContain('uploads.yaml:11:15: error[conflicting-fields]: "site/page.html" has both compress and contentEncoding')
    const applied = await runPutplan(['apply', '--auto-approve'], { cwd: ws.dir, env: suite.env })
    expect(applied.code).toBe(1)
    expect(await listKeys(suite.s3, 'refused')).toEqual([])
  })
})
