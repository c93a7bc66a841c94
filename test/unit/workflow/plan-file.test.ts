import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PutplanError } from '../../../src/errors/index.js'
import { readPlanFile, writePlanFile } from '../../../src/workflow/plan-file.js'
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
    expect(await readPlanFile(file)).toEqual(plan)
  })

  it('refuses a plan of format 1 by name, telling to plan again', async () => {
    const old = { formatVersion: 1, version: 1, bucket: 'b', manifestDigest: 'a'.repeat(64), planDigest: 'b'.repeat(64), summary: { create: 0, update: 0, unchanged: 0, conflict: 0 }, actions: [] }
    const error = await refusal(old)
    expect(error.code).toBe('plan-file-invalid')
    expect(error.message).toContain('made by an older putplan (plan format 1; this one reads format 2)')
    expect(error.message).toContain('make a new plan with putplan plan --out')
  })

  it('refuses a plan of a newer format by name', async () => {
    const error = await refusal({ formatVersion: 3 })
    expect(error.message).toContain('made by a newer putplan (plan format 3')
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
