import type { Manifest } from '../manifest/index.js'
import type { S3Client } from '../s3/index.js'
import type { StateAccess } from '../state/index.js'
import { bucketRequestOptions } from './bucket-request-options.js'
import { openStore } from './open-store.js'
import type { BucketRequest } from './bucket-request.js'

/** Access to the manifest's state record, in its own bucket when it names one. */
export async function openState(
  manifest: Manifest,
  store: S3Client,
  request: Pick<BucketRequest, 'connection' | 'env' | 'client'>,
  conditionalWrites: boolean,
): Promise<{ access?: StateAccess; close(): Promise<void> }> {
  const location = manifest.state
  if (!location) return { close: async () => {} }
  const elsewhere = location.bucket !== undefined && location.bucket !== manifest.bucket
  const stateStore = elsewhere ? (await openStore({ ...manifest, bucket: location.bucket! }, request.connection, request.env, request.client)).store : store
  return {
    access: { store: stateStore, key: location.key, bucket: manifest.bucket, conditionalWrites, ...(elsewhere ? {} : { request: bucketRequestOptions(manifest) }) },
    close: async () => {
      if (elsewhere) await stateStore.close()
    },
  }
}
