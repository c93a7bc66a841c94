import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { createChecksumHasher } from '../../../src/local/hasher.js'
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../../src/plan/local-digest.js'
import { compareKeys } from '../../../src/plan/key-order.js'
import { UNKNOWN_BUCKET_FACTS, type BucketFacts } from '../../../src/plan/bucket-facts.js'
import type { RemoteAcl, RemoteObject } from '../../../src/plan/remote-object.js'
import type {
  CompleteMultipartInput,
  DeleteObjectInput,
  DeleteObjectResult,
  HeadObjectOptions,
  ObjectPart,
  ListedObject,
  ListWhere,
  ObjectStore,
  PutObjectInput,
  PutObjectResult,
  CopyObjectInput,
  CopyObjectResult,
  ObjectRetention,
  UploadPartCopyInput,
  RequestOptions,
  UploadedPart,
  UploadPartInput,
  StoredDocument,
} from '../../../src/s3/object-store.js'
import type { RequestBody } from '../../../src/s3/http-transport.js'
import type { PutOptions } from '../../../src/plan/put-options.js'
import {
  completeMultipartHeaders,
  copyObjectHeaders,
  deleteObjectHeaders,
  createMultipartHeaders,
  putObjectAclHeaders,
  putObjectHeaders,
  uploadPartCopyHeaders,
  uploadPartHeaders,
} from '../../../src/s3/object-headers.js'
import { CHECKSUM_HEADERS, headerOptions } from '../../../src/s3/remote-object-headers.js'
import { isRetryable } from '../../../src/s3/retry-policy.js'
import { NetworkError, S3ServiceError } from '../../../src/s3/s3-errors.js'

export type Operation =
  | 'headObject'
  | 'headPart'
  | 'putObject'
  | 'createMultipartUpload'
  | 'uploadPart'
  | 'completeMultipartUpload'
  | 'abortMultipartUpload'
  | 'copyObject'
  | 'uploadPartCopy'
  | 'getObjectTagging'
  | 'putObjectTagging'
  | 'putObjectAcl'
  | 'putObjectRetention'
  | 'putObjectLegalHold'
  | 'deleteObject'

export interface Call {
  op: Operation
  key: string
  headers: Record<string, string>
  uploadId?: string
  partNumber?: number
  /** Bytes of the body as received (an attempt whose body failed is not recorded). */
  bodyLength?: number
  /** 1-based attempt inside the emulated client retry loop. */
  attempt: number
}

export interface StoredObject {
  bytes: Buffer
  etag: string
  headers: Record<string, string>
  checksums: Partial<Record<ChecksumAlgorithm, string>>
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE'
  partCount?: number
  /** Every part's size, for an object completed from parts. */
  partSizes?: number[]
  versionId: string
  tags: Record<string, string>
  /** What the subresource calls set: the ACL headers, the retention, the legal hold. */
  acl?: Record<string, string>
  retention?: ObjectRetention
  legalHold?: string
}

export interface Fault {
  op: Operation
  key?: string
  partNumber?: number
  /** How many matching calls fail; default 1. */
  times?: number
  /** 'before': fail without acting; 'after': act, then lose the answer. Default 'before'. */
  when?: 'before' | 'after'
  /** An S3 error of this status and code, or a dropped connection when absent. */
  status?: number
  code?: string
}

interface Upload {
  key: string
  headers: Record<string, string>
  parts: Map<number, { bytes: Buffer; md5: Buffer; checksums: Partial<Record<ChecksumAlgorithm, string>> }>
}

