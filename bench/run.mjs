#!/usr/bin/env node
/**
 * `npm run bench`: putplan side by side with `aws s3 sync` and `rclone` on the same data,
 * against a local moto_server. A benchmark, not a test: nothing in `npm test` runs it.
 *
 *   npm run build && npm run bench [-- --quick] [-- --full] [-- --runs N] [-- --small N] [-- --out FILE]
 *
 *   (default)  10,000 small files (0.5-8 KiB), N runs per measurement (N=3)
 *   --quick    2,000 small files
 *   --full     also 200 files of 1-8 MiB, and one 1 GiB file for the hashing measurement
 *   --runs N   runs per measurement (medians are reported)
 *   --small N  number of small files
 *   --huge N   number of files of the huge workload (default 100,000; 1-4 KiB each)
 *   --only LIST  comma-separated parts: startup,upload,noop,change,header,bare,medium,repair,hash,huge
 *              (huge: validate, the initial upload and the no-op of the huge workload, putplan
 *              with a state record against `aws s3 sync` and `rclone copy --checksum`)
 *              (repair: a Cache-Control change on the 200 files of 1-8 MiB, putplan's repair
 *              in place against `aws s3 cp --recursive` uploading the tree again)
 *   --out FILE where the markdown goes (default bench/results.md)
 *   --latency MS  every client talks to moto through a proxy that holds each answer back
 *              MS milliseconds, as a distant S3 would (bench/delay-proxy.mjs)
 *   --uplink MIBPS  through the same proxy, request bodies share one link of MIBPS MiB/s,
 *              as a CI runner's uplink to S3 (with or without --latency)
 *
 * moto_server runs with authentication off: in its IAM auth mode moto rejects '/' in
 * ListObjectsV2 prefixes, which `aws s3 sync` and putplan's LIST both send. Every client
 * still signs its requests; moto just does not check them.
 *
 * Each tool writes into its own fresh bucket. Each command runs under
 * `/usr/bin/time -f '%e %U %S %M'`: wall time, client CPU (user+sys of the child process
 * tree) and peak RSS. Requests are counted from moto's request log (one line per request
 * on its stderr), server CPU from moto's /proc entry.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile, utimes } from 'node:fs/promises'
import { envWithoutAws, mapLimit, median, spawnMoto } from './lib.mjs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join, relative } from 'node:path'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const runJs = join(repoRoot, 'bin', 'run.js')

if (process.argv[2] === '--bare-child') {
  await bareChild(process.argv.slice(3))
  process.exit(0)
}

const args = parseArgs(process.argv.slice(2))
const QUICK = args.quick === true
const FULL = args.full === true
const RUNS = Number(args.runs ?? 3)
const SMALL = Number(args.small ?? (QUICK ? 2_000 : 10_000))
const MEDIUM = 200
const HUGE = Number(args.huge ?? 100_000)
const CONCURRENCY = 16
const OUT = args.out ?? join(repoRoot, 'bench', 'results.md')
const ONLY = typeof args.only === 'string' ? new Set(args.only.split(',')) : undefined
const LATENCY_MS = Number(args.latency ?? 0)
const UPLINK = args.uplink === undefined ? undefined : Number(args.uplink)
const wants = (part) => (ONLY ? ONLY.has(part) : part === 'medium' || part === 'repair' || part === 'hash' || part === 'huge' ? FULL : true)

const REGION = 'us-east-1'
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const CACHE = ['max-age=300', 'max-age=600']

const moto = await startMoto()
// Where the clients send their requests: moto, or the delaying proxy in front of it.
const proxy = LATENCY_MS > 0 || UPLINK !== undefined ? await startDelayProxy(moto.endpoint, LATENCY_MS, UPLINK) : undefined
const endpoint = proxy?.endpoint ?? moto.endpoint
const work = await mkdtemp(join(tmpdir(), 'putplan-bench-'))
const sections = []
/** The workloads this run measured, for the results' description. */
const workloads = []
try {
  log(`moto_server on ${moto.endpoint} (auth off)${proxy ? `, clients through ${proxy.endpoint} (+${LATENCY_MS} ms per answer${UPLINK === undefined ? '' : `, bodies at ${UPLINK} MiB/s`})` : ''}; workloads in a temporary folder; ${RUNS} run(s) per measurement`)
  const machine = describeMachine()
  if (wants('startup')) sections.push(await startup())
  if (['upload', 'noop', 'change', 'header', 'bare'].some(wants)) {
    const small = await makeWorkload('small', SMALL, () => 512 + Math.floor(Math.random() * 7.5 * 1024))
    const parts = new Set(['upload', 'noop', 'change', 'header', 'bare'].filter(wants))
    workloads.push(`${SMALL.toLocaleString('en')} small files (0.5-8 KiB)`)
    sections.push(...(await scenarios(small, workloads.at(-1), parts)))
  }
  if (wants('medium') || wants('repair')) {
    const medium = await makeWorkload('medium', MEDIUM, () => (1 + Math.floor(Math.random() * 7)) * 1024 * 1024 + Math.floor(Math.random() * 1024 * 1024))
    workloads.push(`${MEDIUM} files of 1-8 MiB`)
    if (wants('medium')) sections.push(...(await scenarios(medium, workloads.at(-1), new Set(['upload', 'noop', 'change', 'header']))))
    // The peer that must upload again to change a header: aws s3 sync alone would skip the unchanged files.
    if (wants('repair')) sections.push(...(await scenarios(medium, workloads.at(-1), new Set(['repair']), (tool) => tool.putplan || tool.reupload)))
  }
  if (wants('huge')) {
    const huge = await makeWorkload('huge', HUGE, () => 1024 + Math.floor(Math.random() * 3 * 1024))
    workloads.push(`${HUGE.toLocaleString('en')} files of 1-4 KiB`)
    sections.push(await validation(huge, workloads.at(-1)))
    // Without a state record a plan asks HeadObject of every object: not the row this size is for.
    const peers = new Set(['putplan (state record)', 'aws s3 sync', 'rclone copy --checksum'])
    sections.push(...(await scenarios(huge, workloads.at(-1), new Set(['upload', 'noop']), (tool) => peers.has(tool.name))))
  }
  if (wants('hash')) {
    workloads.push('one 1 GiB file')
    sections.push(await hashing())
  }
  machine.loadEnd = loadavg()[0].toFixed(1)
  await writeFile(OUT, renderMarkdown(machine, workloads, sections))
  log(`wrote ${relative(process.cwd(), OUT) || OUT}`)
} finally {
  await rm(work, { recursive: true, force: true })
  proxy?.stop()
  moto.stop()
}

