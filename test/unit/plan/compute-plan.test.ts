import { describe, expect, it } from 'vitest'
import { computePlan, optionsFix, planItem as itemOf, type ObjectFacts } from '../../../src/plan/compute-plan.js'
import { describeReason } from '../../../src/plan/reason.js'
import { hasChanges, type FilePlanItem, type Plan, type PlanItem } from '../../../src/plan/plan.js'
import { fromPlanDocument, toPlanDocument } from '../../../src/plan/plan-document.js'
import type { PlanOrigin, PlanWithOrigin } from '../../../src/plan/plan-origin.js'
import { CHECKSUM_ALGORITHMS } from '../../../src/plan/local-digest.js'
import { REDACTED, type PutOptions } from '../../../src/plan/put-options.js'
import { bytes, checksumOf, factsFor, md5Hex, opaqueEtag, remoteObject, uploadedObject } from './builders.js'

const data = bytes(64, 1)
const other = bytes(64, 2)
const html: PutOptions = { contentType: 'text/html' }

/** The item, with its reasons as the views print them. */
const planItem = (facts: ObjectFacts) => {
  const item = itemOf(facts)
  return { ...item, reasons: item.reasons.map(describeReason) }
}

const plan = (...objects: ObjectFacts[]) => computePlan({ bucket: 'example-site', manifestDigest: 'digest', objects })

describe('planItem: actions', () => {
  it('creates a missing object', () => {
    const item = planItem(factsFor(data, { key: 'a.html', options: html }, undefined))
    expect(item).toMatchObject({ key: 'a.html', action: 'create', reasons: ['new object'], size: data.length })
    expect(item).not.toHaveProperty('remoteEtag')
  })

  it('leaves an object with the same content and headers unchanged, with no reasons', () => {
    const remote = uploadedObject(data, html)
    const item = planItem(factsFor(data, { options: html }, remote))
    expect(item).toMatchObject({ action: 'unchanged', reasons: [], remoteEtag: remote.etag })
  })

  it('updates changed content, listing the content and header reasons together', () => {
    const remote = uploadedObject(other, { contentType: 'text/plain', cacheControl: 'max-age=60' })
    const item = planItem(factsFor(data, { options: { ...html, cacheControl: 'no-cache' } }, remote))
    expect(item).toMatchObject({ action: 'update', remoteEtag: remote.etag })
    expect(item.reasons).toEqual(['content changed', 'cacheControl: "max-age=60" -> "no-cache"', 'contentType: "text/plain" -> "text/html"'])
  })

  it('repairs headers alone in place when the content is the same, naming the operations', () => {
    const remote = uploadedObject(data, { contentType: 'text/plain' })
    expect(planItem(factsFor(data, { options: html }, remote))).toMatchObject({
      action: 'repair',
      reasons: ['contentType: "text/plain" -> "text/html"'],
      remoteEtag: remote.etag,
      repairs: ['copy'],
    })
  })

  it('uploads again when only an upload can fix a drifted option, saying why', () => {
    const key = Buffer.alloc(32, 7).toString('base64')
    const remote = uploadedObject(data, { ...html, sseCustomerKey: Buffer.alloc(32, 8).toString('base64') })
    const item = planItem(factsFor(data, { options: { ...html, sseCustomerKey: key } }, remote))
    expect(item).toMatchObject({ action: 'update', remoteEtag: remote.etag })
    expect(item.reasons).toEqual([
      'sseCustomerKey: the object was written with another key',
      'sseCustomerKey cannot be repaired in place: a copy of an SSE-C object needs the key it is encrypted with now, which the manifest does not give',
    ])
  })

  it('leaves content that cannot be verified undecided, saying why, and never calls it unchanged', () => {
    const remote = remoteObject({ etag: opaqueEtag(), size: data.length, headers: { contentType: 'text/html', serverSideEncryption: 'aws:kms' } })
    const item = planItem(factsFor(data, { options: html }, remote))
    expect(item.action).toBe('undecided')
    expect(item.reasons).toHaveLength(1)
    expect(item.reasons[0]).toMatch(/^content cannot be verified: /)
    expect(item.reasons[0]).toContain('SSE-KMS')
  })

  it('gives its reasons as data: what differs, what the manifest wants, what the bucket has', () => {
    const remote = uploadedObject(other, { contentType: 'text/plain', cacheControl: 'max-age=60' })
    const item = itemOf(factsFor(data, { options: { ...html, cacheControl: 'no-cache' } }, remote))
    expect(item.reasons).toEqual([
      { code: 'content-changed', option: 'content', evidence: 'checksum CRC64NVME', want: checksumOf('CRC64NVME', data), have: checksumOf('CRC64NVME', other) },
      { code: 'option-drift', option: 'cacheControl', want: 'no-cache', have: 'max-age=60' },
      { code: 'option-drift', option: 'contentType', want: 'text/html', have: 'text/plain' },
    ])
  })

  it('names a changed SSE-C key without either key', () => {
    const key = Buffer.alloc(32, 7).toString('base64')
    const remote = uploadedObject(data, { ...html, sseCustomerKey: Buffer.alloc(32, 8).toString('base64') })
    const item = itemOf(factsFor(data, { options: { ...html, sseCustomerKey: key } }, remote))
    expect(item.reasons).toContainEqual({ code: 'option-drift', option: 'sseCustomerKey' })
    expect(JSON.stringify(item.reasons)).not.toContain(key)
  })

  it('carries the size and digests of the file, not of the remote', () => {
    const item = planItem(factsFor(data, { options: html, source: 'dist/a.html' }, uploadedObject(bytes(3), html)))
    expect(item).toMatchObject({ size: data.length, source: 'dist/a.html', local: { md5: md5Hex(data) }, reasons: ['content changed'] })
  })
})

