import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { OPTIONS, OPTION_NAMES, SECRET_OPTIONS } from '../../../src/plan/option-table.js'

const planSchema = JSON.parse(readFileSync(new URL('../../../schema/plan.schema.json', import.meta.url), 'utf8')) as {
  $defs: { action: { properties: { repairs: { items: { enum: string[] } } } }; putOptions: { properties: Record<string, unknown> } }
}

describe('the option table', () => {
  it('is what the plan schema names: the same options, and the repair operations a plan can hold', () => {
    expect([...OPTION_NAMES].sort()).toEqual(Object.keys(planSchema.$defs.putOptions.properties).sort())
    const operations = new Set(OPTIONS.map(([, spec]) => spec.repair).filter((repair) => repair !== 'upload' && repair !== 'none'))
    expect([...operations].sort()).toEqual([...planSchema.$defs.action.properties.repairs.items.enum].sort())
  })

  it('says how every option stored on the object is read back and fixed', () => {
    for (const [name, spec] of OPTIONS) {
      if (spec.compare === 'none') {
        expect({ name, readBack: spec.readBack, repair: spec.repair }).toEqual({ name, readBack: 'none', repair: 'none' })
      } else {
        expect(spec.readBack, name).not.toBe('none')
        expect(spec.repair, name).not.toBe('none')
      }
    }
  })

  it('gives each option its own request header', () => {
    const headers = OPTIONS.map(([, spec]) => spec.header)
    expect(new Set(headers).size).toBe(headers.length)
  })

  it('marks the SSE-C key, and only it, secret', () => {
    expect(SECRET_OPTIONS).toEqual(['sseCustomerKey'])
  })
})
