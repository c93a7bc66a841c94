import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { STATE_FORMAT_VERSION, type StateDocument, type StateRecord } from '../../../src/state/state-record.js'
import { stateBody, stateJsonPieces } from '../../../src/state/state-json.js'

function record(i: number): StateRecord {
  return {
    etag: `"${i.toString(16).padStart(32, '0')}"`,
    size: i,
    lastModified: '2025-01-01T00:00:00.000Z',
    checksums: { CRC64NVME: 'AAAAAAAAAAA=' },
    headers: { metadata: { 'x-note': `ünïcödé ${i} "quoted" \\ \u2028` }, storageClass: 'STANDARD', contentType: 'text/html' },
  }
}

function documentOf(keys: string[]): StateDocument {
  return { formatVersion: STATE_FORMAT_VERSION, bucket: 'example-site', objects: Object.fromEntries(keys.map((k, i) => [k, record(i)])) }
}

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('stateJsonPieces', () => {
  it.each<[string, string[]]>([
    ['no objects', []],
    ['one object', ['index.html']],
    ['keys JSON must escape, and integer-like keys that JSON.stringify orders first', ['b "q"', 'a\\b', '10', 'emoji \u{1F600}', '2', 'new\nline']],
  ])('writes exactly JSON.stringify and a newline: %s', (_, keys) => {
    const document = documentOf(keys)
    expect([...stateJsonPieces(document)].join('')).toBe(`${JSON.stringify(document)}\n`)
  })

  it('cuts ten thousand records into pieces of bounded size', () => {
    const document = documentOf(Array.from({ length: 10_000 }, (_, i) => `site/page-${i}.html`))
    const pieces = [...stateJsonPieces(document)]
    expect(pieces.length).toBeGreaterThan(10)
    for (const piece of pieces) expect(piece.length).toBeLessThan(70 * 1024)
    expect(JSON.parse(pieces.join(''))).toEqual(document)
  })
})

describe('stateBody', () => {
  it('declares the length and MD5 of the bytes it streams, every time it is opened', async () => {
    const document = documentOf(Array.from({ length: 3_000 }, (_, i) => `d/é-${i}`))
    const body = stateBody(document)
    const expected = Buffer.from(`${JSON.stringify(document)}\n`, 'utf8')
    for (const attempt of [1, 2]) {
      const bytes = await bytesOf(body.open())
      expect(bytes.equals(expected), `attempt ${attempt}`).toBe(true)
    }
    expect(body.contentLength).toBe(expected.length)
    expect(body.md5).toBe(createHash('md5').update(expected).digest('hex'))
  })
})