describe('optionsFix: what the options alone call for, known before the file is read', () => {
  const oldKey = Buffer.alloc(32, 8).toString('base64')
  const newKey = Buffer.alloc(32, 7).toString('base64')
  const cases: Array<[string, PutOptions, PutOptions, 'none' | 'repair' | 'upload']> = [
    ['same headers', html, html, 'none'],
    ['another Content-Type', html, { contentType: 'text/plain' }, 'repair'],
    ['a Cache-Control added', { ...html, cacheControl: 'no-cache' }, html, 'repair'],
    ['create-only, with other headers', { ...html, ifNoneMatch: '*' }, { contentType: 'text/plain' }, 'repair'],
    ['another SSE-C key', { ...html, sseCustomerKey: newKey }, { ...html, sseCustomerKey: oldKey }, 'upload'],
    ['create-only, another SSE-C key', { ...html, ifNoneMatch: '*', sseCustomerKey: newKey }, { ...html, sseCustomerKey: oldKey }, 'none'],
  ]

  it.each(cases)('%s: %s', (_name, options, remoteHeaders, fix) => {
    expect(optionsFix(options, uploadedObject(data, remoteHeaders))).toBe(fix)
  })

  it.each(cases)('%s: says what planItem does with the same bytes', (_name, options, remoteHeaders) => {
    const remote = uploadedObject(data, remoteHeaders)
    const action = planItem(factsFor(data, { options }, remote)).action
    expect(optionsFix(options, remote)).toBe(action === 'repair' ? 'repair' : action === 'update' ? 'upload' : 'none')
  })
})

