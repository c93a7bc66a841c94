import type { DesiredObject } from './desired-object.js'

/** The longest prefix all `keys` share, what one LIST of them asks for ('' for none). */
export function commonPrefix(keys: readonly string[]): string {
  let prefix = keys[0] ?? ''
  for (const key of keys) {
    let i = 0
    while (i < prefix.length && i < key.length && prefix.charCodeAt(i) === key.charCodeAt(i)) i++
    prefix = prefix.slice(0, i)
    if (prefix === '') break
  }
  // Never cut a UTF-16 surrogate pair in half: the prefix is sent as UTF-8.
  const last = prefix.charCodeAt(prefix.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix
}

/**
 * The folders the manifest writes into, where prune looks for objects it does not own: for
 * each entry, the common prefix of the keys it declares cut back to just after its last `/`
 * (`''`, the whole bucket, when its keys share no folder). A folder inside another one is
 * left out: listing the outer one covers it. Sorted.
 */
export function manifestFolders(objects: readonly DesiredObject[]): string[] {
  const byEntry = new Map<number, string[]>()
  for (const object of objects) {
    const keys = byEntry.get(object.entry.index)
    if (keys) keys.push(object.key)
    else byEntry.set(object.entry.index, [object.key])
  }
  const folders = [...new Set([...byEntry.values()].map((keys) => folderOf(commonPrefix(keys))))].sort()
  return folders.filter((folder) => !folders.some((outer) => outer !== folder && folder.startsWith(outer)))
}

/** The text up to its last `/`, inclusive; `''` when it has none. */
export function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1)
}