/**
 * An S3 bucket in memory, strict where S3 is: conditional writes answer 412, Content-MD5
 * and `x-amz-checksum-*` are verified (400 BadDigest), Complete checks the full-object
 * checksum. It retries the way the real client does (transient errors and dropped
 * connections, reopening the body each time), so "the first attempt landed but its
 * answer was lost" is exercised as it happens. Faults fail chosen calls on demand.
 */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>()
  readonly uploads = new Map<string, Upload>()
  readonly calls: Call[] = []
  readonly faults: Fault[] = []
  maxAttempts = 3
  /** Deletes leave a delete marker and answer its version id. */
  versioned = false
  /** Milliseconds each body-carrying request takes, to make concurrency visible. */
  latencyMs = 0
  inFlight = 0
  maxInFlight = 0
  readonly partsInFlight = new Map<string, number>()
  maxPartsInFlight = 0
  /** Runs after a call's body is received, before it acts; may throw or wait. */
  beforeAct?: (call: Call) => void | Promise<void>
  private nextId = 1

  fail(fault: Fault): this {
    this.faults.push({ times: 1, when: 'before', ...fault })
    return this
  }

  /** Another client writes the key. */
  putDirect(key: string, bytes: Buffer | string): StoredObject {
    const data = Buffer.from(bytes)
    const object: StoredObject = { bytes: data, etag: md5Hex(data), headers: {}, checksums: { CRC64NVME: checksumOf('CRC64NVME', data) }, checksumType: 'FULL_OBJECT', versionId: `v${this.nextId++}`, tags: {} }
    this.objects.set(key, object)
    return object
  }

  callsOf(op: Operation): Call[] {
    return this.calls.filter((c) => c.op === op)
  }

  async headObject(key: string, options: HeadObjectOptions = {}): Promise<RemoteObject | undefined> {
    return this.withRetries({ op: 'headObject', key, headers: {} }, undefined, async () => {
      const object = this.objects.get(key)
      if (!object) return undefined
      void options
      return remoteOf(object)
    })
  }

  /** Content-Length of part `partNumber`; an object put in one piece is its own part 1. */
  async headPart(key: string, partNumber: number, options: HeadObjectOptions = {}): Promise<ObjectPart | undefined> {
    return this.withRetries({ op: 'headPart', key, headers: {}, partNumber }, undefined, async () => {
      void options
      const object = this.objects.get(key)
      if (!object) return undefined
      const sizes = object.partSizes ?? [object.bytes.length]
      const size = sizes[partNumber - 1]
      if (size === undefined) throw s3Error(416, 'InvalidPartNumber', 'HeadObject', key)
      return object.partSizes ? { size, partCount: sizes.length } : { size }
    })
  }

  // Inputs become the headers the S3 client sends for them, which the checks below read as S3 would.
  async putObject(key: string, input: PutObjectInput): Promise<PutObjectResult> {
    const headers = putObjectHeaders(input)
    return this.withRetries({ op: 'putObject', key, headers }, input.body, async (bytes) => {
      verifyDigests(headers, bytes, 'PutObject', key)
      this.checkConditions(key, headers, 'PutObject')
      const algorithm = headers['x-amz-sdk-checksum-algorithm'] as ChecksumAlgorithm | undefined
      const checksums: StoredObject['checksums'] = algorithm ? { [algorithm]: checksumOf(algorithm, bytes) } : {}
      const object: StoredObject = { bytes, etag: md5Hex(bytes), headers, checksums, checksumType: 'FULL_OBJECT', versionId: `v${this.nextId++}`, tags: tagsOf(headers) }
      this.objects.set(key, object)
      return { etag: object.etag, versionId: object.versionId, checksums, checksumType: 'FULL_OBJECT' }
    })
  }

  async createMultipartUpload(key: string, options: PutOptions): Promise<string> {
    const headers = createMultipartHeaders(options)
    return this.withRetries({ op: 'createMultipartUpload', key, headers }, undefined, async () => {
      const uploadId = `upload-${this.nextId++}`
      this.uploads.set(uploadId, { key, headers, parts: new Map() })
      return uploadId
    })
  }

  async uploadPart(key: string, input: UploadPartInput): Promise<UploadedPart> {
    const headers = uploadPartHeaders(input)
    const call = { op: 'uploadPart' as const, key, headers, uploadId: input.uploadId, partNumber: input.partNumber }
    return this.withRetries(call, input.body, async (bytes) => {
      const upload = this.uploadOf(input.uploadId, key, 'UploadPart')
      verifyDigests(headers, bytes, 'UploadPart', key)
      const algorithm = upload.headers['x-amz-checksum-algorithm'] as ChecksumAlgorithm
      if (headers[CHECKSUM_HEADERS[algorithm]] === undefined) throw s3Error(400, 'InvalidRequest', 'UploadPart', key)
      const checksums = { [algorithm]: checksumOf(algorithm, bytes) }
      upload.parts.set(input.partNumber, { bytes, md5: createHash('md5').update(bytes).digest(), checksums })
      return { partNumber: input.partNumber, etag: md5Hex(bytes), checksums }
    })
  }

  async completeMultipartUpload(key: string, input: CompleteMultipartInput): Promise<PutObjectResult> {
    const headers = completeMultipartHeaders(input)
    return this.withRetries({ op: 'completeMultipartUpload', key, headers, uploadId: input.uploadId }, undefined, async () => {
      const upload = this.uploadOf(input.uploadId, key, 'CompleteMultipartUpload')
      this.checkConditions(key, headers, 'CompleteMultipartUpload')
      const algorithm = upload.headers['x-amz-checksum-algorithm'] as ChecksumAlgorithm
      const chunks: Buffer[] = []
      const md5s: Buffer[] = []
      input.parts.forEach((part, i) => {
        const stored = upload.parts.get(part.partNumber)
        if (part.partNumber !== i + 1 || !stored || md5Hex(stored.bytes) !== part.etag || stored.checksums[algorithm] !== part.checksums[algorithm]) {
          throw s3Error(400, 'InvalidPart', 'CompleteMultipartUpload', key)
        }
        chunks.push(stored.bytes)
        md5s.push(stored.md5)
      })
      const bytes = Buffer.concat(chunks)
      const composite = upload.headers['x-amz-checksum-type'] === 'COMPOSITE'
      const claimed = headers[CHECKSUM_HEADERS[algorithm]]
      if (claimed !== undefined && claimed !== checksumOf(algorithm, bytes)) throw s3Error(400, 'BadDigest', 'CompleteMultipartUpload', key)
      const checksum = composite ? `${compositeOf(algorithm, input.parts.map((p) => upload.parts.get(p.partNumber)!.bytes))}-${md5s.length}` : checksumOf(algorithm, bytes)
      const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`
      const object: StoredObject = {
        bytes,
        etag,
        headers: upload.headers,
        checksums: { [algorithm]: checksum },
        checksumType: composite ? 'COMPOSITE' : 'FULL_OBJECT',
        partCount: md5s.length,
        partSizes: chunks.map((c) => c.length),
        versionId: `v${this.nextId++}`,
        tags: tagsOf(upload.headers),
      }
      this.objects.set(key, object)
      this.uploads.delete(input.uploadId)
      return { etag, versionId: object.versionId, checksums: object.checksums, checksumType: object.checksumType! }
    })
  }

  async abortMultipartUpload(key: string, uploadId: string, options: RequestOptions = {}): Promise<void> {
    void options
    await this.withRetries({ op: 'abortMultipartUpload', key, headers: {}, uploadId }, undefined, async () => {
      this.uploadOf(uploadId, key, 'AbortMultipartUpload')
      this.uploads.delete(uploadId)
    })
  }

  /** Copies onto itself only, as repairs do: REPLACE stores the request's headers; the tags stay (COPY) or are the request's. */
  async copyObject(key: string, input: CopyObjectInput): Promise<CopyObjectResult> {
    const headers = copyObjectHeaders(`example-bucket/${key}`, input)
    return this.withRetries({ op: 'copyObject', key, headers }, undefined, async () => {
      const source = this.copySource(key, headers, 'CopyObject')
      const algorithm = headers['x-amz-checksum-algorithm'] as ChecksumAlgorithm
      const tags = headers['x-amz-tagging-directive'] === 'REPLACE' ? tagsOf(headers) : source.tags
      const object: StoredObject = { bytes: source.bytes, etag: md5Hex(source.bytes), headers, checksums: { [algorithm]: checksumOf(algorithm, source.bytes) }, checksumType: 'FULL_OBJECT', versionId: `v${this.nextId++}`, tags }
      this.objects.set(key, object)
      return { etag: object.etag, versionId: object.versionId, checksums: object.checksums, lastModified: new Date(Date.UTC(2030, 0, 1, 0, 0, this.nextId)).toISOString() }
    })
  }

  async uploadPartCopy(key: string, input: UploadPartCopyInput): Promise<UploadedPart> {
    const headers = uploadPartCopyHeaders(`example-bucket/${key}`, input)
    const call = { op: 'uploadPartCopy' as const, key, headers, uploadId: input.uploadId, partNumber: input.partNumber }
    return this.withRetries(call, undefined, async () => {
      const upload = this.uploadOf(input.uploadId, key, 'UploadPartCopy')
      const source = this.copySource(key, headers, 'UploadPartCopy')
      const bytes = source.bytes.subarray(input.range.first, input.range.last + 1)
      const algorithm = upload.headers['x-amz-checksum-algorithm'] as ChecksumAlgorithm
      const checksums = { [algorithm]: checksumOf(algorithm, bytes) }
      upload.parts.set(input.partNumber, { bytes, md5: createHash('md5').update(bytes).digest(), checksums })
      return { partNumber: input.partNumber, etag: md5Hex(bytes), checksums }
    })
  }

  async putObjectTagging(key: string, tags: Record<string, string>): Promise<void> {
    await this.subresource('putObjectTagging', key, { tags: JSON.stringify(tags) }, (object) => (object.tags = { ...tags }))
  }

  async putObjectAcl(key: string, options: PutOptions): Promise<void> {
    const headers = putObjectAclHeaders(options)
    await this.subresource('putObjectAcl', key, headers, (object) => (object.acl = headers))
  }

  async putObjectRetention(key: string, retention: ObjectRetention): Promise<void> {
    await this.subresource('putObjectRetention', key, {}, (object) => (object.retention = retention))
  }

  async putObjectLegalHold(key: string, status: string): Promise<void> {
    await this.subresource('putObjectLegalHold', key, {}, (object) => (object.legalHold = status))
  }

  /** As S3 answers a conditional delete: 412 on another ETag, 404 when the key is gone; `versioned` adds a delete marker. */
  async deleteObject(key: string, input: DeleteObjectInput): Promise<DeleteObjectResult> {
    const headers = deleteObjectHeaders(input)
    return this.withRetries({ op: 'deleteObject', key, headers }, undefined, async () => {
      this.checkConditions(key, headers, 'DeleteObject')
      this.objects.delete(key)
      return this.versioned ? { versionId: `v${this.nextId++}`, deleteMarker: true } : {}
    })
  }

  /** One page, in S3's order (a listing in another order would hide keys from a LIST that stops at the last one it wants). */
  async *listObjectsV2(where: ListWhere = {}): AsyncIterable<ListedObject[]> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(where.prefix ?? '') && (where.startAfter === undefined || compareKeys(key, where.startAfter) > 0))
    yield keys.sort(compareKeys).map((key) => {
      const o = this.objects.get(key)!
      return { key, etag: o.etag, size: o.bytes.length, storageClass: 'STANDARD' }
    })
  }

  async getObject(key: string): Promise<StoredDocument | undefined> {
    const object = this.objects.get(key)
    return object && { body: object.bytes, etag: object.etag }
  }

  async getObjectTagging(key: string): Promise<Record<string, string>> {
    return this.withRetries({ op: 'getObjectTagging', key, headers: {} }, undefined, async () => ({ ...(this.objects.get(key)?.tags ?? {}) }))
  }

  async getObjectAcl(): Promise<RemoteAcl> {
    return { grants: [] }
  }

  async headBucket(): Promise<void> {}

  /** A bucket that tells nothing of its settings, unless a test sets them. */
  bucketFacts: BucketFacts = UNKNOWN_BUCKET_FACTS

  async getBucketFacts(): Promise<BucketFacts> {
    return this.bucketFacts
  }

  /** One call as the real client makes it: attempts until success, a final error, or maxAttempts. */
  private async withRetries<T>(base: Omit<Call, 'attempt'>, body: RequestBody | undefined, act: (bytes: Buffer) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt({ ...base, attempt }, body, act)
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.maxAttempts) throw error
      }
    }
  }

  private async attempt<T>(call: Call, body: RequestBody | undefined, act: (bytes: Buffer) => Promise<T>): Promise<T> {
    const carriesBody = call.op === 'putObject' || call.op === 'uploadPart'
    if (carriesBody) this.enter(call)
    try {
      let bytes: Buffer = Buffer.alloc(0)
      if (body !== undefined) {
        try {
          bytes = await readBody(body)
        } catch (error) {
          throw new NetworkError(error, { operation: call.op, key: call.key })
        }
        call.bodyLength = bytes.length
      }
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs))
      this.calls.push(call)
      await this.beforeAct?.(call)
      const fault = this.takeFault(call)
      if (fault?.when === 'before') throw faultError(fault, call)
      const result = await act(bytes)
      if (fault) throw faultError(fault, call)
      return result
    } finally {
      if (carriesBody) this.leave(call)
    }
  }

  private takeFault(call: Call): Fault | undefined {
    const fault = this.faults.find((f) => f.op === call.op && (f.key === undefined || f.key === call.key) && (f.partNumber === undefined || f.partNumber === call.partNumber) && (f.times ?? 1) > 0)
    if (fault) fault.times = (fault.times ?? 1) - 1
    return fault
  }

  private checkConditions(key: string, headers: Record<string, string>, operation: string): void {
    const existing = this.objects.get(key)
    if (headers['if-none-match'] === '*' && existing) throw s3Error(412, 'PreconditionFailed', operation, key)
    const ifMatch = headers['if-match']
    if (ifMatch !== undefined) {
      if (!existing) throw s3Error(404, 'NoSuchKey', operation, key)
      if (ifMatch !== `"${existing.etag}"`) throw s3Error(412, 'PreconditionFailed', operation, key)
    }
  }

  /** The source of a copy onto `key` itself, if it still has the ETag the condition names (S3: 412, or 404 when gone). */
  private copySource(key: string, headers: Record<string, string>, operation: string): StoredObject {
    const source = this.objects.get(key)
    if (!source) throw s3Error(404, 'NoSuchKey', operation, key)
    const ifMatch = headers['x-amz-copy-source-if-match']
    if (ifMatch !== undefined && ifMatch !== `"${source.etag}"`) throw s3Error(412, 'PreconditionFailed', operation, key)
    return source
  }

  private async subresource(op: Operation, key: string, headers: Record<string, string>, act: (object: StoredObject) => void): Promise<void> {
    await this.withRetries({ op, key, headers }, undefined, async () => {
      const object = this.objects.get(key)
      if (!object) throw s3Error(404, 'NoSuchKey', op, key)
      act(object)
    })
  }

  private uploadOf(uploadId: string, key: string, operation: string): Upload {
    const upload = this.uploads.get(uploadId)
    if (!upload || upload.key !== key) throw s3Error(404, 'NoSuchUpload', operation, key)
    return upload
  }

  private enter(call: Call): void {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    if (call.uploadId !== undefined) {
      const n = (this.partsInFlight.get(call.uploadId) ?? 0) + 1
      this.partsInFlight.set(call.uploadId, n)
      this.maxPartsInFlight = Math.max(this.maxPartsInFlight, n)
    }
  }

  private leave(call: Call): void {
    this.inFlight--
    if (call.uploadId !== undefined) this.partsInFlight.set(call.uploadId, (this.partsInFlight.get(call.uploadId) ?? 1) - 1)
  }
}

export function remoteOf(object: StoredObject): RemoteObject {
  const remote: RemoteObject = {
    etag: object.etag,
    size: object.bytes.length,
    versionId: object.versionId,
    checksums: object.checksums,
    // What HeadObject reports: the headers the write stored, as the S3 client reads them back.
    headers: headerOptions(object.headers),
  }
  if (object.checksumType) remote.checksumType = object.checksumType
  if (object.partCount !== undefined) remote.partCount = object.partCount
  return remote
}

function tagsOf(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(headers['x-amz-tagging'] ?? ''))
}

function verifyDigests(headers: Record<string, string>, bytes: Buffer, operation: string, key: string): void {
  const md5 = headers['content-md5']
  if (md5 !== undefined && md5 !== createHash('md5').update(bytes).digest('base64')) throw s3Error(400, 'BadDigest', operation, key)
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const claimed = headers[CHECKSUM_HEADERS[algorithm]]
    if (claimed !== undefined && claimed !== checksumOf(algorithm, bytes)) throw s3Error(400, 'BadDigest', operation, key)
  }
}

async function readBody(body: RequestBody): Promise<Buffer> {
  const opened = typeof body === 'function' ? body() : body
  if (typeof opened === 'string' || Buffer.isBuffer(opened)) return Buffer.from(opened)
  const chunks: Buffer[] = []
  for await (const chunk of opened) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

function faultError(fault: Fault, call: Call): Error {
  const operation = call.op.charAt(0).toUpperCase() + call.op.slice(1)
  if (fault.status === undefined) return new NetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { operation, key: call.key })
  return s3Error(fault.status, fault.code ?? 'InternalError', operation, call.key)
}

export function s3Error(status: number, s3Code: string, operation: string, key: string): S3ServiceError {
  return new S3ServiceError({ status, s3Code, s3Message: `${s3Code} (fake)`, context: { operation, key } })
}

export function md5Hex(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex')
}

export function checksumOf(algorithm: ChecksumAlgorithm, bytes: Buffer): string {
  const hasher = createChecksumHasher(algorithm)
  hasher.update(bytes)
  return hasher.digest()
}

function compositeOf(algorithm: ChecksumAlgorithm, parts: Buffer[]): string {
  const hash = algorithm === 'SHA1' ? 'sha1' : 'sha256'
  return createHash(hash).update(Buffer.concat(parts.map((p) => createHash(hash).update(p).digest()))).digest('base64')
}