describe('planItem: create-only (ifNoneMatch "*")', () => {
  const createOnly: PutOptions = { ...html, ifNoneMatch: '*' }

  it('creates a missing object', () => {
    expect(planItem(factsFor(data, { options: createOnly }, undefined))).toMatchObject({ action: 'create', reasons: ['new object'] })
  })

  it('leaves an object with the same content and options unchanged', () => {
    const remote = uploadedObject(data, html)
    expect(planItem(factsFor(data, { options: createOnly }, remote))).toMatchObject({ action: 'unchanged', reasons: [], remoteEtag: remote.etag })
  })

  it('repairs the options of an object with the same content in place, visibly: create-only protects the bytes', () => {
    const remote = uploadedObject(data, { contentType: 'text/plain', cacheControl: 'max-age=60', metadata: { a: '1' } })
    expect(planItem(factsFor(data, { options: createOnly }, remote))).toMatchObject({
      action: 'repair',
      reasons: ['cacheControl: "max-age=60" -> (none)', 'contentType: "text/plain" -> "text/html"', 'metadata: {"a":"1"} -> {}'],
      remoteEtag: remote.etag,
      repairs: ['copy'],
    })
  })

  it('is a conflict, with the reasons, when the same content has options only an upload could fix', () => {
    const options: PutOptions = { ...createOnly, sseCustomerKey: Buffer.alloc(32, 7).toString('base64') }
    const remote = uploadedObject(data, { ...html, sseCustomerKey: Buffer.alloc(32, 8).toString('base64') })
    const item = planItem(factsFor(data, { options }, remote))
    expect(item).toMatchObject({ action: 'conflict', remoteEtag: remote.etag })
    expect(item.reasons).toEqual([
      'create-only object already exists with the same content, but only an upload could fix its options',
      'sseCustomerKey: the object was written with another key',
      'sseCustomerKey cannot be repaired in place: a copy of an SSE-C object needs the key it is encrypted with now, which the manifest does not give',
    ])
  })

  it('is a conflict when the content differs', () => {
    const remote = uploadedObject(other, createOnly)
    expect(planItem(factsFor(data, { options: createOnly }, remote))).toEqual(
      expect.objectContaining({ action: 'conflict', reasons: ['create-only object already exists and its content differs'], remoteEtag: remote.etag }),
    )
  })

  it('is a conflict when the content cannot be verified', () => {
    const remote = remoteObject({ etag: opaqueEtag(), size: data.length, headers: { contentType: 'text/html', sseCustomerAlgorithm: 'AES256' } })
    const item = planItem(factsFor(data, { options: createOnly }, remote))
    expect(item.action).toBe('conflict')
    expect(item.reasons).toEqual(['create-only object already exists and its content cannot be verified: the object is SSE-C encrypted and has no checksum to compare'])
  })
})

describe('planItem: checksum pins', () => {
  const pins = {
    checksumCRC32: 'CRC32',
    checksumCRC32C: 'CRC32C',
    checksumSHA1: 'SHA1',
    checksumSHA256: 'SHA256',
    checksumCRC64NVME: 'CRC64NVME',
  } as const

  it.each(Object.entries(pins))('%s: a file that breaks the pin is a conflict, even when the object is missing', (field, algorithm) => {
    const options = { ...html, [field]: checksumOf(algorithm, other) }
    const missing = planItem(factsFor(data, { options }, undefined))
    expect(missing.action).toBe('conflict')
    expect(missing.reasons).toEqual([`${field}: the manifest pins ${checksumOf(algorithm, other)} but the file's is ${checksumOf(algorithm, data)}`])
    expect(missing).not.toHaveProperty('remoteEtag')

    const remote = uploadedObject(other, html)
    expect(planItem(factsFor(data, { options }, remote))).toMatchObject({ action: 'conflict', remoteEtag: remote.etag })
  })

  it.each(Object.entries(pins))('%s: a file that keeps the pin is planned as usual', (field, algorithm) => {
    const options = { ...html, [field]: checksumOf(algorithm, data) }
    expect(planItem(factsFor(data, { options }, undefined)).action).toBe('create')
    expect(planItem(factsFor(data, { options }, uploadedObject(data, html))).action).toBe('unchanged')
    expect(planItem(factsFor(data, { options }, uploadedObject(other, html))).action).toBe('update')
  })

  it('wins over create-only and reports every broken pin', () => {
    const options: PutOptions = { ...html, ifNoneMatch: '*', checksumSHA256: checksumOf('SHA256', other), checksumCRC32: checksumOf('CRC32', other) }
    const item = planItem(factsFor(data, { options }, uploadedObject(data, html)))
    expect(item.action).toBe('conflict')
    expect(item.reasons.map((r) => r.split(':')[0])).toEqual(['checksumCRC32', 'checksumSHA256'])
  })

  it('says so when the pinned algorithm was not computed', () => {
    const options = { ...html, checksumSHA1: checksumOf('SHA1', data) }
    const item = planItem(factsFor(data, { options }, undefined, { algorithms: ['CRC64NVME'] }))
    expect(item.action).toBe('conflict')
    expect(item.reasons[0]).toContain('(not computed)')
  })
})

