#!/usr/bin/env node
// Writes COUNT tiny files in nested folders under DIR, and DIR/uploads.yaml with one glob
// entry naming them all: a manifest for measuring how validate scales.
// Usage: node scripts/make-large-tree.mjs DIR COUNT
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

const [dir, countArg] = process.argv.slice(2)
const count = Number(countArg)
if (!dir || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: make-large-tree.mjs DIR COUNT\n')
  process.exit(2)
}

const PER_FOLDER = 100
const FOLDERS_PER_PARENT = 100

/** site/f<a>/f<b>/file-<n>.txt: at most 100 files per folder, 100 folders per parent. */
function fileName(n) {
  const folder = Math.floor(n / PER_FOLDER)
  const parent = Math.floor(folder / FOLDERS_PER_PARENT)
  return path.join('site', `d${parent}`, `d${folder % FOLDERS_PER_PARENT}`, `file-${n}.txt`)
}

const folders = new Set()
for (let n = 0; n < count; n += PER_FOLDER) folders.add(path.dirname(fileName(n)))
for (const folder of folders) await mkdir(path.join(dir, folder), { recursive: true })

const BATCH = 256
for (let start = 0; start < count; start += BATCH) {
  const writes = []
  for (let n = start; n < Math.min(count, start + BATCH); n++) writes.push(writeFile(path.join(dir, fileName(n)), `file ${n}\n`))
  await Promise.all(writes)
}

await writeFile(
  path.join(dir, 'uploads.yaml'),
  ['version: 1', 'bucket: example-large-tree', 'uploads:', '  - source: "site/**"', '    root: site', '    prefix: large/', '    cacheControl: no-cache', ''].join('\n'),
)
process.stdout.write(`${count} files in ${folders.size} folders under ${dir}\n`)
