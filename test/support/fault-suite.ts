/**
 * What every fault-suite file needs: moto with auth on, the fault proxy in front of it,
 * an SDK client straight to moto (to check the bucket without the proxy), the CLI's
 * environment pointed at the proxy, and workspaces removed afterwards. Call once at the
 * top of a test file; the fields are set before the first test runs.
 */
import type { S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll } from 'vitest'
import { startFaultProxy, type FaultProxy } from './fault-proxy.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from './moto.js'
import { makeWorkspace, type Workspace } from './plan-workspace.js'

export interface FaultSuite {
  server: MotoServer
  proxy: FaultProxy
  s3: S3Client
  env: Record<string, string>
  /** A bucket and a workspace whose manifest uploads `files` (key = path) with CRC32 checksums, which moto keeps right for multipart too. */
  scenario(bucket: string, files: Record<string, Buffer>): Promise<Workspace>
}

export function useFaultSuite(): FaultSuite {
  const workspaces: Workspace[] = []
  const suite = {
    async scenario(bucket: string, files: Record<string, Buffer>): Promise<Workspace> {
      await createBucket(suite.server, bucket)
      const ws = await makeWorkspace('putplan-faults-')
      workspaces.push(ws)
      for (const [path, bytes] of Object.entries(files)) await ws.write(`files/${path}`, bytes)
      await ws.manifest({ version: 1, bucket, defaults: { checksumAlgorithm: 'CRC32' }, uploads: [{ source: 'files/**', root: 'files' }] })
      return ws
    },
  } as FaultSuite

  beforeAll(async () => {
    suite.server = await startMoto()
    suite.proxy = await startFaultProxy(suite.server.endpoint)
    suite.s3 = s3Client(suite.server)
    suite.env = { ...awsEnv(suite.server), AWS_ENDPOINT_URL: suite.proxy.endpoint }
  })

  afterAll(async () => {
    suite.s3?.destroy()
    await suite.proxy?.stop()
    await suite.server?.stop()
    await Promise.all(workspaces.map((ws) => ws.remove()))
  })

  return suite
}
