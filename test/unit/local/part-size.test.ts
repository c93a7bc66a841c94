import { describe, expect, it } from 'vitest'
import {
  DEFAULT_MULTIPART_POLICY,
  S3_MAX_PARTS,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
  isMultipart,
  partSizeFor,
} from '../../../src/local/part-size.js'
import { uniformCut } from '../../../src/plan/part-cut.js'

const MiB = 1024 * 1024
const GiB = 1024 * MiB

describe('part-size policy', () => {
  it('uploads in parts only above the threshold', () => {
    expect(isMultipart(DEFAULT_MULTIPART_POLICY.threshold)).toBe(false)
    expect(isMultipart(DEFAULT_MULTIPART_POLICY.threshold + 1)).toBe(true)
    expect(isMultipart(0)).toBe(false)
  })

  it('keeps the preferred part size while the file fits in 10,000 parts', () => {
    expect(partSizeFor(17 * MiB)).toBe(16 * MiB)
    expect(partSizeFor(16 * MiB * S3_MAX_PARTS)).toBe(16 * MiB)
  })

  it('doubles the part size so that no file needs more than 10,000 parts', () => {
    expect(partSizeFor(16 * MiB * S3_MAX_PARTS + 1)).toBe(32 * MiB)
    for (const size of [200 * GiB, 1024 * GiB, 5 * 1024 * GiB, 48 * 1024 * GiB]) {
      const partSize = partSizeFor(size)
      expect(Math.ceil(size / partSize)).toBeLessThanOrEqual(S3_MAX_PARTS)
      expect(partSize).toBeLessThanOrEqual(S3_MAX_PART_SIZE)
    }
    expect(partSizeFor(1024 * GiB)).toBe(128 * MiB)
  })

  it('never goes below S3’s 5 MiB minimum', () => {
    expect(partSizeFor(100 * MiB, { threshold: 8 * MiB, partSize: 1 * MiB })).toBe(S3_MIN_PART_SIZE)
  })

  it('caps at 5 GiB and refuses what 10,000 parts of 5 GiB cannot hold', () => {
    expect(partSizeFor(S3_MAX_PARTS * S3_MAX_PART_SIZE)).toBe(S3_MAX_PART_SIZE)
    expect(() => partSizeFor(S3_MAX_PARTS * S3_MAX_PART_SIZE + 1)).toThrow(RangeError)
  })

  it('honours a store’s own limits', () => {
    expect(partSizeFor(100, { threshold: 10, partSize: 10, minPartSize: 1, maxParts: 4 })).toBe(40)
  })

  it('cuts an empty upload into one empty part, and the rest of a file into the last', () => {
    expect(uniformCut(0, MiB)).toEqual([0])
    expect(uniformCut(MiB, MiB)).toEqual([MiB])
    expect(uniformCut(MiB + 1, MiB)).toEqual([MiB, 1])
  })
})
