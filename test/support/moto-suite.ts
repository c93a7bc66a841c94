/**
 * What most integration files need: moto with auth on, an SDK client straight to it (to
 * check the bucket independently), the CLI's environment pointed at it, and workspaces
 * removed afterwards. Call once at the top of a test file; the fields are set before the
 * first test runs.
 */
import type { S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll } from 'vitest'
import { awsEnv, s3Client, startMoto, type MotoServer } from './moto.js'
import { makeWorkspace, type Workspace } from './plan-workspace.js'

export interface MotoSuite {
  server: MotoServer
  s3: S3Client
  env: Record<string, string>
  /** A fresh workspace, removed after the file's tests. */
  workspace(): Promise<Workspace>
}

export function useMotoSuite(workspacePrefix?: string): MotoSuite {
  const workspaces: Workspace[] = []
  const suite = {
    async workspace(): Promise<Workspace> {
      const ws = await makeWorkspace(workspacePrefix)
      workspaces.push(ws)
      return ws
    },
  } as MotoSuite

  beforeAll(async () => {
    suite.server = await startMoto()
    suite.s3 = s3Client(suite.server)
    suite.env = awsEnv(suite.server)
  }, 60_000)

  afterAll(async () => {
    suite.s3?.destroy()
    await Promise.all(workspaces.map((ws) => ws.remove()))
    await suite.server?.stop()
  })

  return suite
}
