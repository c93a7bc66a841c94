import { describe, expect, it } from 'vitest'
import { environmentCredentials, standardCredentials } from '../../../src/s3/credentials.js'

describe('credentials from the environment', () => {
  it('reads both keys, the session token and the expiration', () => {
    expect(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z' })).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2030-01-01T00:00:00Z'),
    })
  })

  it('one key without the other, or empty ones, are no credentials (the chain goes on)', () => {
    expect(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKID' })).toBeUndefined()
    expect(environmentCredentials({ AWS_SECRET_ACCESS_KEY: 'secret' })).toBeUndefined()
    expect(environmentCredentials({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'secret' })).toBeUndefined()
  })

  it('without a profile the environment keys are used as they are', async () => {
    await expect(standardCredentials(undefined, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' })()).resolves.toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret' })
  })
})
