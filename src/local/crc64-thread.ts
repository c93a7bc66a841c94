/**
 * The CRC64NVME worker thread that `Crc64Worker` starts: it hashes the chunks it is sent
 * with its own instance of the kernel, hands each buffer back for reuse, and answers
 * 'digest' with the CRC of them all. Any exception ends the thread, which the main thread
 * sees as an 'error' event.
 */
import { parentPort } from 'node:worker_threads'
import { Crc64NvmeWasm } from './crc64-nvme-wasm.js'

export type Crc64Request = { buffer: ArrayBuffer; length: number } | 'digest'
export type Crc64Reply = { buffer: ArrayBuffer } | { digest: Uint8Array }

const port = parentPort
if (!port) throw new Error('crc64-thread runs as a worker thread only')
const crc = new Crc64NvmeWasm()

port.on('message', (request: Crc64Request) => {
  if (request === 'digest') {
    port.postMessage({ digest: crc.digestBytes() } satisfies Crc64Reply)
    return
  }
  crc.update(new Uint8Array(request.buffer, 0, request.length))
  port.postMessage({ buffer: request.buffer } satisfies Crc64Reply, [request.buffer])
})