// ---------------------------------------------------------------- workloads

/** Files under <dir>/files in 100 folders; manifests with and without a state record. */
async function makeWorkload(name, count, sizeOf) {
  const dir = join(work, name)
  const files = []
  const perFolder = Math.max(1, Math.ceil(count / 100))
  for (let i = 0; i < count; i++) files.push(`d${String(Math.floor(i / perFolder)).padStart(3, '0')}/f${String(i).padStart(5, '0')}.bin`)
  for (const folder of new Set(files.map((f) => f.slice(0, f.indexOf('/'))))) await mkdir(join(dir, 'files', folder), { recursive: true })
  const started = Date.now()
  await mapLimit(files, 32, (file) => writeFile(join(dir, 'files', file), randomBytes(sizeOf())))
  // Old mtimes: a file rewritten by the one-file change is newer than every object, as in real use.
  const old = new Date(Date.now() - 3600_000)
  await mapLimit(files, 64, (file) => utimes(join(dir, 'files', file), old, old))
  for (const state of [true, false]) {
    const lines = [
      'version: 1',
      'bucket: ${BUCKET}',
      `region: ${REGION}`,
      'variables:',
      '  BUCKET: { description: the bucket of this run }',
      '  CACHE: { description: the Cache-Control of every object }',
      ...(state ? ['state: { key: .putplan/state.json }'] : []),
      'uploads:',
      '  - source: "files/**"',
      '    root: files',
      '    cacheControl: ${CACHE}',
    ]
    await writeFile(join(dir, state ? 'state.yaml' : 'nostate.yaml'), `${lines.join('\n')}\n`)
  }
  log(`workload ${name}: ${count} files written in ${secs(Date.now() - started)}`)
  return { name, dir, files, count }
}

// ---------------------------------------------------------------- scenarios

/**
 * The tools, each with its own bucket. `upload`, `sync` and `header` build the command for
 * a bucket; `header` may be missing (the tool cannot do it).
 */
