import path from 'node:path'
import type { Diagnostic } from '../errors/index.js'
import { describeBoundary, pathEscape, type Boundary } from './boundary.js'
import type { DesiredObject } from './desired-object.js'
import { findFiles, type FileProblem } from './find-files.js'
import type { RawEntry, RawManifest, SkippedLink } from './manifest.js'
import { keyProblem, MAX_KEY_BYTES, objectKey } from './object-key.js'
import { compileRules, optionResolver, type CompiledRule } from './resolve-options.js'
import { nodeAt, nodeRange, type JsonPath, type YamlSource } from './yaml-source.js'

/** Where an entry may read: the boundary, the manifest's folder (real), and what to do with links that leave. */
export interface Confinement {
  boundary: Boundary
  realDir: string
  /** `symlinks: skip`: a link leading out is left out (and listed) rather than an error. */
  skipLinks: boolean
}

/**
 * Turns entries into the objects they want: globs expanded, keys mapped and checked, each
 * key claimed once, every file inside the boundary. Every problem of every entry is
 * reported, not only the first.
 */
export async function expandEntries(
  source: YamlSource,
  manifest: RawManifest,
  dir: string,
  confinement: Confinement,
): Promise<{ objects: DesiredObject[]; diagnostics: Diagnostic[]; skipped: SkippedLink[] }> {
  const diagnostics: Diagnostic[] = []
  const skipped = new Map<string, SkippedLink>()
  const byKey = new Map<string, DesiredObject>()
  const rules = compileRules(manifest.rules)
  const expanded = await Promise.all(manifest.uploads.map((entry, index) => expandEntry(source, dir, confinement, manifest, rules, entry, index)))
  for (const result of expanded) {
    diagnostics.push(...result.diagnostics)
    for (const link of result.skipped) skipped.set(link.path, link)
    for (const object of result.objects) {
      const claimed = byKey.get(object.key)
      // Two patterns of one entry naming the same file is one object, not a conflict.
      if (claimed && claimed.entry.index === object.entry.index && claimed.source === object.source) continue
      if (claimed) diagnostics.push(duplicateKey(source, claimed, object))
      else byKey.set(object.key, object)
    }
  }
  const objects = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { objects, diagnostics, skipped: [...skipped.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) }
}

async function expandEntry(source: YamlSource, dir: string, confinement: Confinement, manifest: RawManifest, rules: readonly CompiledRule[], entry: RawEntry, index: number) {
  const objects: DesiredObject[] = []
  const diagnostics: Diagnostic[] = []
  const skipped: SkippedLink[] = []
  const resolve = optionResolver(manifest, entry, rules)
  const entryNode = nodeAt(source, ['uploads', index])
  const entryPos = nodeRange(source, entryNode)
  const ref = { index, line: entryPos.line, col: entryPos.col }
  const exclude = toList(entry.exclude)
  const patterns = toList(entry.source)
  const at = (field: JsonPath) => ({ file: source.file, range: nodeRange(source, nodeAt(source, ['uploads', index, ...field])) })
  const { boundary, realDir } = confinement
  const rootEscape = entry.root === undefined ? undefined : pathEscape(boundary, realDir, entry.root)
  if (rootEscape) diagnostics.push({ ...escapeDiagnostic('root', entry.root!, rootEscape, boundary), ...at(['root']) })
  for (const [i, pattern] of patterns.entries()) {
    const patternAt = at(Array.isArray(entry.source) ? ['source', i] : ['source'])
    const escape = pathEscape(boundary, realDir, pattern)
    if (escape) {
      diagnostics.push({ ...escapeDiagnostic('source', pattern, escape, boundary), ...patternAt })
      continue
    }
    const found = await findFiles(dir, pattern, exclude, boundary)
    for (const problem of found.problems) {
      if (problem.code === 'symlink-outside' && confinement.skipLinks) skipped.push({ path: problem.path, target: problem.target ?? '' })
      else diagnostics.push({ ...fileProblem(problem, boundary), ...patternAt })
    }
    if (found.files.length === 0 && found.problems.length === 0 && !entry.allowEmpty) {
      diagnostics.push({
        code: 'glob-empty',
        summary: `"${pattern}" matches no file`,
        detail: 'expected at least one file (after "exclude"); add allowEmpty: true if an empty match is fine',
        ...patternAt,
      })
    }
    for (const file of found.files) {
      const mapped = entry.key !== undefined ? { key: entry.key } : objectKey(file.path, entry)
      if ('problem' in mapped) {
        diagnostics.push({
          code: 'source-outside-root',
          summary: `"${file.path}" is not inside root "${entry.root ?? '.'}"`,
          detail: 'expected every matched file under "root" (keys are paths relative to it)',
          ...at(entry.root !== undefined ? ['root'] : ['source']),
        })
        continue
      }
      const problem = keyProblem(mapped.key)
      if (problem) {
        diagnostics.push({ ...keyDiagnostic(problem, mapped.key), key: mapped.key, ...at(entry.key !== undefined ? ['key'] : ['source']) })
        continue
      }
      const { options, origins, phase, compress } = resolve(file.path, mapped.key)
      objects.push({
        key: mapped.key,
        source: file.path,
        sourcePath: path.resolve(dir, file.path),
        size: file.size,
        identity: file.identity,
        options,
        entry: ref,
        ...(origins && { origins }),
        ...(phase && { phase }),
        ...(compress && { compress }),
      })
    }
  }
  return { objects, diagnostics, skipped }
}

