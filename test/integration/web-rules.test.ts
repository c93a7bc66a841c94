/**
 * `rules:` through the built CLI against moto_server with signature checking on: the first
 * rule whose glob matches a key gives its options, the entry's own options win over it and
 * it wins over `defaults`; `plan --verbose` names where each option came from; a rule that
 * applies to no object is a warning at its line and column.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyJson, outcomes } from '../support/apply-workspace.js'
import { createBucket } from '../support/moto.js'
import { useMotoSuite } from '../support/moto-suite.js'
import { planJson, type Workspace } from '../support/plan-workspace.js'
import { runPutplan } from '../support/run-cli.js'

const suite = useMotoSuite('putplan-rules-')

const MANIFEST = `version: 1
bucket: rules
defaults:
  cacheControl: max-age=60
  contentLanguage: en
rules:
  - match: "**/*.html"
    cacheControl: no-cache
  - match: "assets/**"
    cacheControl: public, max-age=31536000, immutable
    contentLanguage: fr
  - match: "**/*.html"
    cacheControl: never, the first match wins
  - match: "blog/**"
    cacheControl: max-age=1
uploads:
  - source: "site/**"
    root: site
  - source: special.html
    key: special.html
    cacheControl: max-age=5
`

describe('rules', () => {
  let ws: Workspace
  beforeAll(async () => {
    ws = await suite.workspace()
    await createBucket(suite.server, 'rules')
    await ws.write('site/index.html', '<h1>home</h1>\n')
    await ws.write('site/docs/index.html', '<h1>docs</h1>\n')
    await ws.write('site/assets/app.css', 'body{}\n')
    await ws.write('site/robots.txt', 'User-agent: *\n')
    await ws.write('special.html', '<h1>special</h1>\n')
    await ws.write('uploads.yaml', MANIFEST)
  })

  it('warns at the line and column of a rule that applies to no object', async () => {
    const result = await runPutplan(['validate'], { cwd: ws.dir, env: suite.env })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain('uploads.yaml:12:12: warning[rule-unused]: rules[2] applies to no object: every key its match fits is taken by an earlier rule')
    expect(result.stderr).toContain('uploads.yaml:14:12: warning[rule-unused]: rules[3] applies to no object: no key matches "blog/**"')
  })

  it('gives each object the first matching rule, under its entry and over the defaults', async () => {
    const { plan } = await planJson(ws, suite.env)
    const options = Object.fromEntries(plan.actions.map((a) => [a.key, [a.options.cacheControl, a.options.contentLanguage]]))
    expect(options).toEqual({
      'assets/app.css': ['public, max-age=31536000, immutable', 'fr'],
      'docs/index.html': ['no-cache', 'en'],
      'index.html': ['no-cache', 'en'],
      'robots.txt': ['max-age=60', 'en'],
      'special.html': ['max-age=5', 'en'],
    })
    const origins = Object.fromEntries(plan.actions.map((a) => [a.key, (a as { origins?: Record<string, string> }).origins]))
    expect(origins['assets/app.css']).toEqual({ cacheControl: 'rules[1]', contentLanguage: 'rules[1]' })
    expect(origins['special.html']).toEqual({ contentLanguage: 'defaults' })

    const applied = await applyJson(ws, suite.env)
    expect(applied.result.code, applied.result.stderr).toBe(0)
    expect(outcomes(applied.report)).toMatchObject({ 'index.html': 'created', 'special.html': 'created' })
    const head = await suite.s3.send(new HeadObjectCommand({ Bucket: 'rules', Key: 'assets/app.css' }))
    expect([head.CacheControl, head.ContentLanguage, head.ContentType]).toEqual(['public, max-age=31536000, immutable', 'fr', 'text/css; charset=utf-8'])
    const page = await suite.s3.send(new HeadObjectCommand({ Bucket: 'rules', Key: 'docs/index.html' }))
    expect(page.CacheControl).toBe('no-cache')
  })

  it('names where an option came from with --verbose, once a rule changes', async () => {
    await ws.write('uploads.yaml', MANIFEST.replace('cacheControl: no-cache', 'cacheControl: no-store'))
    const result = await runPutplan(['plan', '--verbose'], { cwd: ws.dir, env: suite.env })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('cacheControl: "no-cache" -> "no-store"')
    expect(result.stdout).toContain('cacheControl from rules[0], contentLanguage from defaults')
    const quiet = await runPutplan(['plan'], { cwd: ws.dir, env: suite.env })
    expect(quiet.stdout).not.toContain('from rules[0]')
  })
})
