import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { cheapestCheck, type BodyCheck } from '../../../src/apply/body-check.js'
import { createChecksumHasher } from '../../../src/local/hasher.js'
import { RequestSlots } from '../../../src/apply/request-slots.js'
import { VerifiedBody } from '../../../src/apply/verified-body.js'
import { patternBytes, useTempDir } from '../local/temp-dir.js'

const temp = useTempDir()

async function drain(stream: Readable | Buffer): Promise<{ bytes: Buffer; error?: Error }> {
  if (Buffer.isBuffer(stream)) return { bytes: stream }
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return { bytes: Buffer.concat(chunks) }
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as Error }
  }
}

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')
/** A check by MD5: what a plan with a SHA checksum algorithm gives. */
const byMd5 = (b: Buffer): BodyCheck => cheapestCheck(md5(b), 'SHA256', 'not used')

describe('VerifiedBody', () => {
  const data = patternBytes(600 * 1024)

  it('streams a byte range and reopens it on every attempt', async () => {
    const path = temp.write('f', data)
    const range = data.subarray(1000, 1000 + 300 * 1024)
    const deltas: number[] = []
    const body = new VerifiedBody({ path, start: 1000, length: range.length, check: byMd5(range), what: 'part 1', onBytes: (d) => deltas.push(d) })
    expect((await drain(body.open())).bytes.equals(range)).toBe(true)
    expect((await drain(body.open())).bytes.equals(range)).toBe(true)
    expect(body.attempts).toBe(2)
    // The second read counted nothing new.
    expect(deltas.reduce((a, b) => a + b, 0)).toBe(range.length)
  })

  it('withholds the last chunk when the MD5 differs, then fails every later attempt at once', async () => {
    const path = temp.write('f', data)
    const body = new VerifiedBody({ path, start: 0, length: data.length, check: { ...byMd5(data), value: '0'.repeat(32) }, what: 'the file' })
    const first = await drain(body.open())
    expect(first.error?.message).toBe('the file changed since the plan: its bytes no longer have the planned MD5')
    expect(first.bytes.length).toBeLessThan(data.length)
    const second = await drain(body.open())
    expect(second.error).toBe(first.error)
    expect(second.bytes.length).toBe(0)
  })

  it('hands a small range over as checked bytes, read again on every attempt', async () => {
    const path = temp.write('f', data)
    const range = data.subarray(10, 10 + 4096)
    const body = new VerifiedBody({ path, start: 10, length: range.length, check: byMd5(range), what: 'the file' })
    const first = body.open()
    expect(Buffer.isBuffer(first) && first.equals(range)).toBe(true)
    temp.write('f', Buffer.alloc(data.length))
    const second = await drain(body.open())
    expect(second.error?.message).toBe('the file changed since the plan: its bytes no longer have the planned MD5')
    expect(second.bytes.length).toBe(0)
  })

  it('fails when the file is shorter than planned', async () => {
    const path = temp.write('f', data.subarray(0, 100))
    const body = new VerifiedBody({ path, start: 0, length: 200, check: byMd5(data.subarray(0, 200)), what: 'the file' })
    expect((await drain(body.open())).error?.message).toBe('the file changed since the plan: 100 bytes read, 200 planned')
  })

  it('checks by the CRC when the plan has one, and names it when the bytes differ', async () => {
    const crc = createChecksumHasher('CRC64NVME')
    crc.update(data)
    const check = cheapestCheck('0'.repeat(32), 'CRC64NVME', crc.digest())
    const path = temp.write('f', data)
    // The MD5 given is wrong: only the CRC is computed.
    expect((await drain(new VerifiedBody({ path, start: 0, length: data.length, check, what: 'the file' }).open())).bytes.equals(data)).toBe(true)

    const changed = Buffer.from(data)
    const last = changed.length - 1
    changed.writeUInt8(changed.readUInt8(last) ^ 1, last)
    temp.write('f', changed)
    const result = await drain(new VerifiedBody({ path, start: 0, length: data.length, check, what: 'the file' }).open())
    expect(result.error?.message).toBe('the file changed since the plan: its bytes no longer have the planned CRC64NVME checksum')
    expect(result.bytes.length).toBeLessThan(data.length)
  })

  it('is cut when the signal aborts', async () => {
    const path = temp.write('f', data)
    const controller = new AbortController()
    const body = new VerifiedBody({ path, start: 0, length: data.length, check: byMd5(data), what: 'the file', signal: controller.signal })
    const stream = body.open() as Readable
    stream.once('data', () => controller.abort())
    const result = await drain(stream)
    expect(result.error?.name).toBe('AbortError')
    expect((await drain(body.open())).error?.name).toBe('AbortError')
  })
})

describe('cheapestCheck', () => {
  it('prefers a CRC to the MD5, and the MD5 to a SHA', () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      expect(cheapestCheck('m', algorithm, 'c')).toMatchObject({ name: `${algorithm} checksum`, value: 'c' })
    }
    for (const algorithm of ['SHA1', 'SHA256'] as const) {
      expect(cheapestCheck('m', algorithm, 'c')).toMatchObject({ name: 'MD5', value: 'm' })
    }
  })
})

describe('RequestSlots', () => {
  it('lets a waiter go when the signal aborts, and passes slots in order', async () => {
    const slots = new RequestSlots(1)
    let release!: () => void
    const held = slots.run(() => new Promise<void>((r) => (release = r)))
    const controller = new AbortController()
    const waiting = slots.run(async () => 'never', controller.signal)
    const order: number[] = []
    const next = slots.run(async () => order.push(1))
    controller.abort()
    await expect(waiting).rejects.toThrow()
    release()
    await held
    await next
    expect(order).toEqual([1])
  })
})
