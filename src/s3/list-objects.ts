import { requestOptionHeaders } from './object-headers.js'
import type { ListedObject, ListWhere, RequestOptions } from './object-store.js'
import { unquote } from './remote-object-headers.js'
import type { RequestExecutor } from './request-executor.js'
import { child, children, parseXml, text } from './xml.js'

/**
 * ListObjectsV2, one page per iteration. Keys are asked URL-encoded (`encoding-type=url`)
 * so that any key survives XML, and decoded here.
 */
export async function* listObjectsV2(executor: RequestExecutor, where: ListWhere = {}, options: RequestOptions = {}): AsyncGenerator<ListedObject[]> {
  const { prefix, startAfter } = where
  let token: string | undefined
  for (;;) {
    const query: Record<string, string> = { 'list-type': '2', 'encoding-type': 'url' }
    if (prefix !== undefined && prefix !== '') query.prefix = prefix
    // The continuation token carries the position on: start-after would be ignored.
    if (token !== undefined) query['continuation-token'] = token
    else if (startAfter !== undefined) query['start-after'] = startAfter
    const response = await executor.send({ operation: 'ListObjectsV2', method: 'GET', query, headers: requestOptionHeaders(options) })
    const page = parseListPage(response.body.toString('utf8'))
    yield page.objects
    if (page.nextToken === undefined) return
    token = page.nextToken
  }
}

export function parseListPage(xml: string): { objects: ListedObject[]; nextToken?: string } {
  const result = child(parseXml(xml, { operation: 'ListObjectsV2' }), 'ListBucketResult')
  const encoded = text(result, 'EncodingType') === 'url'
  const objects: ListedObject[] = []
  for (const item of children(result, 'Contents')) {
    const key = text(item, 'Key')
    if (key === undefined) continue
    const modified = Date.parse(text(item, 'LastModified') ?? '')
    const lastModified = Number.isNaN(modified) ? undefined : new Date(modified).toISOString()
    objects.push({
      key: encoded ? decodeListedKey(key) : key,
      etag: unquote(text(item, 'ETag') ?? ''),
      size: Number(text(item, 'Size') ?? '0'),
      ...(lastModified === undefined ? {} : { lastModified }),
      storageClass: text(item, 'StorageClass') || 'STANDARD',
    })
  }
  const truncated = text(result, 'IsTruncated') === 'true'
  const nextToken = text(result, 'NextContinuationToken')
  return truncated && nextToken !== undefined && nextToken !== '' ? { objects, nextToken } : { objects }
}

/** Keys in `encoding-type=url` listings: S3 writes a space as `+`, a `+` as `%2B`. */
export function decodeListedKey(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return value
  }
}
