import { OPTION_TABLE, REPAIR_OPERATIONS, type RepairOperation } from './option-table.js'
import type { PutOptionName } from './put-options.js'
import type { Reason } from './reason.js'
import type { RemoteObject } from './remote-object.js'

/** How the drift of an object whose bytes are right gets fixed: in place, or only by an upload (and why). */
export type RepairChoice = { repairs: RepairOperation[] } | { upload: Extract<Reason, { code: 'needs-upload' }> }

/** Storage classes S3 copies only after a restore: CopyObject of such an object fails. */
const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE'])

/**
 * The operations that fix `drift` without sending the bytes, as the option table says for
 * each drifted option, in `REPAIR_OPERATIONS` order. With `copy` among them, apply's one
 * CopyObject carries every stored option (the ACL and the lock as headers, the tags
 * replaced when `tagging` is listed), so the list says what changes, not how many calls.
 * An option only an upload fixes, or a copy S3 would refuse (an archived object), makes it
 * an upload, with the reason.
 */
export function chooseRepair(drift: readonly Reason[], remote: RemoteObject): RepairChoice {
  /** Each operation, with the first option that needs it. */
  const operations = new Map<RepairOperation, PutOptionName>()
  for (const reason of drift) {
    if (reason.code !== 'option-drift') continue
    const repair = OPTION_TABLE[reason.option].repair
    if (repair === 'upload') return { upload: { code: 'needs-upload', option: reason.option, why: uploadOnly(remote) } }
    if (repair !== 'none' && !operations.has(repair)) operations.set(repair, reason.option)
  }
  const copied = operations.get('copy')
  const storageClass = remote.headers.storageClass
  if (copied !== undefined && ARCHIVED.has(storageClass)) {
    return { upload: { code: 'needs-upload', option: copied, why: `the object is in ${storageClass}, which S3 copies only once it is restored` } }
  }
  return { repairs: REPAIR_OPERATIONS.filter((operation) => operations.has(operation)) }
}

/** The options only an upload fixes are those of SSE-C: the table says so, and this says why. */
function uploadOnly(remote: RemoteObject): string {
  return remote.headers.sseCustomerAlgorithm === undefined
    ? 'putplan encrypts an object with a customer-provided key only as it uploads it'
    : 'a copy of an SSE-C object needs the key it is encrypted with now, which the manifest does not give'
}
