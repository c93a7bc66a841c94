import { createHash, type Hash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { crc32c } from '@node-rs/crc32'
import type { ChecksumAlgorithm } from '../plan/local-digest.js'
import { Crc64NvmeWasm } from './crc64-nvme-wasm.js'

/** An incremental digest. `digest()` may be called once, after the last `update`. */
export interface Hasher {
  update(chunk: Uint8Array): void
  digest(): string
}

/** Hex MD5: the form of an ETag. */
export function createMd5Hasher(): Hasher {
  return cryptoHasher(createHash('md5'), 'hex')
}

/** A full-object checksum in the encoding S3 puts in `x-amz-checksum-*`. */
export function createChecksumHasher(algorithm: ChecksumAlgorithm): Hasher {
  switch (algorithm) {
    case 'SHA1':
      return cryptoHasher(createHash('sha1'), 'base64')
    case 'SHA256':
      return cryptoHasher(createHash('sha256'), 'base64')
    case 'CRC32':
      return crc32Hasher(crc32)
    case 'CRC32C':
      return crc32Hasher(crc32c)
    case 'CRC64NVME': {
      const crc = new Crc64NvmeWasm()
      return {
        update: (chunk) => crc.update(chunk),
        digest: () => Buffer.from(crc.digestBytes()).toString('base64'),
      }
    }
  }
}

function cryptoHasher(hash: Hash, encoding: 'hex' | 'base64'): Hasher {
  return {
    update: (chunk) => hash.update(chunk),
    digest: () => hash.digest(encoding),
  }
}

function crc32Hasher(step: (data: Uint8Array, initial?: number) => number): Hasher {
  let value = 0
  return {
    update(chunk) {
      value = step(chunk, value)
    },
    digest() {
      // S3 sends the 32-bit value big-endian, then base64.
      const out = Buffer.alloc(4)
      out.writeUInt32BE(value >>> 0)
      return out.toString('base64')
    },
  }
}
