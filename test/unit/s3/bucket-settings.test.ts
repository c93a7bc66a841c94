/**
 * GetBucketFacts against a local HTTP server answering as S3 and other stores do: the four
 * GETs go out together; "not configured" codes are facts, refusals and missing features are
 * `unknown`, never errors; a server error is one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { S3Client, S3ServiceError } from '../../../src/s3/index.js'
import { createSigner } from '../../../src/s3/request-signer.js'
import { resolveS3Config } from '../../../src/s3/s3-config.js'

type Answer = [status: number, body: string]
let answers: Record<string, Answer> = {}
let server: Server
let endpoint: string

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const subresource = new URL(req.url ?? '/', 'http://x').search.slice(1).replace(/=$/, '')
    const [status, body] = answers[subresource] ?? [404, error('NoSuchThing')]
    res.writeHead(status, { 'content-type': 'application/xml' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function error(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message></Error>`
}

async function facts() {
  const config = resolveS3Config({ bucket: 'bucket', region: 'us-east-1', endpoint, maxAttempts: 2 }, {})
  const s3 = new S3Client(config, { signer: createSigner({ accessKeyId: 'AKID', secretAccessKey: 'secret' }), retry: { sleep: async () => {} } })
  try {
    return await s3.getBucketFacts()
  } finally {
    await s3.close()
  }
}

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

describe('getBucketFacts', () => {
  it('reads S3 documents', async () => {
    answers = {
      ownershipControls: [200, `<OwnershipControls ${NS}><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`],
      'object-lock': [200, `<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`],
      encryption: [200, `<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`],
      versioning: [200, `<VersioningConfiguration ${NS}><Status>Suspended</Status></VersioningConfiguration>`],
    }
    expect(await facts()).toEqual({ ownership: 'BucketOwnerEnforced', objectLock: 'Enabled', encryption: { algorithm: 'AES256', bucketKeyEnabled: false }, versioning: 'Suspended' })
  })

  it("S3's not-configured codes are facts: no controls, no lock, no default encryption; versioning never enabled", async () => {
    answers = {
      ownershipControls: [404, error('OwnershipControlsNotFoundError')],
      'object-lock': [404, error('ObjectLockConfigurationNotFoundError')],
      encryption: [404, error('ServerSideEncryptionConfigurationNotFoundError')],
      versioning: [200, `<VersioningConfiguration ${NS}/>`],
    }
    expect(await facts()).toEqual({ ownership: 'none', objectLock: 'off', encryption: 'none', versioning: 'off' })
  })

  it('403, other 404s, 405 and 501 NotImplemented leave the fact unknown', async () => {
    answers = {
      ownershipControls: [403, error('AccessDenied')],
      'object-lock': [501, error('NotImplemented')],
      encryption: [404, error('NoSuchKey')],
      versioning: [405, error('MethodNotAllowed')],
    }
    expect(await facts()).toEqual({ ownership: 'unknown', objectLock: 'unknown', encryption: 'unknown', versioning: 'unknown' })
  })

  it('a server error is an error, after retries', async () => {
    answers = { ownershipControls: [500, error('InternalError')] }
    await expect(facts()).rejects.toBeInstanceOf(S3ServiceError)
  })
})
