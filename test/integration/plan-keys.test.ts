/**
 * Awkward keys round-trip between the AWS CLI and `putplan plan`: a tree uploaded with
 * `aws s3 cp --recursive` plans as unchanged, key for key. Keys moto accepts in its auth
 * mode are tested with signature checking on; keys with `+ % & = ' ( ) * :` or non-ASCII
 * letters against a moto without auth, since moto's auth mode wrongly rejects correctly
 * signed requests for them (their signing is proven against the AWS SDK in unit tests).
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAws } from '../support/aws-cli.js'
import { awsEnv, createBucket, s3Client, startMoto, type MotoServer } from '../support/moto.js'
import { makeWorkspace, planJson, verdicts, type Workspace } from '../support/plan-workspace.js'

const SIGNED_KEYS = ['with space.txt', 'tilde~file.txt', 'hash#file.txt', 'question?file.txt', 'a/b/c/nested file.txt', 'deep/er/still/plain.txt']
const UNSIGNED_KEYS = ['a+b.txt', '100%.txt', 'and&file.txt', 'equals=file.txt', "quote'file.txt", '(parens).txt', 'star*file.txt', 'colon:file.txt', 'ümlaut.txt', '日本/語.txt', 'mixed/ü+%&=(x)*:日本.txt']

async function listKeys(server: MotoServer, bucket: string): Promise<string[]> {
  const s3 = s3Client(server)
  try {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }))
    return Contents.map((o) => o.Key!).sort()
  } finally {
    s3.destroy()
  }
}

function roundTrip(name: string, auth: boolean, keys: readonly string[]): void {
  describe(name, () => {
    const bucket = 'keys'
    let server: MotoServer
    let ws: Workspace

    beforeAll(async () => {
      ;[server, ws] = await Promise.all([startMoto({ auth }), makeWorkspace()])
      await createBucket(server, bucket)
      await Promise.all(keys.map((key) => ws.write(`tree/${key}`, `content of ${key}\n`)))
      await ws.manifest({ version: 1, bucket, uploads: [{ source: 'tree/**', root: 'tree', contentType: 'text/plain' }] })
      const result = await runAws(server, ['s3', 'cp', '--recursive', 'tree', `s3://${bucket}/`, '--content-type', 'text/plain'], { cwd: ws.dir })
      if (result.code !== 0) throw new Error(`aws s3 cp exited ${result.code}: ${result.stderr}`)
    }, 60_000)

    afterAll(async () => {
      await ws?.remove()
      await server?.stop()
    })

    it('the AWS CLI stored exactly these keys', async () => {
      expect(await listKeys(server, bucket)).toEqual([...keys].sort())
    })

    it('plans every key as unchanged (exit 0)', async () => {
      const { result, plan } = await planJson(ws, awsEnv(server))
      expect(verdicts(plan), result.stderr).toEqual(Object.fromEntries(keys.map((key) => [key, { action: 'unchanged', reasons: [] }])))
      expect(result.code).toBe(0)
    })
  })
}

roundTrip('keys with spaces, ~, #, ? and folders, with signature checking on', true, SIGNED_KEYS)
roundTrip("keys with + % & = ' ( ) * : and unicode, on a moto without auth", false, UNSIGNED_KEYS)
