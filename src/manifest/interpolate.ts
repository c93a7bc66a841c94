import { isScalar, visit, type Scalar } from 'yaml'
import type { Diagnostic } from '../errors/index.js'
import { didYouMean } from './did-you-mean.js'
import { rangeOf, type YamlSource } from './yaml-source.js'

export type Variables = Readonly<Record<string, string | undefined>>

/** `${NAME}`, or the escape `$${` which stands for a literal `${`. */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Replaces `${NAME}` in every string value of the document, in place, from `vars`
 * (`--var` first, then the environment: the caller merges them). Returns the scalars
 * that contained a variable, with the names each refers to (so secret fields can insist
 * on one, and a saved plan can record the values used), and a diagnostic for every
 * undefined or malformed reference at its own line and column. With `declared`, only those
 * names may be referred to: the environment of a CI job holds its secrets, and a manifest
 * from a pull request must not be able to print any of them by naming it. The `variables`
 * block, which declares them, is not interpolated.
 */
export function interpolate(
  source: YamlSource,
  vars: Variables,
  declared?: ReadonlySet<string>,
): { interpolated: Map<Scalar, string[]>; unresolved: Set<Scalar>; diagnostics: Diagnostic[] } {
  const interpolated = new Map<Scalar, string[]>()
  const unresolved = new Set<Scalar>()
  const diagnostics: Diagnostic[] = []
  visit(source.doc, {
    Pair(_, pair, path) {
      if (path.length === 2 && isScalar(pair.key) && pair.key.value === 'variables') return visit.SKIP
    },
    Scalar(role, scalar) {
      if (role === 'key' || typeof scalar.value !== 'string' || !scalar.value.includes('$')) return
      const result = substitute(scalar.value, vars, declared)
      if (result.references > 0) interpolated.set(scalar, result.names)
      if (result.problems.length > 0) unresolved.add(scalar)
      scalar.value = result.text
      for (const problem of result.problems) diagnostics.push(locate(source, scalar, problem, declared))
    },
  })
  return { interpolated, unresolved, diagnostics }
}

interface Problem {
  reference: string
  name: string
  kind: 'undefined' | 'malformed' | 'undeclared'
  /** Which reference of the value it is (0-based, escapes not counted). */
  ordinal: number
}

/** `names`: the well-formed variable names referred to, defined or not, each once, in order. */
export function substitute(text: string, vars: Variables, declared?: ReadonlySet<string>): { text: string; references: number; names: string[]; problems: Problem[] } {
  const problems: Problem[] = []
  const names = new Set<string>()
  let references = 0
  const out = text.replace(REFERENCE, (reference, name: string | undefined) => {
    if (name === undefined) return '${'
    const ordinal = references++
    if (!VARIABLE_NAME.test(name)) {
      problems.push({ reference, name, kind: 'malformed', ordinal })
      return reference
    }
    if (declared !== undefined && !declared.has(name)) {
      problems.push({ reference, name, kind: 'undeclared', ordinal })
      return reference
    }
    names.add(name)
    const value = vars[name]
    if (value === undefined) problems.push({ reference, name, kind: 'undefined', ordinal })
    return value ?? reference
  })
  return { text: out, references, names: [...names], problems }
}

/**
 * Points at the reference inside the scalar's source text, which holds it verbatim: the
 * same ordinal among the references written there (a repeated `${A}`, or one after an
 * escaped `$${A}`, is found at its own place, not at the first look-alike).
 */
function locate(source: YamlSource, scalar: Scalar, problem: Problem, declared: ReadonlySet<string> | undefined): Diagnostic {
  const [start, end] = scalar.range ?? [0, 0]
  const written = [...source.text.slice(start, end).matchAll(REFERENCE)].filter((match) => match[1] !== undefined)
  const match = written[problem.ordinal]
  const found = match?.[0] === problem.reference ? match : undefined
  const from = found ? start + found.index : start
  const range = rangeOf(source, from, found ? from + problem.reference.length : end)
  if (problem.kind === 'malformed') {
    return {
      code: 'bad-variable',
      summary: `"${problem.reference}" is not a valid variable reference`,
      detail: 'expected ${NAME} with NAME made of letters, digits and _ (write $${ for a literal ${)',
      file: source.file,
      range,
    }
  }
  if (problem.kind === 'undeclared') {
    const near = didYouMean(problem.name, declared ?? [])
    return {
      code: 'undeclared-variable',
      summary: `variable ${problem.name} is not declared${near === undefined ? '' : `; did you mean ${near}?`}`,
      detail: `expected a name declared under variables: (${problem.name}: { description: ... }); only declared variables are read from --var and the environment`,
      file: source.file,
      range,
    }
  }
  return {
    code: 'undefined-variable',
    summary: `variable ${problem.name} is not defined`,
    detail: `expected --var ${problem.name}=VALUE, an environment variable ${problem.name}${declared === undefined ? '' : ', or a default in its declaration'}`,
    file: source.file,
    range,
  }
}