function tools(w) {
  const files = join(w.dir, 'files')
  const putplan = (state) => ({
    name: state ? 'putplan (state record)' : 'putplan (no state)',
    putplan: true,
    state,
    upload: (b, cache = CACHE[0]) => cli(['apply', '--auto-approve', '-f', join(w.dir, state ? 'state.yaml' : 'nostate.yaml'), '--var', `BUCKET=${b}`, '--var', `CACHE=${cache}`]),
    noop: (b) => cli(['plan', '--detailed-exitcode', '-f', join(w.dir, state ? 'state.yaml' : 'nostate.yaml'), '--var', `BUCKET=${b}`, '--var', `CACHE=${CACHE[0]}`]),
    header: (b, cache) => cli(['apply', '--auto-approve', '-f', join(w.dir, state ? 'state.yaml' : 'nostate.yaml'), '--var', `BUCKET=${b}`, '--var', `CACHE=${cache}`]),
    headerLabel: 'apply with the new cacheControl',
    reuploadLabel: 'apply with the new cacheControl: a repair in place (CopyObject onto itself), no bytes sent',
  })
  const aws = {
    name: 'aws s3 sync',
    upload: (b, cache = CACHE[0]) => awsCli(['s3', 'sync', files, `s3://${b}/`, '--cache-control', cache, '--only-show-errors']),
    header: (b, cache) => awsCli(['s3', 'cp', `s3://${b}/`, `s3://${b}/`, '--recursive', '--metadata-directive', 'REPLACE', '--cache-control', cache, '--only-show-errors']),
    headerLabel: '`aws s3 cp --recursive --metadata-directive REPLACE --cache-control` (server-side copy)',
    reuploadName: 'aws s3 cp --recursive',
    reupload: (b, cache) => awsCli(['s3', 'cp', files, `s3://${b}/`, '--recursive', '--cache-control', cache, '--only-show-errors']),
    reuploadLabel: '`aws s3 cp --recursive DIR s3://BUCKET/ --cache-control` (uploads every file again: `aws s3 sync` would skip the unchanged files and leave their header)',
  }
  const rclone = (checksum) => ({
    name: checksum ? 'rclone copy --checksum' : 'rclone copy',
    upload: (b, cache = CACHE[0]) => rcloneCli(['copy', ...(checksum ? ['--checksum'] : []), '--header-upload', `Cache-Control: ${cache}`, files, `moto:${b}`]),
    header: checksum ? (b, cache) => rcloneCli(['copy', '--checksum', '--ignore-times', '--header-upload', `Cache-Control: ${cache}`, files, `moto:${b}`]) : undefined,
    headerLabel: checksum
      ? '`--ignore-times --header-upload`: rclone cannot change headers in place, so this re-uploads every file'
      : 'cannot: rclone has no way to change headers of objects it considers up to date',
  })
  return [putplan(true), putplan(false), aws, rclone(true), rclone(false)]
}

