import { describe, expect, it } from 'vitest'
import { DEFAULT_MULTIPART_POLICY } from '../../../src/local/part-size.js'
import { READ_IN_APPLY_LIMIT, readInApply } from '../../../src/workflow/read-in-apply.js'

const KiB = 1024

describe('readInApply', () => {
  it('leaves to apply the files between 64 KiB and 8 MiB that go in one PutObject', () => {
    const at = (size: number) => readInApply({ size, options: {} }, DEFAULT_MULTIPART_POLICY)
    expect([at(64 * KiB), at(64 * KiB + 1), at(READ_IN_APPLY_LIMIT), at(READ_IN_APPLY_LIMIT + 1)]).toEqual([false, true, true, false])
    // A policy that cuts smaller files into parts keeps them in the plan's read.
    expect(readInApply({ size: 200 * KiB, options: {} }, { threshold: 100 * KiB, partSize: 100 * KiB, minPartSize: 1 })).toBe(false)
  })

  it('keeps a file with a pinned checksum in the plan, which checks the pin', () => {
    expect(readInApply({ size: 200 * KiB, options: { checksumSHA256: 'x' } }, DEFAULT_MULTIPART_POLICY)).toBe(false)
    expect(readInApply({ size: 200 * KiB, options: { checksumAlgorithm: 'SHA256' } }, DEFAULT_MULTIPART_POLICY)).toBe(true)
  })
})
