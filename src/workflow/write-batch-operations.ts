import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PutplanError } from '../errors/index.js'
import { batchFiles, batchOperations, type BatchExport, type PlanWithOrigin } from '../plan/index.js'

/**
 * `plan --emit-batch-operations DIR`: the plan's repairs that S3 Batch Operations can do,
 * as job files in DIR (made if need be). DIR must be empty: job files left from another
 * plan beside these would be taken for part of it.
 */
export async function writeBatchOperations(dir: string, plan: PlanWithOrigin): Promise<BatchExport> {
  await checkBatchDir(dir)
  const exported = batchOperations(plan)
  await mkdir(dir, { recursive: true })
  for (const file of batchFiles(exported, { bucket: plan.bucket, planId: plan.origin.planId })) {
    await writeFile(path.join(dir, file.name), file.text)
  }
  return exported
}

/** Refuses a folder that is not empty (checked again before writing, and first before planning). */
export async function checkBatchDir(dir: string): Promise<void> {
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw new PutplanError('usage', `--emit-batch-operations ${dir}: cannot read it (${error.code ?? error.message})`)
  })
  if (existing.length > 0) {
    throw new PutplanError('usage', `--emit-batch-operations ${dir}: the folder is not empty; name a new or empty folder (job files of another plan must not mix with these)`)
  }
}