async function scenarios(w, label, parts, only = () => true) {
  const list = tools(w).filter(only)
  const buckets = new Map()
  const out = []
  const bucketName = (tool, run) => `${w.name}-${slug(tool.name)}-${run}`.slice(0, 63)

  // Initial upload: a fresh bucket per tool per run; moto is reset before each round. The
  // order turns by one each round: the first upload after a reset runs on a cold server.
  // The repair row makes its own buckets.
  if ([...parts].some((part) => part !== 'repair')) {
    const rows = new Map(list.map((t) => [t.name, []]))
    const bareRows = []
    const bare = (bucket) => ({ cmd: process.execPath, args: [fileURLToPath(import.meta.url), '--bare-child', endpoint, bucket, join(w.dir, 'files'), String(CONCURRENCY)] })
    const uploaders = [...list.map((tool) => ({ tool, upload: tool.upload })), ...(parts.has('bare') ? [{ bare: true, upload: bare }] : [])]
    const rounds = parts.has('upload') || parts.has('bare') ? RUNS : 1
    for (let run = 1; run <= rounds; run++) {
      await moto.reset()
      for (const uploader of rotate(uploaders, run - 1)) {
        const name = uploader.bare ? 'bare client' : uploader.tool.name
        const bucket = uploader.bare ? `${w.name}-bare-${run}` : bucketName(uploader.tool, run)
        await moto.createBucket(bucket)
        const m = await measure(uploader.upload(bucket), { cwd: w.dir })
        check(m, name + ' upload')
        if (uploader.bare) bareRows.push(m)
        else {
          rows.get(name).push(m)
          buckets.set(name, bucket)
        }
        log(`  upload ${w.name} ${name} #${run}: ${fmtRun(m)}`)
      }
    }
    if (parts.has('upload') || parts.has('bare')) {
      const rowsOut = (parts.has('upload') ? list : []).map((t) => ({ tool: t.name, how: describe(t.upload('BUCKET')), ...medians(rows.get(t.name)) }))
      if (bareRows.length) rowsOut.push({ tool: 'bare client', how: `unsigned fetch PUT, ${CONCURRENCY} in flight (the server's limit)`, ...medians(bareRows) })
      out.push({ title: `Initial upload: ${label}`, rows: rowsOut, objects: w.count })
    }
  }

  // No-op: the same command again, nothing to do.
  if (parts.has('noop')) {
    const rows = []
    for (const tool of list) {
      const runs = []
      for (let run = 1; run <= RUNS; run++) {
        const m = await measure(tool.noop ? tool.noop(buckets.get(tool.name)) : tool.upload(buckets.get(tool.name)), { cwd: w.dir })
        check(m, tool.name + ' no-op')
        if (tool.putplan && m.requests > 1 + 2 + (tool.state ? 3 : w.count + 2)) log(`  note: ${tool.name} no-op sent ${m.requests} requests`)
        runs.push(m)
        log(`  no-op ${w.name} ${tool.name} #${run}: ${fmtRun(m)}`)
      }
      rows.push({ tool: tool.name, how: tool.putplan ? '`plan --detailed-exitcode` (exit 0: no changes)' : describe(tool.upload('BUCKET')), ...medians(runs) })
    }
    out.push({ title: `No-op (nothing to do): ${label}`, rows, objects: w.count })
  }

  // One file changed: rewrite one file (new bytes, new size, new mtime), then every tool syncs.
  if (parts.has('change')) {
    const runsByTool = new Map(list.map((t) => [t.name, []]))
    for (let run = 1; run <= RUNS; run++) {
      const file = join(w.dir, 'files', w.files[(run * 7919) % w.files.length])
      await writeFile(file, randomBytes(600 + run * 13))
      for (const tool of list) {
        const m = await measure(tool.upload(buckets.get(tool.name)), { cwd: w.dir })
        check(m, tool.name + ' one-file change')
        runsByTool.get(tool.name).push(m)
        log(`  change ${w.name} ${tool.name} #${run}: ${fmtRun(m)}`)
      }
    }
    out.push({
      title: `One file changed: ${label}`,
      rows: list.map((t) => ({ tool: t.name, how: t.putplan ? '`apply --auto-approve`' : describe(t.upload('BUCKET')), ...medians(runsByTool.get(t.name)) })),
      objects: w.count,
    })
  }

  // A header changed on every object: alternate between two Cache-Control values.
  if (parts.has('header')) {
    const rows = []
    for (const tool of list) {
      if (!tool.header) {
        rows.push({ tool: tool.name, how: tool.headerLabel, skipped: true })
        continue
      }
      const runs = []
      for (let run = 1; run <= RUNS; run++) {
        const m = await measure(tool.header(buckets.get(tool.name), CACHE[run % 2]), { cwd: w.dir })
        check(m, tool.name + ' header change')
        runs.push(m)
        log(`  header ${w.name} ${tool.name} #${run}: ${fmtRun(m)}`)
      }
      // Leave the bucket as the manifest's first value says, for later scenarios.
      if (RUNS % 2 === 1) await measure(tool.header(buckets.get(tool.name), CACHE[0]), { cwd: w.dir })
      rows.push({ tool: tool.name, how: tool.headerLabel, ...medians(runs) })
    }
    out.push({ title: `Cache-Control changed on every object: ${label}`, rows, objects: w.count })
  }
  // A header changed on every object, the peer uploading every file again to change it.
  // Each run changes a bucket the tool has just uploaded (not measured): moto, without its
  // optional awscrt package, stores a CRC32 as the CRC64NVME of a copy, so a second repair
  // of a copy would find "other content" there where S3 keeps the right checksum.
  if (parts.has('repair')) {
    const runsByTool = new Map(list.map((t) => [t.name, []]))
    for (let run = 1; run <= RUNS; run++) {
      await moto.reset()
      for (const tool of rotate(list, run - 1)) {
        const bucket = `${w.name}-repair-${slug(tool.name)}-${run}`.slice(0, 63)
        await moto.createBucket(bucket)
        check(await measure(tool.upload(bucket, CACHE[0]), { cwd: w.dir }), tool.name + ' upload before the header change')
        const m = await measure(tool.putplan ? tool.header(bucket, CACHE[1]) : tool.reupload(bucket, CACHE[1]), { cwd: w.dir })
        check(m, tool.name + ' header change by repair or re-upload')
        runsByTool.get(tool.name).push(m)
        log(`  repair ${w.name} ${tool.name} #${run}: ${fmtRun(m)}`)
      }
    }
    const rows = list.map((tool) => ({ tool: tool.reuploadName ?? tool.name, how: tool.reuploadLabel, ...medians(runsByTool.get(tool.name)) }))
    out.push({ title: `Cache-Control changed on every object, putplan's repair against a re-upload: ${label}`, rows, objects: w.count })
  }
  return out
}

