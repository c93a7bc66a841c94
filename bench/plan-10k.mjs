#!/usr/bin/env node
/**
 * Measures `putplan plan` over 10,000 objects that already exist in the bucket.
 *
 * Starts moto_server (auth off: the measurement is of putplan, not of moto's IAM
 * checks), writes 10,000 small files and a manifest into a temporary folder, uploads
 * them with signed PutObjects (`putplan apply --auto-approve` when the CLI has it,
 * else @aws-sdk/client-s3 with 16 in flight), then runs `./bin/run.js plan` three times
 * at each concurrency, under `/usr/bin/time -v` for wall time, putplan's own CPU time
 * (user + system) and peak RSS. Every run
 * must report 10,000 unchanged.
 *
 *   npm run build && node bench/plan-10k.mjs [--objects N] [--runs N] [--concurrency 4,16,64]
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { mapLimit, median, putplanEnv, spawnMoto } from './lib.mjs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'

const args = parseArgs(process.argv.slice(2))
const OBJECTS = Number(args.objects ?? 10_000)
const RUNS = Number(args.runs ?? 3)
const CONCURRENCIES = (args.concurrency ?? '4,16,64').split(',').map(Number)
const UPLOAD_CONCURRENCY = 16
const BUCKET = 'bench'
const REGION = 'us-east-1'
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const runJs = join(repoRoot, 'bin', 'run.js')

// moto's log goes nowhere: this script waits in spawnSync while the CLI runs, and a pipe
// that nobody drained would fill with moto's request log and stall it.
const moto = await spawnMoto({ stdio: 'ignore', timeoutMs: 20_000 })
const dir = await mkdtemp(join(tmpdir(), 'putplan-bench-'))
try {
  const env = putplanEnv(moto.endpoint, CREDENTIALS, REGION)
  console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log(`moto_server at ${moto.endpoint} (auth off); ${OBJECTS} objects in ${dir}`)

  let started = Date.now()
  const keys = await writeTree(dir, OBJECTS)
  console.log(`wrote ${keys.length} files and the manifest in ${ms(started)}`)

  started = Date.now()
  const how = await upload(dir, moto.endpoint, keys, env)
  console.log(`uploaded ${keys.length} objects with ${how} in ${ms(started)} (${rate(keys.length, Date.now() - started)} PUT/s)`)

  const check = run(['plan', '--format', 'json'], dir, env)
  const summary = JSON.parse(check.stdout).summary
  if (summary.unchanged !== OBJECTS) throw new Error(`expected ${OBJECTS} unchanged, got ${JSON.stringify(summary)}\n${check.stderr}`)
  console.log(`check: plan says ${JSON.stringify(summary)}`)

  console.log('\nconcurrency  run  wall      putplan CPU  peak RSS   objects/s')
  const table = []
  for (const concurrency of CONCURRENCIES) {
    for (let i = 1; i <= RUNS; i++) {
      const timed = runTimed(['plan', '--concurrency', String(concurrency)], dir, env)
      if (timed.code !== 0) throw new Error(`plan exited ${timed.code}:\n${timed.stderr}`)
      if (!timed.stdout.includes(`${OBJECTS} unchanged`) && !/no changes/i.test(timed.stdout)) {
        throw new Error(`unexpected plan output:\n${timed.stdout.slice(0, 2000)}`)
      }
      table.push({ concurrency, ...timed })
      console.log(`${String(concurrency).padStart(11)}  ${String(i).padStart(3)}  ${timed.wallS.toFixed(2).padStart(6)} s  ${timed.cpuS.toFixed(2).padStart(8)} s  ${(timed.rssKb / 1024).toFixed(0).padStart(6)} MiB  ${rate(OBJECTS, timed.wallS * 1000).padStart(9)}`)
    }
  }
  console.log('\nmedian per concurrency:')
  for (const concurrency of CONCURRENCIES) {
    const rows = table.filter((r) => r.concurrency === concurrency)
    const wall = median(rows.map((r) => r.wallS))
    const rss = Math.max(...rows.map((r) => r.rssKb)) / 1024
    const cpu = median(rows.map((r) => r.cpuS))
    console.log(`  --concurrency ${concurrency}: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s putplan CPU, ${rate(OBJECTS, wall * 1000)} HEAD/s, peak RSS ${rss.toFixed(0)} MiB`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
  moto.stop()
}

/** 100 files per folder, ~100 bytes each; one manifest entry for the whole tree. */
async function writeTree(root, count) {
  const keys = []
  for (let i = 0; i < count; i++) keys.push(`site/d${String(Math.floor(i / 100)).padStart(3, '0')}/f${String(i).padStart(5, '0')}.txt`)
  const folders = [...new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/'))))]
  await Promise.all(folders.map((f) => mkdir(join(root, 'files', f), { recursive: true })))
  await mapLimit(keys, 64, (key) => writeFile(join(root, 'files', key), body(key)))
  const manifest = { version: 1, bucket: BUCKET, uploads: [{ source: 'files/**', root: 'files', cacheControl: 'max-age=300' }] }
  await writeFile(join(root, 'uploads.yaml'), `${JSON.stringify(manifest, null, 2)}\n`)
  return keys
}

function body(key) {
  return `object ${key}\n${'x'.repeat(80)}\n`
}

async function upload(root, endpoint, keys, env) {
  const client = new S3Client({ endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' })
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
    const help = run(['--help'], root, env)
    if (/^\s+apply\s/m.test(help.stdout)) {
      const applied = run(['apply', '--auto-approve'], root, env, 30 * 60_000)
      if (applied.code !== 0) throw new Error(`apply exited ${applied.code}:\n${applied.stderr}`)
      return 'putplan apply --auto-approve'
    }
    // What the manifest asks for, as putplan would send it (contentType from the extension).
    await mapLimit(keys, UPLOAD_CONCURRENCY, (key) =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body(key), ContentType: 'text/plain; charset=utf-8', CacheControl: 'max-age=300' })),
    )
    return `@aws-sdk/client-s3 PutObject, ${UPLOAD_CONCURRENCY} in flight`
  } finally {
    client.destroy()
  }
}


function run(cliArgs, cwd, env, timeout = 10 * 60_000) {
  const result = spawnSync(process.execPath, [runJs, ...cliArgs], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30, timeout })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** `/usr/bin/time -v` reports wall time and the child's peak RSS on stderr. */
function runTimed(cliArgs, cwd, env) {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, runJs, ...cliArgs], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 })
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(result.stderr)
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr)
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr)
  if (!wall || !rss || !user || !system) throw new Error(`no /usr/bin/time report:\n${result.stderr}`)
  const wallS = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3])
  const cpuS = Number(user[1]) + Number(system[1])
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, wallS, cpuS, rssKb: Number(rss[1]) }
}

function rate(count, millis) {
  return (count / (millis / 1000)).toFixed(0)
}

function ms(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`
}

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1]
  return out
}
