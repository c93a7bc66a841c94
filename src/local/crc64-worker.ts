import { Worker } from 'node:worker_threads'
import { CRC64_NVME_WASM, crc64NvmeTables } from './crc64-nvme-wasm.js'

/**
 * The worker's code, evaluated rather than loaded from a file so that it runs the same from
 * the compiled package and from the TypeScript sources under test. It runs the module the
 * main thread compiled, over the chunks it is sent, and hands each buffer back for reuse.
 * Any exception ends the worker, which the main thread sees as an 'error' event.
 */
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads')
const { module, tables } = workerData
const { exports } = new WebAssembly.Instance(module)
new Uint8Array(exports.memory.buffer).set(tables)
let crc = -1n
parentPort.on('message', (message) => {
  if (message === 'digest') {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setBigInt64(0, ~crc)
    parentPort.postMessage({ digest: bytes })
    return
  }
  const { buffer, length } = message
  const needed = tables.length + length
  const memory = exports.memory
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536))
  new Uint8Array(memory.buffer, tables.length, length).set(new Uint8Array(buffer, 0, length))
  crc = exports.update(tables.length, length, crc)
  parentPort.postMessage({ buffer }, [buffer])
})
`

/** Chunks sent and not yet hashed before `update` asks the reader to wait: bounds memory. */
const MAX_IN_FLIGHT = 4

type Reply = { buffer: ArrayBuffer } | { digest: Uint8Array }

/**
 * CRC64NVME on a worker thread, so that a large file's MD5s (on the main thread) and its
 * CRC run on two cores. `update` copies the chunk at once; the promise it may return
 * resolves when the worker has caught up, and rejects if the worker failed. Call `close`
 * in every case: it ends the thread.
 */
export class Crc64Worker {
  private readonly worker: Worker
  /** Buffers the worker handed back, reused so that a large file allocates only a few. */
  private readonly free: ArrayBuffer[] = []
  private inFlight = 0
  private failure: Error | undefined
  private waiting: { resolve: () => void; reject: (error: Error) => void } | undefined
  private digesting: { resolve: (digest: string) => void; reject: (error: Error) => void } | undefined
  private closed = false

  /** `script` replaces the worker's code, for tests of its failures only. */
  constructor(script: string = WORKER_SCRIPT) {
    const workerData = { module: CRC64_NVME_WASM.module, tables: crc64NvmeTables() }
    this.worker = new Worker(script, { eval: true, workerData })
    this.worker.on('message', (reply: Reply) => this.receive(reply))
    this.worker.on('error', (error) => this.fail(error))
    this.worker.on('exit', (code) => this.fail(new Error(`the CRC64NVME worker exited early (code ${code})`)))
  }

  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.failure) throw this.failure
    let buffer = this.free.pop()
    if (buffer === undefined || buffer.byteLength < chunk.length) buffer = new ArrayBuffer(chunk.length)
    new Uint8Array(buffer, 0, chunk.length).set(chunk)
    this.worker.postMessage({ buffer, length: chunk.length }, [buffer])
    this.inFlight++
    if (this.inFlight < MAX_IN_FLIGHT) return undefined
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
    })
  }

  /** The CRC of every chunk sent, base64 as in `x-amz-checksum-crc64nvme`. Call once, after the last update. */
  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure)
    const result = new Promise<string>((resolve, reject) => {
      this.digesting = { resolve, reject }
    })
    this.worker.postMessage('digest')
    return result
  }

  async close(): Promise<void> {
    this.closed = true
    await this.worker.terminate()
  }

  private receive(reply: Reply): void {
    if ('digest' in reply) {
      this.digesting?.resolve(Buffer.from(reply.digest).toString('base64'))
      this.digesting = undefined
      return
    }
    this.inFlight--
    this.free.push(reply.buffer)
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.resolve()
  }

  private fail(error: Error): void {
    // Terminating on close is no failure, and the first cause is the one worth telling.
    if (this.closed || this.failure) return
    this.failure = error
    this.waiting?.reject(error)
    this.digesting?.reject(error)
    this.waiting = undefined
    this.digesting = undefined
  }
}
