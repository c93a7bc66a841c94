import { PutplanError, type Diagnostic } from '../errors/index.js'
import type { Manifest } from '../manifest/index.js'
import { bucketPreflight, describeBucketFacts, storePreflight, type BucketFacts, type BucketProblem, type StoreProfile } from '../plan/index.js'

/**
 * The bucket's settings and the store's profile, checked against the manifest before any
 * write: what the bucket would refuse halfway through an apply, or a guarantee the store
 * cannot give, stops the plan here (exit 1, naming the entry and why); what it would do
 * other than the manifest suggests comes back as the plan's warnings. A saved plan is checked
 * again when applied, against settings read then: four small GETs, cheaper than a refusal
 * halfway through.
 * @throws PutplanError `bucket-refused` with a diagnostic per problem
 */
export function preflight(manifest: Manifest, facts: BucketFacts, profile: StoreProfile): string[] {
  const problems = [...storePreflight(profile, { objects: manifest.objects, prune: manifest.prune !== undefined }), ...bucketPreflight(facts, manifest.objects)]
  problems.sort((a, b) => (a.entry?.index ?? -1) - (b.entry?.index ?? -1))
  const errors = problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) {
    const n = errors.length
    const why = `compatibility ${profile.name}; ${describeBucketFacts(facts)}`
    throw new PutplanError('bucket-refused', `the bucket would refuse or could not honour ${n === 1 ? 'a part' : `${n} parts`} of the manifest (${why}); nothing was written`, errors.map((p) => diagnostic(manifest, p)))
  }
  return problems.map((p) => (p.entry === undefined ? p.message : `uploads[${p.entry.index}] (line ${p.entry.line}): ${p.message}`))
}

function diagnostic(manifest: Manifest, problem: BucketProblem): Diagnostic {
  if (problem.entry === undefined) return { code: 'bucket-refuses', summary: problem.message, file: manifest.file }
  const { line, col, index } = problem.entry
  return { code: 'bucket-refuses', summary: `uploads[${index}]: ${problem.message}`, file: manifest.file, range: { line, col, endLine: line, endCol: col + 1 } }
}
