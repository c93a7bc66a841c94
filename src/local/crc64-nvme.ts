/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones), the
 * algorithm behind S3's `x-amz-checksum-crc64nvme`.
 *
 * Written here rather than taken from `@aws-sdk/crc64-nvme` because hashing must finish
 * synchronously per chunk (that package's digest is async) and because the inner loop is
 * the hot spot of hashing a large file. JavaScript has no fast 64-bit integers, so the
 * state is two 32-bit halves, and the tables are sliced by 8 (one lookup per input byte
 * per half). Each table is its own Int32Array so that V8 keeps the loads monomorphic and
 * the index arithmetic free of the `<< 1` an interleaved table needs.
 */
const POLY_HI = 0x9a6c9329
const POLY_LO = 0xac4bc9b5

const SLICES = 8
const HI: Int32Array[] = []
const LO: Int32Array[] = []

for (let s = 0; s < SLICES; s++) {
  HI.push(new Int32Array(256))
  LO.push(new Int32Array(256))
}
for (let i = 0; i < 256; i++) {
  let hi = 0
  let lo = i
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1
    lo = (lo >>> 1) | ((hi & 1) << 31)
    hi = hi >>> 1
    if (carry) {
      hi ^= POLY_HI
      lo ^= POLY_LO
    }
  }
  HI[0]![i] = hi
  LO[0]![i] = lo
}
// Table s advances a byte through s further zero bytes, so eight bytes fold in at once.
for (let s = 1; s < SLICES; s++) {
  const prevHi = HI[s - 1]!
  const prevLo = LO[s - 1]!
  for (let i = 0; i < 256; i++) {
    const hi = prevHi[i]!
    const lo = prevLo[i]!
    const idx = lo & 0xff
    HI[s]![i] = (hi >>> 8) ^ HI[0]![idx]!
    LO[s]![i] = ((lo >>> 8) | (hi << 24)) ^ LO[0]![idx]!
  }
}

const [H0, H1, H2, H3, H4, H5, H6, H7] = HI as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array]
const [L0, L1, L2, L3, L4, L5, L6, L7] = LO as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array]

export class Crc64Nvme {
  // The register, pre-inverted (init = all ones), as two halves.
  private hi = -1
  private lo = -1

  update(data: Uint8Array): void {
    let hi = this.hi
    let lo = this.lo
    const len = data.length
    const end8 = len - (len & 7)
    let i = 0
    while (i < end8) {
      const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))
      const b = hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24))
      i += 8
      hi =
        H7[a & 0xff]! ^ H6[(a >>> 8) & 0xff]! ^ H5[(a >>> 16) & 0xff]! ^ H4[a >>> 24]! ^
        H3[b & 0xff]! ^ H2[(b >>> 8) & 0xff]! ^ H1[(b >>> 16) & 0xff]! ^ H0[b >>> 24]!
      lo =
        L7[a & 0xff]! ^ L6[(a >>> 8) & 0xff]! ^ L5[(a >>> 16) & 0xff]! ^ L4[a >>> 24]! ^
        L3[b & 0xff]! ^ L2[(b >>> 8) & 0xff]! ^ L1[(b >>> 16) & 0xff]! ^ L0[b >>> 24]!
    }
    while (i < len) {
      const idx = (lo ^ data[i]!) & 0xff
      lo = ((lo >>> 8) | (hi << 24)) ^ L0[idx]!
      hi = (hi >>> 8) ^ H0[idx]!
      i++
    }
    this.hi = hi
    this.lo = lo
  }

  /** The 8-byte big-endian value S3 base64-encodes. */
  digestBytes(): Uint8Array {
    const out = new Uint8Array(8)
    const view = new DataView(out.buffer)
    view.setInt32(0, ~this.hi)
    view.setInt32(4, ~this.lo)
    return out
  }
}