/** `putplan validate` of a workload: no network, the manifest and the files alone. */
async function validation(w, label) {
  const runs = []
  for (let run = 1; run <= RUNS; run++) {
    const m = await measure(cli(['validate', '-f', join(w.dir, 'state.yaml'), '--var', 'BUCKET=validate-only', '--var', `CACHE=${CACHE[0]}`]), { cwd: w.dir, countRequests: false })
    check(m, 'putplan validate')
    runs.push(m)
    log(`  validate ${w.name} #${run}: ${fmtRun(m)}`)
  }
  return { title: `Validate: ${label}`, rows: [{ tool: 'putplan validate', how: '`putplan validate` (no network)', ...medians(runs) }], noRatio: true, objects: w.count }
}

/** `putplan --version`, 10 runs. */
async function startup() {
  const runs = []
  for (let i = 0; i < 10; i++) runs.push(await measure(cli(['--version']), { countRequests: false }))
  return { title: 'Startup', rows: [{ tool: 'putplan --version', how: 'median of 10 runs', ...medians(runs) }] }
}

/**
 * `putplan plan` of one 1 GiB file (hashing dominates) vs `md5sum` of it; page cache warm.
 * Two buckets: one without the file, one with another tool's copy of it with the headers
 * the manifest asks for (a single PUT without checksum, which only the whole-file MD5 can
 * judge; the plan must find nothing to do). Each run measures md5sum and
 * both plans one after the other, so that all three meet the same load on the machine, and
 * the share of md5sum's throughput is the median of the runs' own ratios.
 */
async function hashing() {
  const dir = join(work, 'big')
  await mkdir(join(dir, 'files'), { recursive: true })
  const file = join(dir, 'files', 'big.bin')
  const chunk = randomBytes(16 * 1024 * 1024)
  const parts = []
  for (let i = 0; i < 64; i++) parts.push(chunk.map((b) => b ^ i))
  await writeFile(file, Buffer.concat(parts))
  parts.length = 0
  const manifest = async (bucket) => {
    const path = join(dir, `${bucket}.yaml`)
    await writeFile(path, ['version: 1', `bucket: ${bucket}`, `region: ${REGION}`, 'uploads:', '  - source: files/big.bin', '    key: big.bin', ''].join('\n'))
    await moto.createBucket(bucket)
    return path
  }
  const plans = [
    { tool: 'putplan plan (1 GiB, not in the bucket)', how: "CRC64NVME only: no copy to compare an MD5 with, and the upload sends its parts' own", manifest: await manifest('big'), args: [], runs: [] },
    {
      tool: 'putplan plan (1 GiB, in the bucket: one PUT without checksum)',
      how: 'MD5 only: the copy is judged by its ETag and left alone (`--detailed-exitcode` must exit 0)',
      manifest: await manifest('big-copy'),
      args: ['--detailed-exitcode'],
      runs: [],
    },
  ]
  // The Content-Type putplan gives a .bin file: any other would make the plan an upload.
  const headers = { 'content-type': 'application/octet-stream' }
  const put = await fetch(`${moto.endpoint}/big-copy/big.bin`, { method: 'PUT', headers, body: await readFile(file) })
  if (!put.ok) throw new Error(`PUT of the 1 GiB file: ${put.status}`)
  await measure({ cmd: 'md5sum', args: [file] }, { countRequests: false })
  const md5 = []
  for (let run = 1; run <= RUNS; run++) {
    md5.push(await measure({ cmd: 'md5sum', args: [file] }, { countRequests: false }))
    const line = [`md5sum ${fmtRun(md5.at(-1))}`]
    for (const plan of plans) {
      const m = await measure(cli(['plan', '-f', plan.manifest, ...plan.args]), { cwd: dir })
      check(m, plan.tool)
      plan.runs.push(m)
      line.push(`${plan.tool} ${fmtRun(m)}`)
    }
    log(`  hash 1 GiB, run ${run}: ${line.join('; ')}`)
  }
  const gib = 1024
  const throughput = (row) => `throughput ${(gib / row.wall).toFixed(0)} MiB/s`
  const rows = plans.map(({ tool, how, runs }) => {
    const row = { tool, how, ...medians(runs) }
    const shares = runs.map((m, i) => md5[i].wall / m.wall)
    const spread = `${pct(Math.min(...shares))}-${pct(Math.max(...shares))}`
    return { ...row, note: `${throughput(row)}; ${pct(median(shares))} of md5sum's (median of the runs' own ratios; ${spread})` }
  })
  const md5Row = { tool: 'md5sum', how: 'MD5 only', ...medians(md5) }
  rows.push({ ...md5Row, note: throughput(md5Row) })
  await rm(dir, { recursive: true, force: true })
  return { title: 'Hashing: one 1 GiB file', rows, noRatio: true }
}

