import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PutplanError } from '../../../src/errors/index.js'
import { readPlanFile, writePlanFile } from '../../../src/workflow/plan-file.js'
import { toPlanDocument } from '../../../src/plan/index.js'
import { create, mixedPlan, planOf } from '../render/plan-builder.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'putplan-plan-file-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function refusal(document: unknown): Promise<PutplanError> {
  const file = join(dir, `plan-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, JSON.stringify(document))
  const error = await readPlanFile(file).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(PutplanError)
  return error as PutplanError
}

describe('readPlanFile', () => {
  it('reads back what writePlanFile saved', async () => {
    const file = join(dir, 'plan.json')
    const plan = mixedPlan()
    await writePlanFile(file, plan)
    const saved = await readPlanFile(file)
    expect(saved.plan).toEqual(plan)
    expect(saved.planDigest).toBe(toPlanDocument(plan).planDigest)
  })

  it('refuses plans of formats 1 and 2 by name, telling to plan again', async () => {
    const v1 = { formatVersion: 1, version: 1, bucket: 'b', manifestDigest: 'a'.repeat(64), planDigest: 'b'.repeat(64), summary: { create: 0, update: 0, unchanged: 0, conflict: 0 }, actions: [] }
    const summary = { create: 0, update: 0, repair: 0, delete: 0, unchanged: 0, undecided: 0, conflict: 0 }
    // A plan of format 2 has no origin: it could not be applied alone.
    const v2 = { formatVersion: 2, version: 1, bucket: 'b', manifestDigest: 'a'.repeat(64), planDigest: 'b'.repeat(64), summary, actions: [] }
    for (const [old, version] of [[v1, 1], [v2, 2]] as const) {
      const error = await refusal(old)
      expect(error.code).toBe('plan-file-invalid')
      expect(error.message).toContain(`made by an older putplan (plan format ${version}; this one reads format 3)`)
      expect(error.message).toContain('make a new plan with putplan plan --out')
    }
  })

  it('refuses a plan of a newer format by name', async () => {
    const error = await refusal({ formatVersion: 4 })
    expect(error.message).toContain('made by a newer putplan (plan format 4')
  })

  it('refuses a plan whose reasons are not data', async () => {
    const file = join(dir, 'strings.json')
    await writePlanFile(file, planOf([create('a')]))
    const { readFile } = await import('node:fs/promises')
    const document = JSON.parse(await readFile(file, 'utf8')) as { actions: { reasons: unknown[] }[] }
    document.actions[0]!.reasons = ['new object']
    expect((await refusal(document)).message).toContain('is not a valid plan file: /actions/0/reasons/0')
  })
})
