import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { fromPlanDocument, toPlanDocument, type PlanDocument, type FilePlanItem, type PlanItem } from '../../../src/plan/index.js'
import { renderPlanJson } from '../../../src/render/plan-json.js'
import { conflict, create, mixedPlan, planOf, prunedPlan, unchanged, update, CONTENT_CHANGED, CREATE_ONLY_DIFFERS } from './plan-builder.js'

type Schema = { [keyword: string]: unknown }
const readJson = (relative: string) => JSON.parse(readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8')) as Schema

const planSchema = readJson('../../../schema/plan.schema.json')
const uploadsSchema = readJson('../../../schema/uploads.schema.json')

// ajv-formats is CommonJS; under NodeNext its default export sits on `.default`.
const addFormats = addFormatsModule.default
const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)
const validate = ajv.compile(planSchema)

function errorsOf(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

function documentOf(text: string): PlanDocument & Record<string, unknown> {
  return JSON.parse(text) as PlanDocument & Record<string, unknown>
}

describe('renderPlanJson', () => {
  it('prints the plan document', async () => {
    const text = renderPlanJson(mixedPlan())
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-json.mixed.json')
    expect(documentOf(text)).toEqual(toPlanDocument(mixedPlan()))
  })

  it('is valid against schema/plan.schema.json, for every builder plan', () => {
    for (const plan of [mixedPlan(), planOf([]), planOf([unchanged('a'), unchanged('b')]), prunedPlan()]) {
      expect(errorsOf(documentOf(renderPlanJson(plan)))).toEqual([])
    }
  })

  it('carries prune\'s report and reads it back; the schema refuses a delete that names a file', () => {
    const document = documentOf(renderPlanJson(prunedPlan()))
    expect(document.prune).toEqual(prunedPlan().prune)
    expect(fromPlanDocument(document)).toEqual(prunedPlan())
    const withFile = documentOf(renderPlanJson(prunedPlan()))
    withFile.actions.find((a) => a.action === 'delete')!.source = 'dist/x'
    expect(validate(withFile)).toBe(false)
  })

  it('reads back into the same plan', () => {
    expect(fromPlanDocument(documentOf(renderPlanJson(mixedPlan())))).toEqual(mixedPlan())
  })

  it('is refused by the schema without a summary, or with a field it does not know', () => {
    const { summary: _summary, ...withoutSummary } = documentOf(renderPlanJson(mixedPlan()))
    expect(errorsOf(withoutSummary)).toContain(" must have required property 'summary'")
    expect(validate({ ...documentOf(renderPlanJson(mixedPlan())), extra: true })).toBe(false)
  })

  it('is refused by the schema when an update lacks the ETag apply needs, or a digest is malformed', () => {
    const document = documentOf(renderPlanJson(planOf([update('a', [CONTENT_CHANGED])])))
    const action = document.actions[0]!
    delete action.remoteEtag
    expect(validate(document)).toBe(false)
    const bad = documentOf(renderPlanJson(planOf([create('a')])))
    bad.actions[0]!.local!.md5 = 'not-hex'
    expect(validate(bad)).toBe(false)
    expect(validate({ ...documentOf(renderPlanJson(planOf([]))), manifestDigest: 'abc' })).toBe(false)
  })

  it('requires the MD5 of a file uploaded in one piece (its Content-MD5), and of no file left alone', () => {
    const withoutMd5 = (item: PlanItem) => {
      const document = documentOf(renderPlanJson(planOf([item])))
      delete document.actions[0]!.local!.md5
      return document
    }
    expect(errorsOf(withoutMd5(create('a')))).toContain("/actions/0/local must have required property 'md5'")
    expect(errorsOf(withoutMd5(update('a', [CONTENT_CHANGED])))).toContain("/actions/0/local must have required property 'md5'")
    expect(errorsOf(withoutMd5(unchanged('a')))).toEqual([])
    expect(errorsOf(withoutMd5(conflict('a', [CREATE_ONLY_DIFFERS])))).toEqual([])
  })

  it('names exactly the put options of the manifest schema', () => {
    const names = (schema: Schema) => Object.keys(((schema.$defs as Record<string, Schema>).putOptions!.properties ?? {}) as Schema).sort()
    expect(names(planSchema)).toEqual(names(uploadsSchema))
  })

  it('has a description on every property (conditions in allOf restate properties, and are not walked)', () => {
    const missing: string[] = []
    const walk = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return
      const properties = (node as Schema).properties as Record<string, Schema> | undefined
      for (const [name, property] of Object.entries(properties ?? {})) if (typeof property.description !== 'string') missing.push(`${at}/properties/${name}`)
      for (const [name, child] of Object.entries(node)) if (name !== 'allOf') walk(child, `${at}/${name}`)
    }
    walk(planSchema, '#')
    expect(missing).toEqual([])
  })
})

describe('toPlanDocument', () => {
  it('never includes an sseCustomerKey value', () => {
    const secret = 'c2VjcmV0LWtleS0zMi1ieXRlcy1sb25nLWZvci1zc2VjIQ=='
    const plan = planOf([create('a', { options: { sseCustomerAlgorithm: 'AES256', sseCustomerKey: secret } }), update('b', [CONTENT_CHANGED], { options: { sseCustomerKey: secret } })])
    const text = renderPlanJson(plan)
    expect(text).not.toContain(secret)
    expect(JSON.stringify(toPlanDocument(plan))).not.toContain(secret)
    for (const action of documentOf(text).actions) expect(action.options?.sseCustomerKey).toBe('(secret)')
    expect(errorsOf(documentOf(text))).toEqual([])
    expect((plan.items[0] as FilePlanItem).options.sseCustomerKey).toBe(secret)
  })

  it('is refused by the schema without its origin, or with a secret variable whose value is not a digest', () => {
    const { manifest: _manifest, ...withoutOrigin } = documentOf(renderPlanJson(mixedPlan()))
    expect(errorsOf(withoutOrigin)).toContain(" must have required property 'manifest'")
    const leaked = documentOf(renderPlanJson(mixedPlan()))
    leaked.manifest.secrets.SSE_KEY = 'c2VjcmV0LWtleS0zMi1ieXRlcy1sb25nLWZvci1zc2VjIQ=='
    expect(errorsOf(leaked)).toContain('/manifest/secrets/SSE_KEY must match pattern "^[0-9a-f]{64}$"')
  })

  it('is refused by the schema if a key ever slipped through', () => {
    const document = documentOf(renderPlanJson(planOf([create('a', { options: { sseCustomerKey: '(secret)' } })])))
    document.actions[0]!.options!.sseCustomerKey = 'c2VjcmV0'
    expect(validate(document)).toBe(false)
  })
})
