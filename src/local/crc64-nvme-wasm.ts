import { CRC64_NVME_WASM_BASE64 } from './generated/crc64-nvme-wasm.js'

/** WebAssembly memory grows in pages of 64 KiB. */
const PAGE = 65536

// Node has WebAssembly, but the type libraries this project compiles with do not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface KernelExports {
  readonly memory: WasmMemory
  readonly input: { readonly value: number }
  update(ptr: number, len: number, crc: bigint): bigint
}
const Wasm = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object
    Instance: new (module: object) => { exports: unknown }
  }
}).WebAssembly

// Instantiating runs the module's start function, which builds the tables.
const kernel = new Wasm.Instance(new Wasm.Module(Buffer.from(CRC64_NVME_WASM_BASE64, 'base64'))).exports as KernelExports
const input = kernel.input.value

/**
 * CRC-64/NVME by the WebAssembly kernel of `crc64-nvme.wat`. One instance per thread serves
 * every hasher on it: each keeps its own register, and an update copies its chunk into the
 * instance's memory and runs to completion synchronously, so hashers never see each
 * other's bytes.
 */
export class Crc64NvmeWasm {
  // Signed, as WebAssembly hands i64 to JavaScript; -1n is the all-ones initial register.
  private crc = -1n

  update(data: Uint8Array): void {
    const { memory } = kernel
    const needed = input + data.length
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE))
    new Uint8Array(memory.buffer, input, data.length).set(data)
    this.crc = kernel.update(input, data.length, this.crc)
  }

  /** The 8-byte big-endian value S3 base64-encodes. */
  digestBytes(): Uint8Array {
    const out = new Uint8Array(8)
    new DataView(out.buffer).setBigInt64(0, ~this.crc)
    return out
  }
}
