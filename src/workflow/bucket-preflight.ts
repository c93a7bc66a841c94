import { PutplanError, type Diagnostic } from '../errors/index.js'
import type { Manifest } from '../manifest/index.js'
import { bucketPreflight, describeBucketFacts, type BucketFacts, type BucketProblem } from '../plan/index.js'

/**
 * The bucket's settings, checked against the manifest before any write: what the bucket
 * would refuse halfway through an apply stops the plan here (exit 1, naming the entry and
 * the setting), and what it would do other than the manifest suggests comes back as the
 * plan's warnings. A saved plan is checked again when applied, against settings read then:
 * four small GETs, cheaper than a refusal halfway through.
 * @throws PutplanError `bucket-refused` with a diagnostic per entry
 */
export function checkBucketFacts(manifest: Manifest, facts: BucketFacts): string[] {
  const problems = bucketPreflight(facts, manifest.objects)
  const errors = problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) {
    const n = errors.length
    throw new PutplanError('bucket-refused', `the bucket would refuse ${n === 1 ? 'an entry' : `${n} entries`} of the manifest (${describeBucketFacts(facts)}); nothing was written`, errors.map((p) => diagnostic(manifest, p)))
  }
  return problems.map((p) => `uploads[${p.entry.index}] (line ${p.entry.line}): ${p.message}`)
}

function diagnostic(manifest: Manifest, problem: BucketProblem): Diagnostic {
  const { line, col } = problem.entry
  return {
    code: 'bucket-refuses',
    summary: `uploads[${problem.entry.index}]: ${problem.message}`,
    file: manifest.file,
    range: { line, col, endLine: line, endCol: col + 1 },
  }
}
