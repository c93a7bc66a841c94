#!/usr/bin/env node
/**
 * Measures `putplan plan` of a site whose files are all stored compressed (`compress`),
 * none of them changed since the apply that wrote them: the CPU a no-op plan spends.
 *
 * Starts moto_server (auth off), writes N compressible text files (html and css as br, js
 * as gzip) and a manifest with a state record into a temporary folder, applies them with
 * this checkout's CLI, then runs `plan` with each CLI named by --bin (this checkout's by
 * default; add another build's bin/run.js to compare), in turns, under `/usr/bin/time`:
 * wall time and CPU time (user + system, the CLI and its threads). Every run must report
 * no changes.
 *
 *   npm run build && node bench/plan-compressed.mjs [--files 400] [--size 65536] [--runs 3] [--bin a/bin/run.js,b/bin/run.js]
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { median, putplanEnv, spawnMoto } from './lib.mjs'

const args = parseArgs(process.argv.slice(2))
const FILES = Number(args.files ?? 400)
const SIZE = Number(args.size ?? 64 * 1024)
const RUNS = Number(args.runs ?? 3)
const BUCKET = 'bench'
const REGION = 'us-east-1'
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const own = join(fileURLToPath(new URL('../', import.meta.url)), 'bin', 'run.js')
const bins = (args.bin ?? own).split(',').map((bin) => resolve(bin))

const moto = await spawnMoto({ stdio: 'ignore', timeoutMs: 20_000 })
const dir = await mkdtemp(join(tmpdir(), 'putplan-bench-compressed-'))
try {
  const env = putplanEnv(moto.endpoint, CREDENTIALS, REGION)
  console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  await writeSite(dir)
  const client = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true })
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
  client.destroy()
  const applied = run(own, ['apply', '--auto-approve'], dir, env)
  if (applied.code !== 0) throw new Error(`apply exited ${applied.code}:\n${applied.stderr}`)
  console.log(`${FILES} files of ${SIZE} bytes, applied with ${own}`)

  const rows = bins.map((bin) => ({ bin, runs: [] }))
  for (let i = 0; i < RUNS; i++) {
    for (const row of rows) {
      const timed = runTimed(row.bin, ['plan', '--detailed-exitcode'], dir, env)
      if (timed.code !== 0) throw new Error(`${row.bin} plan exited ${timed.code}:\n${timed.stdout}\n${timed.stderr}`)
      row.runs.push(timed)
      console.log(`${row.bin}  run ${i + 1}: ${timed.wallS.toFixed(2)} s wall, ${timed.cpuS.toFixed(2)} s CPU`)
    }
  }
  console.log('\nmedian:')
  for (const row of rows) console.log(`  ${row.bin}: ${median(row.runs.map((r) => r.wallS)).toFixed(2)} s wall, ${median(row.runs.map((r) => r.cpuS)).toFixed(2)} s CPU`)
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
} finally {
  await rm(dir, { recursive: true, force: true })
  moto.stop()
}

/** Text that compresses about as a site's does: repeated markup with varying numbers. */
function text(seed) {
  let out = ''
  for (let i = 0; out.length < SIZE; i++) out += `<div class="row-${(i * 7 + seed) % 101}"><a href="/p/${seed}/${i}">item ${i * 13 + seed}</a></div>\n`
  return out.slice(0, SIZE)
}

async function writeSite(root) {
  await mkdir(join(root, 'site', 'assets'), { recursive: true })
  const names = Array.from({ length: FILES }, (_, i) => (i % 3 === 0 ? `page-${i}.html` : i % 3 === 1 ? `assets/app-${i}.js` : `assets/style-${i}.css`))
  await Promise.all(names.map((name, i) => writeFile(join(root, 'site', name), text(i))))
  const manifest = {
    version: 1,
    bucket: BUCKET,
    state: { key: '.putplan/state.json' },
    rules: [
      { match: '**/*.{html,css}', compress: 'br' },
      { match: '**/*.js', compress: 'gzip' },
    ],
    uploads: [{ source: 'site/**', root: 'site' }],
  }
  await writeFile(join(root, 'uploads.yaml'), `${JSON.stringify(manifest, null, 2)}\n`)
}


function run(bin, cliArgs, cwd, env) {
  const result = spawnSync(process.execPath, [bin, ...cliArgs], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 10 * 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** `/usr/bin/time -f '%e %U %S'`: wall, user and system seconds, on the last line of stderr. */
function runTimed(bin, cliArgs, cwd, env) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, bin, ...cliArgs], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 })
  const last = result.stderr.trim().split('\n').at(-1) ?? ''
  const [wall, user, system] = last.split(' ').map(Number)
  if (![wall, user, system].every(Number.isFinite)) throw new Error(`no /usr/bin/time report:\n${result.stderr}`)
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, wallS: wall, cpuS: user + system }
}

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1]
  return out
}
