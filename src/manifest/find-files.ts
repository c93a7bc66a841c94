import fs, { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import fg from 'fast-glob'
import { fileKind, type FileIdentity } from '../util/open-regular-file.js'
import { contains, type Boundary } from './boundary.js'

const REPLACEMENT_CHARACTER = '\uFFFD'

export interface FoundFile {
  /** Relative to the manifest's folder, `/`-separated. */
  path: string
  size: number
  /** The file its real path named when that was checked to lie inside the boundary. */
  identity: FileIdentity
}

export interface FileProblem {
  code: 'file-missing' | 'not-a-file' | 'symlink-loop' | 'file-unreadable' | 'file-name-not-utf8' | 'special-file' | 'symlink-outside'
  path: string
  /** For a special file: what it is ("a FIFO (named pipe)"). */
  kind?: string
  /** For a link leading outside the boundary: what the link says (as written in it). */
  target?: string
}

export interface FindResult {
  files: FoundFile[]
  problems: FileProblem[]
}

/**
 * The files a source pattern names, relative to `dir`. A literal path must be a regular
 * file; a glob follows symbolic links (users link shared assets into `dist/`) but a link
 * back to one of its own ancestors is reported as a loop instead of being walked forty
 * times deep, which is what the underlying walker would otherwise do. Every file's real
 * path must lie inside `boundary`, and the walker never lists a folder outside it: a link
 * that leads out is a problem naming the link and its target.
 */
export async function findFiles(dir: string, pattern: string, exclude: readonly string[], boundary: Boundary): Promise<FindResult> {
  return fg.isDynamicPattern(pattern) ? findGlob(dir, pattern, exclude, boundary) : findLiteral(dir, pattern, boundary)
}

async function findLiteral(dir: string, literal: string, boundary: Boundary): Promise<FindResult> {
  const relative = toPosix(path.normalize(literal))
  try {
    const found = confinedStat(dir, relative, boundary)
    if ('code' in found) return { files: [], problems: [found] }
    if (!found.stats.isFile()) return { files: [], problems: [notRegular(relative, found.stats)] }
    return { files: [{ path: relative, size: found.stats.size, identity: identityOf(found.stats) }], problems: [] }
  } catch (error) {
    return { files: [], problems: [{ code: problemCode(error), path: relative }] }
  }
}

/**
 * The stats of the file a path leads to, through its real path checked to lie inside the
 * boundary (so the identity recorded is that of a file inside), or the link that leads out.
 * Throws what realpath or stat throw.
 */
function confinedStat(dir: string, relative: string, boundary: Boundary): { stats: Stats } | FileProblem {
  const real = realpathSync.native(path.resolve(dir, relative))
  if (!contains(boundary, real)) return escapingLink(dir, relative, boundary, real)
  return { stats: statSync(real) }
}

/** The first component of `relative` that is a link leading outside the boundary, and what it says. */
function escapingLink(dir: string, relative: string, boundary: Boundary, real: string): FileProblem {
  const segments = relative.split('/')
  for (let i = 1; i <= segments.length; i++) {
    const at = path.resolve(dir, ...segments.slice(0, i))
    try {
      if (lstatSync(at).isSymbolicLink() && !contains(boundary, realpathSync.native(at))) {
        return { code: 'symlink-outside', path: segments.slice(0, i).join('/'), target: readlinkSync(at) }
      }
    } catch {
      break
    }
  }
  return { code: 'symlink-outside', path: relative, target: real }
}

/**
 * fast-glob's file system with a `readdir` that lists no folder whose real path lies
 * outside the boundary (a link to `/`, or to a home folder, would otherwise be walked
 * whole): such a folder reads as empty, and the link is recorded in `outside`.
 */
function confinedFs(dir: string, boundary: Boundary, outside: Map<string, FileProblem>): Partial<typeof fs> {
  const readdir = ((folder: string, ...rest: unknown[]) => {
    const callback = rest[rest.length - 1] as (error: Error | null, entries: unknown[]) => void
    let real: string
    try {
      real = realpathSync.native(folder)
    } catch {
      return (fs.readdir as (...args: unknown[]) => void)(folder, ...rest)
    }
    if (contains(boundary, real)) return (fs.readdir as (...args: unknown[]) => void)(folder, ...rest)
    const relative = toPosix(path.relative(dir, folder))
    const problem = escapingLink(dir, relative, boundary, real)
    outside.set(problem.path, problem)
    process.nextTick(() => callback(null, []))
  }) as typeof fs.readdir
  return { readdir }
}

async function findGlob(dir: string, pattern: string, exclude: readonly string[], boundary: Boundary): Promise<FindResult> {
  const outside = new Map<string, FileProblem>()
  const entries = await fg(pattern, {
    fs: confinedFs(dir, boundary, outside),
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
      const found = confinedStat(dir, entry.path, boundary)
      if ('code' in found) {
        outside.set(found.path, found)
        continue
      }
      stats = found.stats
    } catch (error) {
      const notUtf8 = entry.path.includes(REPLACEMENT_CHARACTER) && (error as NodeJS.ErrnoException).code === 'ENOENT'
      problems.push(notUtf8 ? { code: 'file-name-not-utf8', path: entry.path } : await brokenLink(dir, entry.path))
      continue
    }
    if (stats.isFile()) files.push({ path: entry.path, size: stats.size, identity: identityOf(stats) })
    else if (!stats.isDirectory()) problems.push(notRegular(entry.path, stats))
    else if (entry.dirent.isSymbolicLink()) problems.push(await brokenLink(dir, entry.path))
  }
  problems.push(...[...outside.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
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
    // `..` leads up by its nature (a source such as ../shared/** in a work tree), not by a link.
    if (path.posix.basename(d) === '..' || loops.some((loop) => d.startsWith(`${loop}/`))) continue
    const self = await resolve(d)
    const parent = await resolve(path.posix.dirname(d))
    if (self === parent || parent.startsWith(`${self}${path.sep}`)) loops.push(d)
  }
  return loops
}

function identityOf(stats: Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino }
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