describe('computePlan', () => {
  it('counts each action in the summary', () => {
    const p = plan(
      factsFor(data, { key: 'new-1', options: html }, undefined),
      factsFor(data, { key: 'new-2', options: html }, undefined),
      factsFor(data, { key: 'same', options: html }, uploadedObject(data, html)),
      factsFor(data, { key: 'changed', options: html }, uploadedObject(other, html)),
      factsFor(data, { key: 'taken', options: { ...html, ifNoneMatch: '*' } }, uploadedObject(other, html)),
    )
    expect(p.summary).toEqual({ create: 2, update: 1, repair: 0, delete: 0, unchanged: 1, undecided: 0, conflict: 1 })
    expect(p).toMatchObject({ bucket: 'example-site', manifestDigest: 'digest' })
    expect(hasChanges(p)).toBe(true)
  })

  it('has no changes when everything is unchanged or in conflict', () => {
    const p = plan(
      factsFor(data, { key: 'same', options: html }, uploadedObject(data, html)),
      factsFor(data, { key: 'taken', options: { ...html, ifNoneMatch: '*' } }, uploadedObject(other, html)),
    )
    expect(p.summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 1, undecided: 0, conflict: 1 })
    expect(hasChanges(p)).toBe(false)
    expect(plan().summary).toEqual({ create: 0, update: 0, repair: 0, delete: 0, unchanged: 0, undecided: 0, conflict: 0 })
  })

  it('sorts items by key in byte order (UTF-8, as S3 lists keys)', () => {
    const keys = ['b', 'a/b', 'B', 'a', 'ä', '\u{FF21}', '\u{1F600}', 'a-b', 'Z', 'a b', 'é', 'a~']
    const p = plan(...keys.map((key) => factsFor(data, { key, options: html }, undefined)))
    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))
    expect(p.items.map((i) => i.key)).toEqual(byBytes)
    expect(byBytes).toEqual(['B', 'Z', 'a', 'a b', 'a-b', 'a/b', 'a~', 'b', 'ä', 'é', '\u{FF21}', '\u{1F600}'])
  })

  it('does not depend on the order of its input', () => {
    const facts = ['c', 'a', 'b'].map((key) => factsFor(data, { key, options: html }, undefined))
    expect(plan(...facts)).toEqual(plan(...[...facts].reverse()))
  })
})

