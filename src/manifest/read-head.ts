import { open } from 'node:fs/promises'

/** A file's first `bytes` bytes (fewer when it is shorter); undefined when it cannot be read (plan reports that itself). */
export async function readHead(file: string, bytes: number): Promise<Buffer | undefined> {
  try {
    const handle = await open(file, 'r')
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
