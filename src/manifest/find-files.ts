import { statSync, type Stats } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import fg from 'fast-glob'
import { fileKind } from '../util/open-regular-file.js'

const REPLACEMENT_CHARACTER = '\uFFFD'

export interface FoundFile {
  /** Relative to the manifest's folder, `/`-separated. */
  path: string
  size: number
}

export interface FileProblem {
  code: 'file-missing' | 'not-a-file' | 'symlink-loop' | 'file-unreadable' | 'file-name-not-utf8' | 'special-file'
  path: string
  /** For a special file: what it is ("a FIFO (named pipe)"). */
  kind?: string
}

export interface FindResult {
  files: FoundFile[]
  problems: FileProblem[]
}

/**
 * The files a source pattern names, relative to `dir`. A literal path must be a regular
 * file; a glob follows symbolic links (users link shared assets into `dist/`) but a link
 * back to one of its own ancestors is reported as a loop instead of being walked forty
 * times deep, which is what the underlying walker would otherwise do.
 */
export async function findFiles(dir: string, pattern: string, exclude: readonly string[]): Promise<FindResult> {
  return fg.isDynamicPattern(pattern) ? findGlob(dir, pattern, exclude) : findLiteral(dir, pattern)
}

async function findLiteral(dir: string, literal: string): Promise<FindResult> {
  const relative = toPosix(path.normalize(literal))
  try {
    const stats = await stat(path.resolve(dir, literal))
    if (!stats.isFile()) return { files: [], problems: [notRegular(relative, stats)] }
    return { files: [{ path: relative, size: stats.size }], problems: [] }
  } catch (error) {
    return { files: [], problems: [{ code: problemCode(error), path: relative }] }
  }
}

async function findGlob(dir: string, pattern: string, exclude: readonly string[]): Promise<FindResult> {
  const entries = await fg(pattern, {
    cwd: dir,
    ignore: [...exclude],
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: true,
    objectMode: true,
    suppressErrors: false,
    unique: true,
  })
  // Stat here, not with fast-glob's `stats`: that drops a whole folder, silently, when one
  // name in it cannot be stat'ed, which is what a name that is not UTF-8 does (the walker
  // decodes it with U+FFFD, a path that does not exist). Synchronously: a local stat takes
  // a few microseconds, the promise around an asynchronous one about twenty, and nothing
  // else is under way while the manifest loads. One entry at a time, so that ten thousand
  // stats are never held at once.
  const files: FoundFile[] = []
  const problems: FileProblem[] = []
  for (const entry of entries) {
    let stats: Stats
    try {
      stats = statSync(path.resolve(dir, entry.path))
    } catch (error) {
      const notUtf8 = entry.path.includes(REPLACEMENT_CHARACTER) && (error as NodeJS.ErrnoException).code === 'ENOENT'
      problems.push(notUtf8 ? { code: 'file-name-not-utf8', path: entry.path } : await brokenLink(dir, entry.path))
      continue
    }
    if (stats.isFile()) files.push({ path: entry.path, size: stats.size })
    else if (!stats.isDirectory()) problems.push(notRegular(entry.path, stats))
    else if (entry.dirent.isSymbolicLink()) problems.push(await brokenLink(dir, entry.path))
  }
  const loops = await symlinkLoops(dir, files)
  if (loops.length === 0) return { files, problems }
  // Everything found beneath a loop is the same tree again, down to where the OS gave up.
  const inLoop = (entry: { path: string }) => loops.some((loop) => entry.path.startsWith(`${loop}/`))
  return {
    files: files.filter((file) => !inLoop(file)),
    problems: [...problems.filter((problem) => !inLoop(problem)), ...loops.map((loop): FileProblem => ({ code: 'symlink-loop', path: loop }))],
  }
}

/**
 * A FIFO, socket or device is an error, never skipped in silence nor read: opening a FIFO
 * would wait for a writer for ever. A directory named as a file is the usual slip.
 */
function notRegular(relative: string, stats: Stats): FileProblem {
  return stats.isDirectory() ? { code: 'not-a-file', path: relative } : { code: 'special-file', path: relative, kind: fileKind(stats) }
}

/** A link the walker could not follow: it points nowhere, or at itself. */
async function brokenLink(dir: string, relative: string): Promise<FileProblem> {
  try {
    await stat(path.resolve(dir, relative))
    return { code: 'not-a-file', path: relative }
  } catch (error) {
    return { code: problemCode(error), path: relative }
  }
}

/**
 * Directories (shallowest first) that resolve to themselves or to one of their own
 * ancestors: walking into them repeats the tree above.
 */
async function symlinkLoops(dir: string, files: readonly FoundFile[]): Promise<string[]> {
  const directories = new Set<string>()
  for (const file of files) {
    for (let d = path.posix.dirname(file.path); d !== '.' && !directories.has(d); d = path.posix.dirname(d)) directories.add(d)
  }
  const real = new Map<string, string>([['.', await realpath(dir)]])
  const resolve = async (d: string) => {
    let r = real.get(d)
    if (r === undefined) real.set(d, (r = await realpath(path.resolve(dir, d))))
    return r
  }
  const loops: string[] = []
  const sorted = [...directories].sort((a, b) => a.split('/').length - b.split('/').length)
  for (const d of sorted) {
    if (loops.some((loop) => d.startsWith(`${loop}/`))) continue
    const self = await resolve(d)
    const parent = await resolve(path.posix.dirname(d))
    if (self === parent || parent.startsWith(`${self}${path.sep}`)) loops.push(d)
  }
  return loops
}

function problemCode(error: unknown): FileProblem['code'] {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return 'symlink-loop'
  if (code === 'EACCES' || code === 'EPERM') return 'file-unreadable'
  return 'file-missing'
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/')
}
