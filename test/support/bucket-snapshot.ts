/**
 * What the server holds, read with the AWS SDK directly (never through putplan or a
 * proxy): every bucket and every key in it, with ETags. A hostile-input test takes one
 * before and one after, and expects them equal: nothing was written.
 */
import { ListBucketsCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { s3Client, type MotoServer } from './moto.js'

export type Snapshot = Record<string, { objects: Record<string, string>; uploads: number }>

export async function snapshot(server: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>): Promise<Snapshot> {
  const s3 = s3Client(server)
  try {
    const out: Snapshot = {}
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}))
    for (const bucket of Buckets) {
      const name = bucket.Name as string
      const objects: Record<string, string> = {}
      let token: string | undefined
      for (let page = 0; page < 1000; page++) {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token }))
        for (const object of listed.Contents ?? []) objects[object.Key as string] = object.ETag ?? ''
        token = listed.IsTruncated ? listed.NextContinuationToken : undefined
        if (token === undefined) break
      }
      const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: name }))
      out[name] = { objects, uploads: Uploads.length }
    }
    return out
  } finally {
    s3.destroy()
  }
}