function pct(share) {
  return `${(share * 100).toFixed(0)}%`
}

// ---------------------------------------------------------------- commands

function baseEnv() {
  const none = join(work, 'no-aws-config')
  return { ...envWithoutAws(), NO_COLOR: '1', AWS_CONFIG_FILE: none, AWS_SHARED_CREDENTIALS_FILE: none, AWS_EC2_METADATA_DISABLED: 'true' }
}

function cli(cliArgs) {
  return {
    cmd: process.execPath,
    args: [runJs, ...cliArgs],
    env: { ...baseEnv(), AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: REGION, AWS_ENDPOINT_URL: endpoint },
    show: `putplan ${cliArgs.filter((a) => !a.includes('/') && !a.startsWith('BUCKET') && !a.startsWith('CACHE') && a !== '-f' && a !== '--var').join(' ')}`,
  }
}

function awsCli(awsArgs) {
  return {
    cmd: 'aws',
    args: ['--endpoint-url', endpoint, ...awsArgs],
    env: { ...baseEnv(), AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_DEFAULT_REGION: REGION },
    show: `aws ${awsArgs.map((a) => (a.includes('/') && !a.startsWith('s3://') ? 'DIR' : a.startsWith('s3://') ? 's3://BUCKET/' : a)).join(' ')}`,
  }
}

/** rclone's remote comes from the environment: no config file. */
function rcloneCli(rcloneArgs) {
  return {
    cmd: 'rclone',
    args: rcloneArgs,
    env: {
      ...baseEnv(),
      RCLONE_CONFIG: join(work, 'no-rclone.conf'),
      RCLONE_CONFIG_MOTO_TYPE: 's3',
      RCLONE_CONFIG_MOTO_PROVIDER: 'Other',
      RCLONE_CONFIG_MOTO_ENDPOINT: endpoint,
      RCLONE_CONFIG_MOTO_ACCESS_KEY_ID: ACCESS_KEY,
      RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY: SECRET_KEY,
      RCLONE_CONFIG_MOTO_REGION: REGION,
      RCLONE_CONFIG_MOTO_FORCE_PATH_STYLE: 'true',
    },
    show: `rclone ${rcloneArgs.map((a) => (a.startsWith('moto:') ? 'moto:BUCKET' : a.includes('/') && !a.includes(':') ? 'DIR' : a.includes(' ') ? `"${a}"` : a)).join(' ')}`,
  }
}

function describe(command) {
  return '`' + command.show.replace(/ --only-show-errors/, '') + '`'
}

/**
 * Runs one command under /usr/bin/time. Requests are the lines moto logged between the
 * start and the moment its log went quiet after the command exited.
 */
async function measure(command, { cwd = work, countRequests = true } = {}) {
  const timeFile = join(work, 'time.out')
  const before = moto.requests()
  const cpuBefore = moto.cpuSeconds()
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, command.cmd, ...command.args], { cwd, env: command.env ?? baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout.length < 1e6 ? (stdout += d) : undefined))
  child.stderr.on('data', (d) => (stderr.length < 1e6 ? (stderr += d) : undefined))
  const code = await new Promise((resolve) => child.on('close', resolve))
  let requests = 0
  if (countRequests) requests = (await moto.settle()) - before
  const [wall, user, sys, rss] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1).split(' ').map(Number)
  return { code, stdout, stderr, wall, cpu: user + sys, rssMb: rss / 1024, requests, serverCpu: moto.cpuSeconds() - cpuBefore }
}

