import type { Diagnostic } from '../errors/index.js'
import type { PutOptionName, PutOptions } from '../plan/put-options.js'
import type { RawManifest } from './manifest.js'
import { entryOwnOptions } from './resolve-options.js'
import { keyNodeAt, nodeRange, type JsonPath, type YamlSource } from './yaml-source.js'

const GRANTS = ['grantFullControl', 'grantRead', 'grantReadACP', 'grantWriteACP'] as const satisfies readonly PutOptionName[]

/**
 * Options S3 accepts one by one but refuses together, judged on what each entry sends
 * (defaults, then each rule that may apply to it, then the entry, merged): a canned ACL with grant headers (S3 answers 400
 * InvalidRequest), and an Object Lock retention mode without its date or a date without
 * its mode (S3 needs both). Each problem is reported once, at the option the entry (or
 * `defaults`) declares, even when many entries inherit it.
 */
export function checkOptionPairs(source: YamlSource, manifest: RawManifest): Diagnostic[] {
  const found = new Map<string, Diagnostic>()
  const rules: (PutOptions | undefined)[] = [undefined, ...(manifest.rules ?? [])]
  manifest.uploads.forEach((entry, index) => rules.forEach((rule, position) => {
    const options: PutOptions = { ...manifest.defaults, ...rule, ...(entryOwnOptions(entry) as PutOptions) }
    const ruleIndex = position - 1
    const at = (name: PutOptionName): JsonPath =>
      entry[name] !== undefined ? ['uploads', index, name] : rule?.[name] !== undefined ? ['rules', ruleIndex, name] : ['defaults', name]
    const report = (name: PutOptionName, summary: string, detail: string) => {
      const range = nodeRange(source, keyNodeAt(source, at(name)))
      found.set(`${range.line}:${range.col}`, { code: 'conflicting-fields', summary, detail, file: source.file, range })
    }
    const grant = GRANTS.find((name) => options[name] !== undefined)
    if (options.acl !== undefined && grant !== undefined) {
      const later = entry[grant] !== undefined || entry.acl === undefined ? grant : 'acl'
      report(later, `"acl" cannot be used with "${grant}"`, 'S3 refuses a canned ACL together with grant headers: declare either acl or the grant* options')
    }
    const lockProblem = objectLockProblem(options)
    if (lockProblem !== undefined) report(lockProblem.declared, lockProblem.summary, 'S3 needs objectLockMode and objectLockRetainUntilDate together to retain an object')
  }))
  return [...found.values()]
}

function objectLockProblem(options: PutOptions): { declared: PutOptionName; summary: string } | undefined {
  const mode = options.objectLockMode !== undefined
  const date = options.objectLockRetainUntilDate !== undefined
  if (mode && !date) return { declared: 'objectLockMode', summary: '"objectLockMode" needs "objectLockRetainUntilDate"' }
  if (date && !mode) return { declared: 'objectLockRetainUntilDate', summary: '"objectLockRetainUntilDate" needs "objectLockMode"' }
  return undefined
}
