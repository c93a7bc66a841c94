import type { Diagnostic } from '../errors/index.js'
import type { Compression } from '../plan/desired-object.js'
import type { PutOptions } from '../plan/put-options.js'
import type { StoreName } from '../plan/store-profile.js'
import type { DesiredObject } from './desired-object.js'

/** Where and how to reach the bucket; flags may override these. */
export interface BucketSettings {
  bucket: string
  region?: string
  endpoint?: string
  profile?: string
  /** The store behind the endpoint, when not AWS (`compatibility`). */
  compatibility?: StoreName
}

/** A valid manifest, expanded: every object it wants, sorted by key. */
export interface Manifest extends BucketSettings {
  /** Absolute path of the manifest file. */
  file: string
  /** SHA-256 (hex) of the manifest's text and resolved objects: a saved plan is stale when it differs. */
  digest: string
  /** SHA-256 (hex) of the manifest's text alone, so that a saved plan can say the text is what changed. */
  textDigest: string
  /** The variables the manifest refers to, with the values it was read with. */
  variables: ManifestVariable[]
  objects: DesiredObject[]
  /** Where putplan's record of what it wrote lives, if the manifest keeps one. */
  state?: StateLocation
  /** Present when the manifest asks to delete what it no longer declares (and then `state` is too). */
  prune?: PruneSettings
  /** Folders outside the work tree its files may come from (`--allow-outside`, `allowOutside`), relative to the work tree's root. */
  allowOutside?: string[]
  /** Links leading outside that `symlinks: skip` left out. */
  skippedLinks?: SkippedLink[]
  /** Problems that do not make the manifest invalid (severity warning), for the command to show. */
  warnings?: readonly Diagnostic[]
  /** The CloudFront distribution to invalidate after an apply that changed something. */
  cloudfront?: CloudFrontSettings
}

export interface ManifestVariable {
  name: string
  value: string
  /** Declared `secret: true`, or referred to by a secret option (`sseCustomerKey`): never printed or saved. */
  secret: boolean
}

/** A symbolic link leading out of the boundary, left out by `symlinks: skip`: the plan lists it. */
export interface SkippedLink {
  /** Relative to the manifest's folder, `/`-separated. */
  path: string
  /** What the link says, as written in it. */
  target: string
}

export interface StateLocation {
  key: string
  /** Defaults to the manifest's bucket. */
  bucket?: string
}

/** `prune`, with its defaults filled in. */
export interface PruneSettings {
  maxDeletes: number
  /** Globs on keys that are never deleted. */
  protect: string[]
}

/** A safety net, not a quota: a site rarely drops a thousand pages in one change by intent. */
export const DEFAULT_MAX_DELETES = 1000

/** `prune` as written: `true`, or its settings. */
export type RawPrune = boolean | { maxDeletes?: number; protect?: string[] }

/** A variable the manifest declares (`variables: { NAME: {...} }`): only declared names are read. */
export interface VariableDeclaration {
  description?: string
  /** The value when neither `--var` nor the environment gives one. */
  default?: string
  /** Never printed (shown as `(secret)`), never allowed in keys or paths, never saved in a plan (a slow digest only). */
  secret?: boolean
}

/** An entry of `uploads` as the schema admits it. */
export interface RawEntry extends PutOptions {
  source: string | string[]
  exclude?: string | string[]
  root?: string
  prefix?: string
  key?: string
  allowEmpty?: boolean
  compress?: Compression
}

/** The manifest's data as the schema admits it, after variables are substituted. */
export interface RawManifest extends BucketSettings {
  version: 1
  expectedBucketOwner?: string
  requestPayer?: string
  state?: StateLocation
  prune?: RawPrune
  allowOutside?: string[]
  symlinks?: 'error' | 'skip'
  variables?: Record<string, VariableDeclaration>
  defaults?: PutOptions
  uploads: RawEntry[]
  rules?: RawRule[]
  cdn?: { cloudfront: RawCloudFront }
}

/** `cdn.cloudfront` as written. */
export interface RawCloudFront {
  distributionId: string
  paths?: 'changed' | string[]
  maxPaths?: number
}

/** `cdn.cloudfront` with its defaults filled in. */
export interface CloudFrontSettings {
  distributionId: string
  /** `changed`: the changed objects' paths; else these paths after any change. */
  paths: 'changed' | string[]
  maxPaths: number
}

/** A rule of `rules`: put options for the keys its glob matches (the first matching rule applies). */
export interface RawRule extends PutOptions {
  match: string
  phase?: 'last'
  compress?: Compression
}

/** Fields of an entry that say which files and keys; all others are PutObject options. */
export const ENTRY_SELECTORS = ['source', 'exclude', 'root', 'prefix', 'key', 'allowEmpty'] as const
