import type { Plan } from './plan.js'

/**
 * What a saved plan needs to be applied alone, in another job and another checkout: where
 * its manifest is, a digest of the text it was read from, and the values of the variables
 * it was read with. Never a secret's value: only a slow, salted digest of each, against
 * which apply checks the value it reads again.
 */
export interface PlanOrigin {
  /**
   * 128 random bits (hex): no two plans are alike, even of an unchanged world, so the state
   * record can remember applied plans by digest; also the salt of the secret digests.
   */
  planId: string
  manifest: ManifestOrigin
}

export interface ManifestOrigin {
  /** The manifest's path, with `/` separators, relative to `relativeTo`. */
  path: string
  /**
   * `repository`: the root of the git work tree that holds the manifest, so that any clone
   * finds it again; `directory`: the directory plan ran in (a manifest outside git).
   */
  relativeTo: 'repository' | 'directory'
  /** Hex SHA-256 of the manifest's text. */
  textDigest: string
  /** The manifest's variables that no secret option uses, by name, with the values the plan was made with. */
  variables: Record<string, string>
  /** The variables secret options use, by name: a digest of each value (`workflow/secret-digest.ts`), never the value. */
  secrets: Record<string, string>
}

/** A plan with its origin: what `plan` prints as JSON and saves, and what `apply PLANFILE` reads. */
export type PlanWithOrigin = Plan & { origin: PlanOrigin }
