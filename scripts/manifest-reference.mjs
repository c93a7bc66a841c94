#!/usr/bin/env node
/**
 * Prints the manifest reference rendered from schema/uploads.schema.json, or with
 * --write puts it between the manifest-reference markers of README.md.
 *
 *   node scripts/manifest-reference.mjs [--write]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { renderManifestReference, replaceBlock } from './manifest-reference-lib.mjs'

const schemaUrl = new URL('../schema/uploads.schema.json', import.meta.url)
const readmeUrl = new URL('../README.md', import.meta.url)

const markdown = renderManifestReference(JSON.parse(readFileSync(schemaUrl, 'utf8')))

if (process.argv.includes('--write')) {
  const readme = readFileSync(readmeUrl, 'utf8')
  const updated = replaceBlock(readme, markdown)
  if (updated !== readme) writeFileSync(readmeUrl, updated)
  process.stderr.write(updated === readme ? 'README.md already up to date\n' : 'README.md updated\n')
} else {
  process.stdout.write(markdown)
}
