import { Worker } from 'node:worker_threads'
import type { Crc64Reply, Crc64Request } from './crc64-thread.js'

/**
 * The thread's module, which tsc compiles beside this one. Under test this file runs as
 * TypeScript from src/, which has no compiled sibling: the thread then comes from the build
 * (the test scripts build first).
 */
const THREAD_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/local/crc64-thread.js', import.meta.url)
  : new URL('./crc64-thread.js', import.meta.url)

/** Chunks sent and not yet hashed before `update` asks the reader to wait: bounds memory. */
const MAX_IN_FLIGHT = 4

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

  /** `thread` replaces the thread's module, for tests of its failures only. */
  constructor(thread: URL = THREAD_URL) {
    this.worker = new Worker(thread)
    this.worker.on('message', (reply: Crc64Reply) => this.receive(reply))
    this.worker.on('error', (error) => this.fail(error))
    this.worker.on('exit', (code) => this.fail(new Error(`the CRC64NVME worker exited early (code ${code})`)))
  }

  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.failure) throw this.failure
    let buffer = this.free.pop()
    if (buffer === undefined || buffer.byteLength < chunk.length) buffer = new ArrayBuffer(chunk.length)
    new Uint8Array(buffer, 0, chunk.length).set(chunk)
    this.worker.postMessage({ buffer, length: chunk.length } satisfies Crc64Request, [buffer])
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
    this.worker.postMessage('digest' satisfies Crc64Request)
    return result
  }

  async close(): Promise<void> {
    this.closed = true
    await this.worker.terminate()
  }

  private receive(reply: Crc64Reply): void {
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