/** A source or root that names a place outside the boundary, from its text alone. */
function escapeDiagnostic(field: 'source' | 'root', written: string, escape: NonNullable<ReturnType<typeof pathEscape>>, boundary: Boundary): Pick<Diagnostic, 'code' | 'summary' | 'detail'> {
  const summary = {
    absolute: `${field} "${written}" is an absolute path`,
    parent: `${field} "${written}" leads outside ${describeBoundary(boundary)}`,
    'parent-after-wildcard': `${field} "${written}" has ".." after a wildcard`,
  }[escape]
  return {
    code: 'outside-boundary',
    summary,
    detail: `expected a path relative to the manifest's folder, inside ${describeBoundary(boundary)}; name a folder that is meant to be shared with --allow-outside DIR or allowOutside: [DIR]`,
  }
}

function fileProblem(problem: FileProblem, boundary: Boundary): Pick<Diagnostic, 'code' | 'summary' | 'detail'> {
  switch (problem.code) {
    case 'symlink-outside':
      return {
        code: problem.code,
        summary: `"${problem.path}" is a symbolic link to "${problem.target}", outside ${describeBoundary(boundary)}`,
        detail: 'expected links that stay inside it (nothing outside is read); symlinks: skip leaves such links out and lists them in the plan, --allow-outside DIR allows a folder',
      }
    case 'file-missing':
      return { code: problem.code, summary: `file "${problem.path}" does not exist`, detail: 'expected a path relative to the manifest\'s folder' }
    case 'not-a-file':
      return { code: problem.code, summary: `"${problem.path}" is not a regular file`, detail: `expected a file; to upload a folder's files use "${problem.path}/**"` }
    case 'special-file':
      return {
        code: problem.code,
        summary: `"${problem.path}" is ${problem.kind ?? 'a special file'}, not a regular file`,
        detail: 'expected regular files only: putplan never reads FIFOs, sockets or devices (one could make it wait for ever); leave it out with "exclude"',
      }
    case 'symlink-loop':
      return { code: problem.code, summary: `"${problem.path}" is a symbolic link loop`, detail: 'expected links that do not lead back to their own folder; exclude it or fix the link' }
    case 'file-unreadable':
      return { code: problem.code, summary: `file "${problem.path}" cannot be read`, detail: 'expected a file this user may read' }
    case 'file-name-not-utf8':
      return {
        code: problem.code,
        summary: `the name of "${problem.path}" is not valid UTF-8 (shown with \uFFFD where its bytes are not)`,
        detail: 'expected UTF-8 file names, as S3 keys are UTF-8: rename the file, or leave it out with "exclude"',
      }
  }
}

function keyDiagnostic(problem: 'key-too-long' | 'key-invalid', key: string): Pick<Diagnostic, 'code' | 'summary' | 'detail'> {
  if (problem === 'key-too-long') {
    return { code: problem, summary: `key ${JSON.stringify(shortened(key))} is ${Buffer.byteLength(key)} bytes long`, detail: `expected at most ${MAX_KEY_BYTES} UTF-8 bytes (S3's limit)` }
  }
  return { code: problem, summary: `key ${JSON.stringify(key)} is not usable`, detail: 'expected a non-empty key without a leading "/", "." or ".." segments, or control characters' }
}

/** A key too long to print whole: its start and its end, which tell keys apart. */
function shortened(key: string): string {
  const chars = [...key]
  return chars.length <= 80 ? key : `${chars.slice(0, 40).join('')}...${chars.slice(-30).join('')}`
}

function duplicateKey(source: YamlSource, first: DesiredObject, second: DesiredObject): Diagnostic {
  const firstAt = nodeRange(source, nodeAt(source, ['uploads', first.entry.index]))
  return {
    code: 'duplicate-key',
    summary: `key "${second.key}" is claimed by uploads[${first.entry.index}] (line ${first.entry.line}) and uploads[${second.entry.index}] (line ${second.entry.line})`,
    detail: 'expected each key to come from one entry: exclude the file from one of them',
    key: second.key,
    file: source.file,
    range: nodeRange(source, nodeAt(source, ['uploads', second.entry.index])),
    related: [{ message: `first claimed by uploads[${first.entry.index}] here`, file: source.file, range: firstAt }],
  }
}

function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}
