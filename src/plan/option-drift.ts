import { aclDrift } from './acl-drift.js'
import { OPTIONS, type OptionSpec } from './option-table.js'
import type { PutOptionName, PutOptions } from './put-options.js'
import type { Reason, ReasonValue } from './reason.js'
import type { RemoteObject } from './remote-object.js'
import { sseCustomerKeyMD5 } from './sse-customer-key.js'

type Value = ReasonValue | undefined

/**
 * One reason per option whose value in the bucket differs from what PutObject would send,
 * after normalising S3's defaults, in the table's order. Each option is compared as the
 * option table says; the grants and the canned ACL make one reason (`acl`).
 */
export function optionDrift(desired: PutOptions, remote: RemoteObject): Reason[] {
  const reasons: Reason[] = []
  for (const [name, spec] of OPTIONS) {
    if (spec.compare === 'none' || spec.compare === 'grants') continue
    const want = wanted(name, spec, desired)
    if (want === undefined && spec.absent === 'bucket-decides') continue
    const have = reported(name, spec, remote)
    if (have === undefined && spec.unreported === 'skip') continue
    if (!same(spec, want, have, remote)) reasons.push(drift(name, spec, want, have))
  }
  if (remote.acl !== undefined) {
    const acl = aclDrift(desired, remote.acl)
    if (acl !== undefined) reasons.push({ code: 'option-drift', option: 'acl', want: acl.want, have: acl.have })
  }
  return reasons
}

/** What PutObject would leave on the object: the declared value, else S3's default. */
function wanted(name: PutOptionName, spec: OptionSpec, desired: PutOptions): Value {
  const value = desired[name] as Value
  if (value !== undefined) return spec.compare === 'metadata' ? lowerKeys(value as Record<string, string>) : value
  if (typeof spec.absent === 'object' && (spec.absent.onlyWith === undefined || desired[spec.absent.onlyWith] !== undefined)) return spec.absent.default
  return spec.compare === 'metadata' ? {} : undefined
}

function reported(name: PutOptionName, spec: OptionSpec, remote: RemoteObject): Value {
  if (spec.readBack === 'tagging') return remote.tagging
  switch (spec.compare) {
    case 'sse-c-key':
      return remote.headers.sseCustomerKeyMD5
    case 'checksum-algorithm':
      // Shown as the one the object has; `same` asks whether it has the wanted one.
      return Object.keys(remote.checksums)[0]
    default:
      return remote.headers[name as keyof RemoteObject['headers']] as Value
  }
}

function same(spec: OptionSpec, want: Value, have: Value, remote: RemoteObject): boolean {
  switch (spec.compare) {
    case 'checksum-algorithm':
      return remote.checksums[want as keyof RemoteObject['checksums']] !== undefined
    case 'instant':
      return sameInstant(want as string | undefined, have as string | undefined)
    case 'metadata':
    case 'map':
      return sameMap((want ?? {}) as Record<string, string>, (have ?? {}) as Record<string, string>)
    case 'flag':
      return (want ?? false) === (have ?? false)
    case 'kms-key':
      return sameKmsKey(want as string, have as string)
    case 'sse-c-key':
      return sseCustomerKeyMD5(want as string) === have
    default:
      return want === have
  }
}

/** `want`, as the reason shows it: secrets never, and absent flags as what S3 reports. */
function drift(name: PutOptionName, spec: OptionSpec, want: Value, have: Value): Reason {
  if (spec.secret === true) return { code: 'option-drift', option: name }
  if (spec.compare === 'flag') return { code: 'option-drift', option: name, want: want ?? false, have: have ?? false }
  return { code: 'option-drift', option: name, ...(want === undefined ? {} : { want }), ...(have === undefined ? {} : { have }) }
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/** S3 stores metadata names in lower case. */
function lowerKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]))
}

/** Dates travel as HTTP dates (second precision): compare instants, not spellings. */
function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000)
}

/** S3 reports the key's ARN; a manifest may name it by id or ARN. Aliases cannot be checked here. */
function sameKmsKey(declared: string, reported: string): boolean {
  if (declared.startsWith('alias/') || declared.includes(':alias/')) return true
  return reported === declared || reported.endsWith(`:key/${declared}`) || reported.endsWith(`/${declared}`)
}