describe('computePlan right after putplan applied it: zero changes', () => {
  // The local digest has what the plan workflow computes: the declared algorithm (else
  // CRC64NVME) plus any the bucket reports, and the part size the bucket's part 1 reveals.
  const encryptions: [string, PutOptions][] = [
    ['bucket default', {}],
    ['SSE-S3', { serverSideEncryption: 'AES256' }],
    ['SSE-KMS', { serverSideEncryption: 'aws:kms', ssekmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', bucketKeyEnabled: true }],
    ['DSSE-KMS', { serverSideEncryption: 'aws:kms:dsse' }],
    ['SSE-C', { sseCustomerKey: Buffer.from(bytes(32, 9)).toString('base64') }],
  ]
  for (const [name, encryption] of encryptions) {
    for (const checksumAlgorithm of [undefined, ...CHECKSUM_ALGORITHMS]) {
      for (const partSize of [undefined, 16]) {
        it(`${name}, ${checksumAlgorithm ?? 'no checksumAlgorithm'}, ${partSize ? 'multipart' : 'single part'}`, () => {
          const options: PutOptions = { ...html, metadata: { Commit: 'abc' }, ...encryption, ...(checksumAlgorithm && { checksumAlgorithm }) }
          const remote = { ...uploadedObject(data, options, { partSize }), ...(partSize && { firstPartSize: partSize }) }
          const algorithms = [...new Set([checksumAlgorithm ?? 'CRC64NVME', ...(Object.keys(remote.checksums) as typeof CHECKSUM_ALGORITHMS[number][])])]
          const item = planItem(factsFor(data, { options }, remote, { algorithms, ...(partSize && { partSize }) }))
          expect(item).toMatchObject({ action: 'unchanged', reasons: [] })
        })
      }
    }
  }
})

describe('plan document', () => {
  const key = Buffer.from(bytes(32, 5)).toString('base64')
  const origin: PlanOrigin = { planId: 'f'.repeat(32), manifest: { path: 'uploads.yaml', relativeTo: 'directory', textDigest: 'e'.repeat(64), variables: {}, secrets: { KEY: 'd'.repeat(64) } } }
  const withOrigin = (computed: Plan): PlanWithOrigin => ({ ...computed, origin })
  const p = withOrigin(plan(
    factsFor(data, { key: 'new', options: html }, undefined),
    factsFor(data, { key: 'changed', options: { ...html, sseCustomerKey: key } }, uploadedObject(other, { ...html, sseCustomerKey: key })),
    factsFor(data, { key: 'same', options: html }, uploadedObject(data, html)),
    factsFor(data, { key: 'taken', options: { ...html, ifNoneMatch: '*' } }, uploadedObject(other, html)),
    factsFor(data, { key: 'pinned', options: { ...html, checksumSHA256: checksumOf('SHA256', other) } }, undefined),
  ))

  it('round-trips actions, reasons, remote ETags and the origin', () => {
    const back = fromPlanDocument(JSON.parse(JSON.stringify(toPlanDocument(p))))
    expect(back.summary).toEqual(p.summary)
    expect(back.bucket).toBe(p.bucket)
    expect(back.manifestDigest).toBe(p.manifestDigest)
    expect(back.origin).toEqual(origin)
    const shape = (q: typeof p) => q.items.map((i) => ({ key: i.key, action: i.action, reasons: i.reasons, remoteEtag: 'remoteEtag' in i ? i.remoteEtag : undefined, local: 'local' in i ? i.local : undefined }))
    expect(shape(back)).toEqual(shape(p))
    expect(back.items.find((i) => i.key === 'pinned')).not.toHaveProperty('remoteEtag')
    expect(back.items.find((i) => i.key === 'new')).not.toHaveProperty('remoteEtag')
  })

  it('has the documented shape', () => {
    const doc = toPlanDocument(p)
    expect(Object.keys(doc)).toEqual(['formatVersion', 'version', 'planId', 'bucket', 'manifest', 'manifestDigest', 'planDigest', 'summary', 'actions'])
    expect(doc).toMatchObject({ formatVersion: 3, version: 1, planId: origin.planId, bucket: 'example-site', manifest: origin.manifest, summary: { create: 1, update: 1, repair: 0, delete: 0, unchanged: 1, undecided: 0, conflict: 2 } })
    expect(doc.actions.map((a) => a.key)).toEqual(['changed', 'new', 'pinned', 'same', 'taken'])
    for (const action of doc.actions) expect(Object.keys(action)).toEqual(expect.arrayContaining(['key', 'action', 'reasons', 'source', 'size']))
  })

  it('never holds the SSE-C key, in any form', () => {
    const doc = toPlanDocument(p)
    const text = JSON.stringify(doc)
    expect(text).not.toContain(key)
    expect(text).not.toContain(Buffer.from(key, 'base64').toString('hex'))
    const optionsOf = (items: readonly PlanItem[]) => (items.find((i) => i.key === 'changed') as FilePlanItem).options
    expect(doc.actions.find((a) => a.key === 'changed')?.options?.sseCustomerKey).toBe(REDACTED)
    expect(optionsOf(fromPlanDocument(doc).items).sseCustomerKey).toBe(REDACTED)
    // The plan value itself is untouched: apply needs the key.
    expect(optionsOf(p.items).sseCustomerKey).toBe(key)
  })
})
