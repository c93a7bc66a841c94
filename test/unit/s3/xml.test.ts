import v8 from 'node:v8'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { UnexpectedAnswerError } from '../../../src/s3/s3-errors.js'
import { child, children, parseXml, text } from '../../../src/s3/xml.js'

describe('parseXml', () => {
  it('reads a LIST page: Contents always a list, values always strings, entities decoded', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated>' +
        '<Contents><Key>a&amp;b &lt;c&gt; &#x1F600; &#233;</Key><ETag>&quot;007&quot;</ETag><Size>007</Size></Contents></ListBucketResult>',
    )
    const page = child(doc, 'ListBucketResult')
    expect(text(page, 'IsTruncated')).toBe('false')
    const [only] = children(page, 'Contents')
    expect(children(page, 'Contents')).toHaveLength(1)
    expect(text(only, 'Key')).toBe('a&b <c> 😀 é')
    expect(text(only, 'ETag')).toBe('"007"')
    expect(text(only, 'Size')).toBe('007')
  })

  it('keeps whitespace inside values, reads empty and missing elements apart, and CDATA as text', () => {
    const doc = parseXml('<R><Key>  spaced  </Key><Empty/><Cdata><![CDATA[<not a tag>]]></Cdata></R>')
    const r = child(doc, 'R')
    expect(text(r, 'Key')).toBe('  spaced  ')
    expect(text(r, 'Empty')).toBe('')
    expect(text(r, 'Missing')).toBeUndefined()
    expect(text(r, 'Cdata')).toBe('<not a tag>')
  })

  it('drops namespace prefixes and attributes; repeats of any element become a list', () => {
    const doc = parseXml('<s3:R xmlns:s3="x"><s3:A id="1">one</s3:A><s3:A>two</s3:A><Grantee xsi:type="CanonicalUser"><ID>i</ID></Grantee></s3:R>')
    const r = child(doc, 'R')
    expect(r['A']).toEqual(['one', 'two'])
    expect(text(child(r, 'Grantee'), 'ID')).toBe('i')
  })

  it('values kept from a page do not keep the page alive', () => {
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    const page = (n: number): string => {
      let xml = '<ListBucketResult><IsTruncated>true</IsTruncated>'
      for (let i = 0; i < 1000; i++) {
        const etag = (n * 1000 + i).toString(16).padStart(32, '0')
        xml += `<Contents><Key>folder-${n}/file-${i}.txt</Key><LastModified>2026-12-08T05:00:00.000Z</LastModified><ETag>&quot;${etag}&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>`
      }
      return `${xml}</ListBucketResult>`
    }
    gc()
    const before = process.memoryUsage().heapUsed
    const kept: string[] = []
    let pageBytes = 0
    for (let n = 0; n < 40; n++) {
      const xml = page(n)
      pageBytes += xml.length
      for (const item of children(child(parseXml(xml), 'ListBucketResult'), 'Contents')) kept.push(text(item, 'ETag')!, text(item, 'Key')!)
    }
    gc()
    const held = process.memoryUsage().heapUsed - before
    expect(kept).toHaveLength(80_000)
    // 80,000 strings of their own hold about 4.6 MB; kept as views, they held the 40 pages too (14.6 MB).
    expect(held).toBeLessThan(pageBytes)
  })

  it('an empty body is an empty document', () => {
    expect(parseXml('  \n')).toEqual({})
  })

  it.each([
    ['cut short', '<ListBucketResult><Contents><Key>a</Key>'],
    ['an HTML page', '<!DOCTYPE html><html><body><p>Not found<br></body></html>'],
    ['two roots', '<A/><B/>'],
    ['an unknown entity', '<A>&nbsp;</A>'],
    ['text only', 'Service Unavailable'],
  ])('refuses a document that is not well-formed: %s', (_what, body) => {
    expect(() => parseXml(body, { operation: 'ListObjectsV2' })).toThrow(UnexpectedAnswerError)
    expect(() => parseXml(body, { operation: 'ListObjectsV2' })).toThrow(/ListObjectsV2 got an answer S3 never gives \(malformed XML: .+ at line \d+, column \d+\)/)
  })
})
