import { createHash } from 'node:crypto'
import path from 'node:path'
import { ManifestInvalidError, type Diagnostic, type SourceRange } from '../errors/index.js'
import { realpathSync } from 'node:fs'
import { boundaryOf, contains, describeBoundary, shownFolder, type Boundary } from './boundary.js'
import { checkCompress } from './check-compress.js'
import { checkContentEncoding } from './check-content-encoding.js'
import { checkRules, secretPaths } from './check-rules.js'
import { checkRulesUsed } from './check-rules-used.js'
import { checkSchema } from './check-schema.js'
import { expandEntries } from './expand-entries.js'
import { interpolate, type Variables } from './interpolate.js'
import type { DesiredObject } from './desired-object.js'
import { DEFAULT_MAX_DELETES, type Manifest, type ManifestVariable, type PruneSettings, type RawManifest, type RawPrune, type VariableDeclaration } from './manifest.js'
import { withoutSecrets } from '../plan/put-options.js'
import { DEFAULT_MAX_PATHS } from '../plan/invalidation-paths.js'
import { redactSecrets } from '../plan/redact-secrets.js'
import { checkSecretPlacement, declaredVariables, variableValues } from './declared-variables.js'
import { nodeAt, nodeRange, parseYaml, type YamlSource } from './yaml-source.js'
import { NotRegularFileError, readRegularFile } from '../util/open-regular-file.js'

export interface LoadOptions {
  /** Path of the manifest, as the user gave it (shown in messages). */
  file: string
  /** `--var` values, which win over the environment. */
  vars?: Variables
  env?: Variables
  /** The manifest's text, when the caller has read it already (to check it before loading). */
  text?: string
  /** Folders outside the work tree that sources may come from (`--allow-outside`), absolute or relative to the working directory. */
  allowOutside?: readonly string[]
}

/**
 * Reads, checks and expands a manifest. Stages run in order and each reports every problem
 * it finds; a later stage runs only on input the earlier ones accepted.
 * @throws ManifestInvalidError with all diagnostics
 */
export async function loadManifest(options: LoadOptions): Promise<Manifest> {
  const dir = path.dirname(path.resolve(options.file))
  const flagged = (options.allowOutside ?? []).map((d) => path.resolve(d))
  refuseManifestOutside(options.file, boundaryOf(dir, flagged))
  const text = options.text ?? (await readManifestText(options.file))
  const { source, diagnostics: syntax } = parseYaml(options.file, text)
  failIf(syntax)
  const declared = declaredVariables(source)
  const values = variableValues(declared, options.vars ?? {}, options.env ?? {})
  const { interpolated, unresolved, diagnostics: variables } = interpolate(source, values, new Set(declared.keys()))
  const data = source.doc.toJS({ maxAliasCount: 100 }) as unknown
  // Messages quote values (a schema error names the value it refuses): never a secret's.
  const declaredSecrets = [...declared].filter(([, d]) => d.secret === true).map(([name]) => values[name] ?? '')
  const fail = (found: Diagnostic[]) => failIf(redactSecrets(found, declaredSecrets))
  // A value still holding an unresolved `${...}` fails its schema rule only because of it.
  const unresolvedAt = new Set([...unresolved].map((scalar) => positionKey(nodeRange(source, scalar))))
  const schemaProblems = checkSchema(source, data).filter((d) => !d.range || !unresolvedAt.has(positionKey(d.range)))
  fail([...variables, ...schemaProblems])
  const raw = data as RawManifest
  const used = variablesUsed(source, raw, interpolated, values, declared)
  const secretNames = new Set(used.filter((v) => v.secret).map((v) => v.name))
  fail([...checkRules(source, raw, interpolated), ...checkSecretPlacement(source, interpolated, secretNames)])
  const secrets = used.filter((v) => v.secret).map((v) => v.value)
  const boundary = boundaryOf(dir, [...flagged, ...(raw.allowOutside ?? []).map((d) => path.resolve(dir, d))])
  const confinement = { boundary, realDir: realpathSync.native(dir), skipLinks: raw.symlinks === 'skip' }
  const { objects, diagnostics, skipped } = await expandEntries(source, raw, dir, confinement)
  fail(diagnostics)
  fail(await checkCompress(source, raw, objects))
  const warnings = [...checkRulesUsed(source, raw, objects), ...(await checkContentEncoding(source, raw, objects))]
  return {
    file: path.resolve(options.file),
    digest: manifestDigest(text, objects, secrets),
    textDigest: createHash('sha256').update(text).digest('hex'),
    variables: used,
    bucket: raw.bucket,
    region: raw.region,
    endpoint: raw.endpoint,
    profile: raw.profile,
    ...(raw.compatibility === undefined ? {} : { compatibility: raw.compatibility }),
    objects,
    ...(raw.state === undefined ? {} : { state: raw.state }),
    ...pruneSettings(raw.prune),
    ...(raw.cdn === undefined ? {} : { cloudfront: { distributionId: raw.cdn.cloudfront.distributionId, paths: raw.cdn.cloudfront.paths ?? 'changed', maxPaths: raw.cdn.cloudfront.maxPaths ?? DEFAULT_MAX_PATHS } }),
    ...(boundary.allowed.length === 0 ? {} : { allowOutside: boundary.allowed.map((d) => shownFolder(boundary, d)) }),
    ...(skipped.length === 0 ? {} : { skippedLinks: skipped }),
    ...(warnings.length === 0 ? {} : { warnings }),
  }
}

