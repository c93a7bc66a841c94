import { writeFile } from 'node:fs/promises'
import { PutplanError } from '../errors/index.js'
import { starterManifest } from '../manifest/starter-manifest.js'

/** Writes a starter manifest; never replaces an existing file. */
export async function initManifest(file: string, bucket: string): Promise<void> {
  try {
    await writeFile(file, starterManifest(bucket), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    throw new PutplanError('init-exists', `${file} already exists; putplan init never overwrites a manifest (choose another path with -f)`)
  }
}