function check(m, what) {
  if (m.code !== 0) throw new Error(`${what} exited ${m.code}:\n${m.stdout.slice(-2000)}\n${m.stderr.slice(-4000)}`)
}

// ---------------------------------------------------------------- bare client

/** Unsigned PUTs of every file under a folder with fetch, N in flight. */
async function bareChild([endpoint, bucket, root, concurrency]) {
  const { readdir } = await import('node:fs/promises')
  const files = []
  for (const folder of (await readdir(root)).sort()) for (const f of (await readdir(join(root, folder))).sort()) files.push(`${folder}/${f}`)
  await mapLimit(files, Number(concurrency), async (key) => {
    const body = await readFile(join(root, key))
    const res = await fetch(`${endpoint}/${bucket}/${key}`, { method: 'PUT', body })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`PUT ${key}: ${res.status}`)
  })
}

// ---------------------------------------------------------------- moto

/** bench/delay-proxy.mjs as a child process: its relaying costs no client's CPU time. */
async function startDelayProxy(upstream, delayMs, uplink) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./delay-proxy.mjs', import.meta.url)), upstream, String(delayMs), ...(uplink === undefined ? [] : [String(uplink)])], { stdio: ['ignore', 'pipe', 'inherit'] })
  const endpoint = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()))
    child.once('exit', (code) => reject(new Error(`the delay proxy exited with ${code}`)))
  })
  return { endpoint, stop: () => child.kill() }
}

async function startMoto() {
  const { child, endpoint, stop } = await spawnMoto({ stdio: ['ignore', 'ignore', 'pipe'] })
  let count = 0
  let lastLine = Date.now()
  let partial = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop()
    for (const line of lines) if (/"(GET|PUT|HEAD|POST|DELETE) \//.test(line) && !line.includes('/moto-api/')) count++
    lastLine = Date.now()
  })
  const version = await new Promise((resolve) => {
    const p = spawn('python', ['-c', 'import moto; print(moto.__version__)'], { env: envWithoutAws() })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.on('close', () => resolve(out.trim() || '?'))
  })
  return {
    endpoint,
    version,
    stop,
    requests: () => count,
    /** Waits until moto's log has been quiet for 300 ms (at most 5 s), then returns the count. */
    async settle() {
      const until = Date.now() + 5_000
      while (Date.now() - lastLine < 300 && Date.now() < until) await sleep(50)
      return count
    },
    cpuSeconds() {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
        return (Number(fields[11]) + Number(fields[12])) / 100
      } catch {
        return NaN
      }
    },
    async reset() {
      await (await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })).arrayBuffer()
    },
    async createBucket(name) {
      const res = await fetch(`${endpoint}/${name}`, { method: 'PUT' })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`create bucket ${name}: ${res.status}`)
      await this.settle()
    },
  }
}

// ---------------------------------------------------------------- report

function describeMachine() {
  const version = (cmd, a, re = /.*/) => {
    try {
      const out = spawnText(cmd, a)
      return (re.exec(out) ?? [out.split('\n')[0]])[0].trim()
    } catch {
      return 'not installed'
    }
  }
  return {
    cpu: `${cpus().length} cores (${cpus()[0]?.model ?? '?'})`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    node: process.version,
    moto: moto.version,
    aws: version('aws', ['--version'], /aws-cli\/\S+/),
    rclone: version('rclone', ['version'], /rclone v\S+/),
    loadStart: loadavg()[0].toFixed(1),
  }
}

function spawnText(cmd, a) {
  return execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: baseEnv() })
}

