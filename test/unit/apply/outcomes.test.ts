import { describe, expect, it } from 'vitest'
import { classifyFailure, outcomeAfterPrecondition, outcomeOfWrite } from '../../../src/apply/index.js'
import { SourceChangedError } from '../../../src/apply/source-changed-error.js'
import type { CreateItem, UpdateItem } from '../../../src/plan/plan.js'
import type { RemoteObject } from '../../../src/plan/remote-object.js'
import { NetworkError } from '../../../src/s3/s3-errors.js'
import { s3Error } from './memory-store.js'

const local = { size: 5, md5: '5d41402abc4b2a76b9719d911017c592', checksums: { CRC64NVME: 'AAAAAAAAAAA=' } }
const create: CreateItem = { key: 'k', source: 'k', size: 5, reasons: [], local, options: {}, action: 'create' }
const update: UpdateItem = { ...create, action: 'update', remoteEtag: 'old' }

function remote(fields: Partial<RemoteObject>): RemoteObject {
  return { etag: 'other', size: 5, checksums: {}, headers: { metadata: {}, storageClass: 'STANDARD' }, ...fields }
}

describe('classifyFailure', () => {
  it.each([
    [s3Error(412, 'PreconditionFailed', 'PutObject', 'k'), 'precondition'],
    [s3Error(409, 'ConditionalRequestConflict', 'PutObject', 'k'), 'precondition'],
    [s3Error(404, 'NoSuchKey', 'PutObject', 'k'), 'precondition'],
    [s3Error(404, 'NoSuchUpload', 'CompleteMultipartUpload', 'k'), 'maybe-landed'],
    [s3Error(404, 'NoSuchUpload', 'UploadPart', 'k'), 'failed'],
    [s3Error(400, 'BadDigest', 'PutObject', 'k'), 'source-changed'],
    [s3Error(409, 'OperationAborted', 'PutObject', 'k'), 'failed'],
    [s3Error(403, 'AccessDenied', 'PutObject', 'k'), 'failed'],
    [new NetworkError(new SourceChangedError('the file changed'), { operation: 'PutObject' }), 'source-changed'],
    [new NetworkError(new Error('reset'), { operation: 'PutObject' }), 'failed'],
  ])('%s -> %s', (error, kind) => {
    expect(classifyFailure(error).kind).toBe(kind)
  })

  it('keeps the message of other errors as the reason', () => {
    expect(classifyFailure(s3Error(403, 'AccessDenied', 'PutObject', 'k'))).toEqual({ kind: 'failed', reason: 'PutObject for "k" failed: 403 AccessDenied: AccessDenied (fake)' })
  })
})

describe('outcomeAfterPrecondition', () => {
  it('is a conflict when the bucket holds other bytes', () => {
    expect(outcomeAfterPrecondition(create, create.options, remote({ checksums: { CRC64NVME: 'BBBBBBBBBBB=' } }))).toMatchObject({ outcome: 'conflict', reason: 'created by someone else since the plan' })
    expect(outcomeAfterPrecondition(update, update.options, remote({ checksums: { CRC64NVME: 'BBBBBBBBBBB=' } }))).toMatchObject({ outcome: 'conflict', reason: 'changed in the bucket since the plan' })
  })

  it('is a conflict when nothing can prove the bytes equal (SSE-KMS, no checksum)', () => {
    const kms = remote({ etag: local.md5, headers: { metadata: {}, storageClass: 'STANDARD', serverSideEncryption: 'aws:kms' } })
    expect(outcomeAfterPrecondition(create, create.options, kms).outcome).toBe('conflict')
  })

  it('counts the planned bytes, proven by checksum or plain MD5 ETag, as our write', () => {
    expect(outcomeAfterPrecondition(create, create.options, remote({ checksums: { CRC64NVME: 'AAAAAAAAAAA=' } }))).toMatchObject({ outcome: 'created', bytes: 5 })
    expect(outcomeAfterPrecondition(update, update.options, remote({ etag: local.md5 }))).toMatchObject({ outcome: 'updated', etag: local.md5 })
  })

  it('calls the planned bytes with other headers a conflict: another client wrote them', () => {
    const withType: UpdateItem = { ...update, options: { contentType: 'text/plain' } }
    const theirs = remote({ etag: local.md5, headers: { metadata: {}, storageClass: 'STANDARD', contentType: 'application/json' } })
    expect(outcomeAfterPrecondition(withType, withType.options, theirs)).toMatchObject({ outcome: 'conflict', reason: 'changed in the bucket since the plan' })
    const ours = remote({ etag: local.md5, headers: { metadata: {}, storageClass: 'STANDARD', contentType: 'text/plain' } })
    expect(outcomeAfterPrecondition(withType, withType.options, ours)).toMatchObject({ outcome: 'updated' })
  })

  it('counts a create-only object present with the planned bytes as unchanged', () => {
    const createOnly: CreateItem = { ...create, options: { ifNoneMatch: '*' } }
    expect(outcomeAfterPrecondition(createOnly, createOnly.options, remote({ etag: local.md5 }))).toMatchObject({ outcome: 'unchanged', bytes: 0 })
  })

  it('calls an update whose key vanished a conflict', () => {
    expect(outcomeAfterPrecondition(update, update.options, undefined)).toMatchObject({ outcome: 'conflict', reason: 'deleted from the bucket since the plan' })
  })
})

describe('outcomeOfWrite', () => {
  it('copies what S3 answered into the report', () => {
    const outcome = outcomeOfWrite(update, { etag: 'e', versionId: 'v', checksums: { CRC64NVME: 'x' }, serverSideEncryption: 'aws:kms', ssekmsKeyId: 'arn', bucketKeyEnabled: true, expiration: 'exp', requestCharged: 'requester' }, 2)
    expect(outcome).toEqual({ key: 'k', action: 'update', outcome: 'updated', etag: 'e', versionId: 'v', checksums: { CRC64NVME: 'x' }, serverSideEncryption: 'aws:kms', ssekmsKeyId: 'arn', bucketKeyEnabled: true, expiration: 'exp', requestCharged: 'requester', bytes: 5, attempts: 2 })
  })
})
