import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'

/** Which file a path named when it was checked: an opened descriptor must be that very file. */
export interface FileIdentity {
  dev: number
  ino: number
}

/**
 * Opening a FIFO for reading blocks until a writer comes, which may be never; with
 * O_NONBLOCK the open returns at once (a regular file ignores the flag), and the fstat
 * that follows refuses what is not a regular file.
 */
const READ_NONBLOCK = constants.O_RDONLY | constants.O_NONBLOCK

/** A path that is a FIFO, socket, device or directory: never read, so never waited on. */
export class NotRegularFileError extends Error {
  readonly code = 'not-regular-file'
  constructor(
    readonly path: string,
    /** "a FIFO (named pipe)", "a socket", ... */
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a regular file`)
    this.name = 'NotRegularFileError'
  }
}

/** The descriptor opened is not the file the path named when it was checked: a link or file was swapped since. */
export class FileSwappedError extends Error {
  readonly code = 'file-swapped'
  constructor(readonly path: string) {
    super(`${path} is no longer the file that was checked: it was replaced (or a link on its way now leads elsewhere) since`)
    this.name = 'FileSwappedError'
  }
}

/** What a non-regular file is, in words. */
export function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isDirectory()) return 'a directory'
  return stats.isFile() ? 'a regular file' : 'not a regular file'
}

/**
 * Opens `path` for reading, never blocking: stat first (a FIFO is refused before any open),
 * open with O_NONBLOCK, then fstat the descriptor (the path may have changed in between).
 * With `expected`, the descriptor must be that file (same device and inode).
 */
export function openRegularSync(path: string, expected?: FileIdentity): number {
  refuseSpecial(path, statSync(path))
  const fd = openSync(path, READ_NONBLOCK)
  try {
    check(path, fstatSync(fd), expected)
    return fd
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

/** openRegularSync, asynchronously. */
export async function openRegular(path: string, expected?: FileIdentity): Promise<FileHandle> {
  refuseSpecial(path, await stat(path))
  const handle = await open(path, READ_NONBLOCK)
  try {
    check(path, await handle.stat(), expected)
    return handle
  } catch (error) {
    await handle.close()
    throw error
  }
}

/** A regular file's whole text; a FIFO or device is refused at once. */
export async function readRegularFile(path: string): Promise<string> {
  const handle = await openRegular(path)
  try {
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

function check(path: string, stats: Stats, expected: FileIdentity | undefined): void {
  refuseSpecial(path, stats)
  if (expected !== undefined && (stats.dev !== expected.dev || stats.ino !== expected.ino)) throw new FileSwappedError(path)
}

function refuseSpecial(path: string, stats: Stats): void {
  if (!stats.isFile()) throw new NotRegularFileError(path, fileKind(stats))
}
