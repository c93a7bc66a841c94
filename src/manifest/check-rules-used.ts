import type { Diagnostic } from '../errors/index.js'
import type { DesiredObject } from './desired-object.js'
import type { RawManifest } from './manifest.js'
import { compileRules, firstRule } from './resolve-options.js'
import { nodeAt, nodeRange, type YamlSource } from './yaml-source.js'

/**
 * A rule that applies to no object is a warning at its `match`: a mistyped glob, or one that
 * an earlier rule shadows (the first match wins), would otherwise go unnoticed.
 */
export function checkRulesUsed(source: YamlSource, manifest: RawManifest, objects: readonly DesiredObject[]): Diagnostic[] {
  const rules = compileRules(manifest.rules)
  if (rules.length === 0) return []
  const used = new Set<number>()
  for (const object of objects) {
    const rule = firstRule(rules, object.key)
    if (rule !== undefined) used.add(rule.index)
    if (used.size === rules.length) return []
  }
  return rules
    .filter((rule) => !used.has(rule.index))
    .map((rule): Diagnostic => {
      const matchesAny = objects.some((object) => rule.matches(object.key))
      return {
        code: 'rule-unused',
        severity: 'warning',
        summary: `rules[${rule.index}] applies to no object: ${matchesAny ? 'every key its match fits is taken by an earlier rule' : `no key matches ${JSON.stringify(manifest.rules![rule.index]!.match)}`}`,
        detail: 'expected a glob on object keys (after prefix), e.g. **/*.html; the first matching rule applies to a key',
        file: source.file,
        range: nodeRange(source, nodeAt(source, ['rules', rule.index, 'match'])),
      }
    })
}
