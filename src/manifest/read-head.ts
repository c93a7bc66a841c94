import { openRegular, type FileIdentity } from '../util/open-regular-file.js'

/**
 * A file's first `bytes` bytes (fewer when it is shorter), opened as the regular file the
 * manifest's check found (`identity`); undefined when it cannot be read (plan reports that itself).
 */
export async function readHead(file: string, bytes: number, identity?: FileIdentity): Promise<Buffer | undefined> {
  try {
    const handle = await openRegular(file, identity)
    try {
      const buffer = Buffer.alloc(bytes)
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch {
    return undefined
  }
}
