import { describe, expect, it } from 'vitest'
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js'
import { codeCell } from '../../../src/render/plan-markdown-escape.js'
import { conflict, create, mixedPlan, planOf, prunedPlan, repair, unchanged, update, CONTENT_CHANGED, CREATE_ONLY_DIFFERS, drift } from './plan-builder.js'

/** The cells of a GitHub table row, split as GFM does: on `|` not preceded by `\`. */
function cells(row: string): string[] {
  return row.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim())
}

describe('renderPlanMarkdown', () => {
  it('draws a heading, a summary table, conflicts in the open and changes folded', async () => {
    const text = renderPlanMarkdown(mixedPlan())
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-markdown.mixed.md')
    expect(text.startsWith('### putplan: bucket `example-site`\n')).toBe(true)
    expect(text).toContain('| action | objects | bytes |')
    const conflictsAt = text.indexOf('releases/latest.json')
    const detailsAt = text.indexOf('<details>')
    expect(conflictsAt).toBeGreaterThan(0)
    expect(conflictsAt).toBeLessThan(detailsAt)
    expect(text).toContain('</details>')
    expect(text.trimEnd().endsWith('**Plan: 2 to create, 2 to update, 0 to repair, 0 to delete, 2 unchanged, 0 undecided, 1 in conflict.**')).toBe(true)
  })

  it('gives repairs their own <details>, each row with its reasons and how it is made', () => {
    const text = renderPlanMarkdown(planOf([repair('site/a.css', [drift('cacheControl', 'max-age=60', 'no-cache')], ['copy']), repair('site/b.css', [drift('tagging', { team: 'ops' }, { team: 'web' })], ['tagging'])]))
    expect(text).toContain('| * repair | 2 | 3.00 KiB |')
    expect(text).toContain('<details><summary>* to repair in place: 2 objects, 3.00 KiB</summary>')
    expect(text).toContain('| * | `site/a.css` | 1.50 KiB | `cacheControl: "max-age=60" -> "no-cache"`<br>`in place: CopyObject onto itself, tags kept` |')
    expect(text).toContain('| * | `site/b.css` | 1.50 KiB | `tagging: {"team":"ops"} -> {"team":"web"}`<br>`in place: PutObjectTagging` |')
  })

  it('gives deletes their own section and lists what prune leaves alone, keys as code spans', async () => {
    const text = renderPlanMarkdown(prunedPlan())
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-markdown.prune.md')
    expect(text).toContain('| - delete | 2 | 2.88 KiB |')
    expect(text).toContain('<details><summary>- to delete: 2 objects, 2.88 KiB</summary>')
    expect(text).toContain('| - | `site/old.html` | 2.00 KiB | `no longer in the manifest (putplan wrote it)` |')
    expect(text).toContain('<details><summary>Unowned: 12 objects in site/ that putplan did not write; never deleted</summary>')
    expect(text).toContain('- ``site/b<i>|`stray`.txt``')
    expect(text).toContain('- …and 2 more')
    expect(text.trimEnd().endsWith('**Plan: 1 to create, 0 to update, 0 to repair, 2 to delete, 1 unchanged, 0 undecided, 0 in conflict.**')).toBe(true)
  })

  it('does not list unchanged objects', () => {
    expect(renderPlanMarkdown(mixedPlan())).not.toContain('favicon.ico')
  })

  it('keeps every table row at four cells, whatever the key holds', () => {
    const rows = renderPlanMarkdown(mixedPlan()).split('\n').filter((line) => /^\| [+~!] \|/.test(line))
    expect(rows).toHaveLength(5)
    for (const row of rows) expect(cells(row)).toHaveLength(4)
  })

  it('writes keys as code spans escaped for tables and markup', () => {
    expect(codeCell('a b|c `tick` <b>&amp; ünï.txt')).toBe('``a b\\|c `tick` <b>&amp; ünï.txt``')
    expect(codeCell('`edge`')).toBe('`` `edge` ``')
    expect(codeCell(' spaced ')).toBe('`  spaced  `')
    expect(codeCell('a\nb')).toBe('`a\\u000ab`')
    expect(codeCell('x ``` y')).toBe('````x ``` y````')
  })

  it('says so when nothing changes', async () => {
    const empty = renderPlanMarkdown(planOf([]))
    await expect(empty).toMatchFileSnapshot('__snapshots__/plan-markdown.empty.md')
    expect(empty).toContain('No changes. The bucket matches the manifest.')
    const same = renderPlanMarkdown(planOf([unchanged('a'), unchanged('b')]))
    await expect(same).toMatchFileSnapshot('__snapshots__/plan-markdown.unchanged.md')
    expect(same).toContain('No changes. The bucket matches the manifest.')
    expect(same).not.toContain('<details>')
  })

  it('stays under GitHub comment limits with 20,000 changes, and says how many were left out', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => {
      // Five to a folder: too few to fold, so every object is a row.
      const key = `assets/build-${String(Math.floor(i / 5)).padStart(4, '0')}/chunk-${String(i).padStart(5, '0')}.js`
      return i % 3 === 0 ? update(key, [CONTENT_CHANGED, drift('cacheControl', 'max-age=60', 'no-cache')]) : create(key)
    })
    const text = renderPlanMarkdown(planOf(items))
    expect(text.length).toBeLessThan(60_000)
    const listed = text.split('\n').filter((line) => /^\| [+~] \|/.test(line)).length
    expect(listed).toBeGreaterThan(0)
    expect(listed).toBeLessThanOrEqual(1_000)
    // Each action's section says how many of its objects it left out; together with those listed, every object is accounted for.
    const more = [...text.matchAll(/…and ([\d,]+) more; see the plan artifact\./g)].map((m) => Number(m[1]!.replace(/,/g, '')))
    expect(more.length).toBeGreaterThan(0)
    expect(listed + more.reduce((a, b) => a + b, 0)).toBe(20_000)
    expect(text).toContain('| + create | 13,333 |')
  })

  it('folds a folder of many objects into one row, inside the action\'s own <details>', () => {
    const items = Array.from({ length: 120 }, (_, i) => update(`site/assets/a${String(i).padStart(3, '0')}.css`, [drift('cacheControl', 'max-age=60', 'no-cache')], { size: 1024 }))
    const text = renderPlanMarkdown(planOf([...items, create('site/new.js')]))
    expect(text).toContain('<details><summary>~ to upload with new bytes: 120 objects, 120 KiB</summary>\n\n| | key | size | reasons |\n|---|---|---:|---|\n| ~ | `site/assets/` (120 objects) | 120 KiB | `all: cacheControl` |\n\n</details>')
    expect(text).toContain('| + | `site/new.js` | 1.50 KiB | `contentType: "text/plain; charset=utf-8"` |')
  })

  it('stays under the limit with long keys and long reasons too', () => {
    const long = 'x'.repeat(900)
    const items = Array.from({ length: 5_000 }, (_, i) => update(`${long}${i}/x`, [drift('metadata', {}, { y: 'y'.repeat(2_000) })]))
    const text = renderPlanMarkdown(planOf([...items, conflict('blocked', [CREATE_ONLY_DIFFERS])]))
    expect(text.length).toBeLessThan(60_000)
    expect(text).toMatch(/…and [\d,]+ more; see the plan artifact\./)
    expect(text).toContain('`blocked`')
  })

  it('lists conflicts first even when they alone exceed the budget', () => {
    const items = Array.from({ length: 3_000 }, (_, i) => conflict(`c${i}/x`, [CREATE_ONLY_DIFFERS]))
    const text = renderPlanMarkdown(planOf([...items, create('z.txt')]))
    expect(text.length).toBeLessThan(60_000)
    expect(text.indexOf('`c0/x`')).toBeLessThan(text.indexOf('<details>'))
    expect(text).toContain('<details><summary>+ to create: 1 object, 1.50 KiB</summary>\n\n…and 1 more; see the plan artifact.')
  })
})