function renderMarkdown(machine, workloads, sections) {
  const lines = []
  lines.push('# putplan benchmark', '')
  lines.push(`Machine: ${machine.cpu}, ${machine.memory} memory; Node ${machine.node}; moto ${machine.moto} (moto_server on loopback); ${machine.aws}; ${machine.rclone}. Load average (1 min) ${machine.loadStart} at the start, ${machine.loadEnd} at the end: other work on the machine inflates wall times, CPU times less so.`, '')
  lines.push(
    `Run: \`${['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ')}\` — ${workloads.join('; ') || 'no workload'}, medians of ${RUNS} run(s) per row. ` +
      (LATENCY_MS > 0 ? `Every client talks to moto through a proxy that holds each answer back ${LATENCY_MS} ms, as a distant S3 would (\`bench/delay-proxy.mjs\`, a process of its own whose CPU time is in neither CPU column). ` : '') +
      (UPLINK !== undefined ? `Every client's request bodies share one link of ${UPLINK} MiB/s through \`bench/delay-proxy.mjs\`, as a runner's uplink to S3 would carry them. ` : '') +
      'Each tool writes into its own fresh bucket (moto is reset before each round of initial uploads, and the order of the uploads turns by one each round, so that no tool always meets the freshly reset server). ' +
      "Wall time, client CPU (user+sys of the command's process tree) and peak RSS come from `/usr/bin/time -f '%e %U %S %M'`; " +
      "requests are counted from moto's request log; server CPU is moto's user+sys over the run. " +
      'moto runs with authentication off (in its IAM auth mode it rejects `/` in ListObjectsV2 prefixes, which `aws s3 sync` and putplan both send); every client still signs. ' +
      `Each tool runs with its defaults: putplan --concurrency ${CONCURRENCY}, aws s3 (CLI v1) 10 concurrent requests, rclone 4 transfers and 8 checkers. ` +
      'Every upload sets Cache-Control (putplan from the manifest, `--cache-control` for aws, `--header-upload` for rclone). ' +
      'Ratios are putplan (state record) / the row, and putplan (no state) / the row in parentheses; below 1 means putplan is faster.',
    '',
  )
  for (const section of sections) {
    lines.push(`## ${section.title}`, '')
    const ref = section.rows.find((r) => r.tool === 'putplan (state record)')
    const ref2 = section.rows.find((r) => r.tool === 'putplan (no state)')
    const ratio = !section.noRatio && ref
    // Client CPU per object of the workload, in milliseconds.
    const perObject = section.objects !== undefined
    lines.push(`| tool | how | wall s | client CPU s |${perObject ? ' CPU ms/object |' : ''} peak RSS MB | requests | server CPU s |${ratio ? ' wall ratio | CPU ratio |' : ''}`)
    lines.push(`|---|---|---:|---:|${perObject ? '---:|' : ''}---:|---:|---:|${ratio ? '---:|---:|' : ''}`)
    for (const r of section.rows) {
      if (r.skipped) {
        lines.push(`| ${r.tool} | ${r.how} | - | - |${perObject ? ' - |' : ''} - | - | - |${ratio ? ' - | - |' : ''}`)
        continue
      }
      const cells = [r.tool, r.how, r.wall.toFixed(2), r.cpu.toFixed(2), ...(perObject ? [((r.cpu / section.objects) * 1000).toFixed(3)] : []), r.rssMb.toFixed(0), String(r.requests), Number.isNaN(r.serverCpu) ? '?' : r.serverCpu.toFixed(2)]
      if (ratio) {
        const fmt = (a, b) => (b > 0 ? (a / b).toFixed(2) : '-')
        const pair = (field) => (r.tool.startsWith('putplan') ? '' : `${fmt(ref[field], r[field])}${ref2 ? ` (${fmt(ref2[field], r[field])})` : ''}`)
        cells.push(pair('wall'), pair('cpu'))
      }
      lines.push(`| ${cells.join(' | ')} |`)
    }
    for (const r of section.rows) if (r.note) lines.push('', `${r.tool}: ${r.note}.`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

function medians(runs) {
  const med = (f) => median(runs.map(f))
  return { wall: med((r) => r.wall), cpu: med((r) => r.cpu), rssMb: med((r) => r.rssMb), requests: med((r) => r.requests), serverCpu: med((r) => r.serverCpu) }
}

// ---------------------------------------------------------------- helpers

function fmtRun(m) {
  return `${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, ${m.rssMb.toFixed(0)} MB, ${m.requests} requests, server ${m.serverCpu.toFixed(2)} s`
}

/** `list` starting at its `by`-th element, wrapping round. */
function rotate(list, by) {
  const start = by % list.length
  return [...list.slice(start), ...list.slice(0, start)]
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}




function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`
}

function log(message) {
  process.stderr.write(`${message}\n`)
}

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '')
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[name] = argv[++i]
    else out[name] = true
  }
  return out
}
