/**
 * CRC-64/NVME, slice-by-8, in a tiny hand-assembled WebAssembly function. WebAssembly has
 * native 64-bit integers, which makes this about three times faster than the two-halves
 * JavaScript of `crc64-nvme.ts` (which stays as the readable reference the tests compare
 * against). CRC64NVME is putplan's default checksum, so it runs over every byte planned.
 *
 * Memory: 8 tables of 256 u64 at offset 0, then the chunk being hashed. One instance
 * serves every hasher: each keeps its own register, and an update copies its chunk in and
 * runs to completion synchronously, so hashers never see each other's bytes.
 */
const TABLE_BYTES = 8 * 256 * 8
const PAGE = 65536

// Opcodes used below.
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, I64_LOAD = 0x29, I64_LOAD8_U = 0x31, I32_WRAP_I64 = 0xa7
const I64_XOR = 0x85, I64_AND = 0x83, I64_SHR_U = 0x88, I64_CONST = 0x42, I32_CONST = 0x41
const I32_ADD = 0x6a, I32_AND = 0x71, I32_SHL = 0x74, I32_GE_U = 0x4f, BR_IF = 0x0d, BR = 0x0c
const BLOCK = 0x02, LOOP = 0x03, VOID = 0x40, END = 0x0b

const uleb = (n: number): number[] => {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n >>>= 7
    if (n) byte |= 0x80
    out.push(byte)
  } while (n)
  return out
}
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body]
const name = (s: string) => [s.length, ...Buffer.from(s)]

// Params: 0 ptr (i32), 1 len (i32), 2 crc (i64, pre-inverted). Locals: 3 end8, 4 end.
// Table k sits at k * 2048; T_k[(crc >> 8k) & 0xff] for the eight bytes of a block.
const lookup = (table: number, shift: number) => [
  LOCAL_GET, 2,
  ...(shift ? [I64_CONST, shift, I64_SHR_U] : []),
  ...(shift < 56 ? [I64_CONST, 0xff, 0x01, I64_AND] : []),
  I32_WRAP_I64, I32_CONST, 3, I32_SHL,
  I64_LOAD, 3, ...uleb(table * 2048),
]
const body = [
  1, 2, 0x7f,
  LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, LOCAL_SET, 4,
  LOCAL_GET, 0, LOCAL_GET, 1, I32_CONST, 0x78 /* -8 */, I32_AND, I32_ADD, LOCAL_SET, 3,
  BLOCK, VOID, LOOP, VOID,
  LOCAL_GET, 0, LOCAL_GET, 3, I32_GE_U, BR_IF, 1,
  LOCAL_GET, 2, LOCAL_GET, 0, I64_LOAD, 3, 0, I64_XOR, LOCAL_SET, 2,
  ...lookup(7, 0), ...lookup(6, 8), I64_XOR, ...lookup(5, 16), I64_XOR, ...lookup(4, 24), I64_XOR,
  ...lookup(3, 32), I64_XOR, ...lookup(2, 40), I64_XOR, ...lookup(1, 48), I64_XOR, ...lookup(0, 56), I64_XOR,
  LOCAL_SET, 2,
  LOCAL_GET, 0, I32_CONST, 8, I32_ADD, LOCAL_SET, 0, BR, 0,
  END, END,
  BLOCK, VOID, LOOP, VOID,
  LOCAL_GET, 0, LOCAL_GET, 4, I32_GE_U, BR_IF, 1,
  LOCAL_GET, 2, LOCAL_GET, 0, I64_LOAD8_U, 0, 0, I64_XOR, I64_CONST, 0xff, 0x01, I64_AND,
  I32_WRAP_I64, I32_CONST, 3, I32_SHL, I64_LOAD, 3, 0,
  LOCAL_GET, 2, I64_CONST, 8, I64_SHR_U, I64_XOR, LOCAL_SET, 2,
  LOCAL_GET, 0, I32_CONST, 1, I32_ADD, LOCAL_SET, 0, BR, 0,
  END, END,
  LOCAL_GET, 2, END,
]
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7e, 1, 0x7e]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 1]),
  ...section(7, [2, ...name('update'), 0, 0, ...name('memory'), 2, 0]),
  ...section(10, [1, ...uleb(body.length), ...body]),
])

// Node has WebAssembly, but the type libraries this project compiles with do not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
const Wasm = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object
    Instance: new (module: object) => { exports: Record<string, unknown> }
  }
}).WebAssembly
const module = new Wasm.Module(MODULE)
const { exports } = new Wasm.Instance(module)
const memory = exports.memory as WasmMemory
const wasmUpdate = exports.update as (ptr: number, len: number, crc: bigint) => bigint

const POLY = 0x9a6c9329ac4bc9b5n
{
  const tables = new BigUint64Array(memory.buffer, 0, 8 * 256)
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i)
    for (let bit = 0; bit < 8; bit++) c = c & 1n ? (c >> 1n) ^ POLY : c >> 1n
    tables[i] = c
  }
  for (let s = 1; s < 8; s++) {
    for (let i = 0; i < 256; i++) {
      const prev = tables[(s - 1) * 256 + i]!
      tables[s * 256 + i] = (prev >> 8n) ^ tables[Number(prev & 0xffn)]!
    }
  }
}

/**
 * The compiled module and its tables, for a worker thread to run its own instance without
 * compiling or building anything (see crc64-worker.ts). Memory starts with the tables.
 */
export const CRC64_NVME_WASM: { readonly module: object; readonly tableBytes: number } = { module, tableBytes: TABLE_BYTES }

/** A copy of the tables, as the first TABLE_BYTES of a fresh instance's memory must hold. */
export function crc64NvmeTables(): Uint8Array {
  return new Uint8Array(memory.buffer, 0, TABLE_BYTES).slice()
}

export class Crc64NvmeWasm {
  // Signed, as WebAssembly hands i64 to JavaScript; -1n is the all-ones initial register.
  private crc = -1n

  update(data: Uint8Array): void {
    const needed = TABLE_BYTES + data.length
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE))
    new Uint8Array(memory.buffer, TABLE_BYTES, data.length).set(data)
    this.crc = wasmUpdate(TABLE_BYTES, data.length, this.crc)
  }

  /** The 8-byte big-endian value S3 base64-encodes. */
  digestBytes(): Uint8Array {
    const out = new Uint8Array(8)
    new DataView(out.buffer).setBigInt64(0, ~this.crc)
    return out
  }
}
