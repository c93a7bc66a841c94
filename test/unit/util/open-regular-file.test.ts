import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FileSwappedError, NotRegularFileError, openRegular, openRegularSync, readRegularFile } from '../../../src/util/open-regular-file.js'

const dir = mkdtempSync(join(tmpdir(), 'putplan-open-regular-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('opening a file that may be a FIFO', () => {
  const fifo = join(dir, 'pipe')
  execFileSync('mkfifo', [fifo])

  it('refuses a FIFO at once, synchronously and not, without waiting for a writer', async () => {
    expect(() => openRegularSync(fifo)).toThrow(NotRegularFileError)
    await expect(openRegular(fifo)).rejects.toThrow('is a FIFO (named pipe), not a regular file')
    await expect(readRegularFile(fifo)).rejects.toBeInstanceOf(NotRegularFileError)
  })

  it('refuses a directory and a character device', () => {
    expect(() => openRegularSync(dir)).toThrow('is a directory')
    expect(() => openRegularSync('/dev/null')).toThrow('is a character device')
  })

  it('reads a regular file', async () => {
    writeFileSync(join(dir, 'a.txt'), 'hello')
    expect(await readRegularFile(join(dir, 'a.txt'))).toBe('hello')
  })
})

describe('the identity an open must find', () => {
  it('opens the file checked, and refuses another one a link leads to since', () => {
    const inside = join(dir, 'inside.txt')
    const outside = join(dir, 'outside.txt')
    const link = join(dir, 'link.txt')
    writeFileSync(inside, 'in')
    writeFileSync(outside, 'out')
    symlinkSync(inside, link)
    const checked = statSync(inside)
    closeSync(openRegularSync(link, checked))
    unlinkSync(link)
    symlinkSync(outside, link)
    expect(() => openRegularSync(link, checked)).toThrow(FileSwappedError)
  })
})
