import type { StateRecord } from './state-record.js'

/**
 * Gives records that hold equal values one copy of them, in place: the headers (with their
 * metadata), LastModified and the checksum type. JSON.parse makes a string and an object of
 * every value it reads, and records of one upload repeat the same Content-Type,
 * Cache-Control and second of writing in each of them: at 100,000 records, 100,000 copies
 * of each, held for the whole plan. Nothing changes a record's values in place (a newer
 * record replaces an old one whole), so sharing them is safe.
 */
export function shareRecordValues(objects: Record<string, StateRecord>): void {
  const strings = new Map<string, string>()
  const headers = new Map<string, StateRecord['headers']>()
  const shared = (value: string): string => {
    const known = strings.get(value)
    if (known !== undefined) return known
    strings.set(value, value)
    return value
  }
  for (const key in objects) {
    const record = objects[key]
    if (typeof record !== 'object' || record === null) continue
    if (typeof record.lastModified === 'string') record.lastModified = shared(record.lastModified)
    if (typeof record.checksumType === 'string') record.checksumType = shared(record.checksumType) as StateRecord['checksumType']
    if (typeof record.headers === 'object' && record.headers !== null) {
      const text = JSON.stringify(record.headers)
      const same = headers.get(text)
      if (same !== undefined) record.headers = same
      else headers.set(text, record.headers)
    }
  }
}