/**
 * Covers the text and what it resolved to (variables, globs, sizes), so a saved plan is
 * stale when either changed. The digest is written to plan files, so no secret enters it,
 * not even as the SSE-C key's MD5 (one fast hash, which would let whoever reads the plan
 * test guesses of a weak key): a saved plan checks its secrets by a slow digest of each.
 */
function manifestDigest(text: string, objects: readonly DesiredObject[], secrets: readonly string[]): string {
  const hash = createHash('sha256').update(text)
  // Objects of one rule and extension share their options object: it is written out once
  // (the same text as `JSON.stringify([key, source, size, options])`).
  const optionsText = new Map<DesiredObject['options'], string>()
  for (const object of objects) {
    let options = optionsText.get(object.options)
    if (options === undefined) optionsText.set(object.options, (options = JSON.stringify(redactSecrets(withoutSecrets(object.options), secrets))))
    hash.update(`[${JSON.stringify(object.key)},${JSON.stringify(object.source)},${JSON.stringify(object.size)},${options}]`)
  }
  return hash.digest('hex')
}

function pruneSettings(prune: RawPrune | undefined): { prune?: PruneSettings } {
  if (prune === undefined || prune === false) return {}
  const written = prune === true ? {} : prune
  return { prune: { maxDeletes: written.maxDeletes ?? DEFAULT_MAX_DELETES, protect: written.protect ?? [] } }
}

/** Every variable the manifest refers to, sorted by name; secret when declared so, or when a secret option refers to it. */
function variablesUsed(
  source: YamlSource,
  raw: RawManifest,
  interpolated: ReadonlyMap<unknown, readonly string[]>,
  values: Variables,
  declared: ReadonlyMap<string, VariableDeclaration>,
): ManifestVariable[] {
  const secret = new Set(secretPaths(raw).flatMap((at) => interpolated.get(nodeAt(source, at)) ?? []))
  const names = new Set([...interpolated.values()].flat())
  return [...names].sort().map((name) => ({ name, value: values[name]!, secret: secret.has(name) || declared.get(name)?.secret === true }))
}

/** A manifest that is a link to a file outside the work tree would show that file's lines in its errors. */
function refuseManifestOutside(file: string, boundary: Boundary): void {
  let real: string
  try {
    real = realpathSync.native(file)
  } catch {
    return // missing or unreadable: reading it says so
  }
  if (contains(boundary, real)) return
  throw new ManifestInvalidError([
    {
      code: 'symlink-outside',
      summary: `manifest ${file} leads to ${real}, outside ${describeBoundary(boundary)}`,
      detail: 'expected the manifest to lie inside the git work tree that holds its path (nothing outside is read)',
      file,
    },
  ])
}

async function readManifestText(file: string): Promise<string> {
  try {
    return await readRegularFile(file)
  } catch (error) {
    if (error instanceof NotRegularFileError) {
      const detail = 'expected the manifest to be a YAML file (putplan never reads FIFOs, sockets or devices: one could make it wait for ever)'
      throw new ManifestInvalidError([{ code: 'special-file', summary: `manifest ${file} is ${error.kind}, not a regular file`, detail, file }])
    }
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new ManifestInvalidError([
      {
        code: missing ? 'manifest-not-found' : 'manifest-unreadable',
        summary: missing ? `manifest ${file} not found` : `manifest ${file} cannot be read: ${(error as Error).message}`,
        detail: missing ? 'expected uploads.yaml in this folder, or -f PATH; `putplan init` writes a starter manifest' : undefined,
        file,
      },
    ])
  }
}

function positionKey(range: SourceRange): string {
  return `${range.line}:${range.col}`
}

function failIf(diagnostics: Diagnostic[]): void {
  if (diagnostics.length > 0) throw new ManifestInvalidError(sortByPosition(diagnostics))
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => (a.range?.line ?? 0) - (b.range?.line ?? 0) || (a.range?.col ?? 0) - (b.range?.col ?? 0))
}
