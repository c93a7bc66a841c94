/**
 * A proxy in front of moto that answers as an S3-compatible store does where putplan's
 * compatibility profiles say it differs from S3 (see the README's compatibility table):
 * - b2, gcs: a request with a flexible checksum header (`x-amz-checksum-*` other than the
 *   read-side `x-amz-checksum-mode`, `x-amz-sdk-checksum-algorithm`) is refused, 400
 *   InvalidArgument. The exact code and wording of each store's answer are not verified
 *   here; what matters is that such a request fails, so a client that sent one would fail.
 * - r2: only CRC64NVME is accepted as a full-object checksum: other `x-amz-checksum-*`
 *   values on PutObject and CompleteMultipartUpload are refused the same way.
 * Everything else passes through byte for byte (signatures verify at moto), and every
 * request is recorded, so a test can assert what putplan sent.
 */
import type { StoreName } from '../../src/plan/index.js'
import { errorXml, startHostileProxy, type HostileProxy, type SeenRequest } from './hostile-proxy.js'

const FLEXIBLE = /^x-amz-(sdk-)?checksum-/

function refusedChecksum(store: StoreName, request: SeenRequest): string | undefined {
  const names = Object.keys(request.headers).filter((name) => FLEXIBLE.test(name) && name !== 'x-amz-checksum-mode')
  if (store === 'b2' || store === 'gcs') return names[0]
  if (store !== 'r2') return undefined
  const values = names.filter((name) => name !== 'x-amz-checksum-crc64nvme' && name !== 'x-amz-sdk-checksum-algorithm' && name !== 'x-amz-checksum-type')
  const algorithm = request.headers['x-amz-checksum-algorithm']
  if (algorithm !== undefined && String(algorithm).toUpperCase() !== 'CRC64NVME') return 'x-amz-checksum-algorithm'
  return values.find((name) => name !== 'x-amz-checksum-algorithm')
}

export function startStoreProxy(upstream: string, store: StoreName): Promise<HostileProxy> {
  return startHostileProxy(upstream, {
    answer: (request) => {
      const header = refusedChecksum(store, request)
      if (header === undefined) return undefined
      return { status: 400, headers: { 'content-type': 'application/xml' }, body: errorXml('InvalidArgument', `${store} does not support the header ${header}`) }
    },
  })
}
