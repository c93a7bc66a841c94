import { createColors } from 'picocolors'
import { describe, expect, it } from 'vitest'
import { NO_COLORS } from '../../../src/render/colors.js'
import { renderPlanHuman } from '../../../src/render/plan-human.js'
import { conflict, create, deleted, mixedPlan, planOf, prunedPlan, repair, unchanged, update, CONTENT_CHANGED, drift, unverified } from './plan-builder.js'

const COLORS = createColors(true)
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)

describe('renderPlanHuman', () => {
  it('draws every kind of change, without colours', async () => {
    const text = renderPlanHuman(mixedPlan(), { colors: NO_COLORS })
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-human.mixed.txt')
    expect(text).not.toMatch(/\x1b\[/)
    expect(lastLine(text)).toBe('Plan: 2 to create, 2 to update, 0 to repair, 0 to delete, 2 unchanged, 0 undecided, 1 in conflict.')
  })

  it('lists unchanged objects only when verbose', async () => {
    const quiet = renderPlanHuman(mixedPlan(), { colors: NO_COLORS })
    const verbose = renderPlanHuman(mixedPlan(), { colors: NO_COLORS, verbose: true })
    await expect(verbose).toMatchFileSnapshot('__snapshots__/plan-human.verbose.txt')
    expect(quiet).not.toContain('favicon.ico')
    expect(verbose).toContain('  = favicon.ico  1.12 KiB  from dist/favicon.ico')
  })

  it('shows each reason of an update and of a conflict on its own indented line', () => {
    const text = renderPlanHuman(mixedPlan(), { colors: NO_COLORS })
    const lines = text.split('\n')
    const at = lines.findIndex((line) => line.startsWith('  ~ index.html'))
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '      content changed',
      '      cacheControl: "max-age=60" -> "no-cache"',
      '      metadata: {"build":"41"} -> {"build":"42"}',
    ])
    expect(text).toContain('  ! releases/latest.json  311 B  from dist/releases/latest.json\n      create-only object already exists and its content differs\n')
    expect(text).toContain('  ~ releases/putplan-1.2.0.tar.gz  40.0 MiB, 6 parts  from')
  })

  it('groups by action, in the summary\'s order, and keeps the plan order (by key) within each', () => {
    const text = renderPlanHuman(mixedPlan(), { colors: NO_COLORS, verbose: true })
    const rows = text.split('\n').filter((line) => / {2}from /.test(line)).map((line) => ({ symbol: line[2], key: line.slice(4).split('  ')[0]! }))
    expect(rows.map((r) => r.symbol)).toEqual(['+', '+', '~', '~', '=', '=', '!'])
    for (const symbol of ['+', '~', '=']) {
      const keys = rows.filter((r) => r.symbol === symbol).map((r) => r.key)
      expect(keys).toEqual([...keys].sort())
    }
  })

  it('folds a folder of many objects of one action into one line, saying what they share; verbose lists them all', () => {
    const items = Array.from({ length: 120 }, (_, i) => update(`site/assets/a${String(i).padStart(3, '0')}.css`, [drift('cacheControl', 'max-age=60', 'no-cache')], { size: 1024 }))
    const plan = planOf([...items, update('site/index.html', [CONTENT_CHANGED]), create('site/new.js')])
    const text = renderPlanHuman(plan, { colors: NO_COLORS })
    expect(text).toContain('~ upload new bytes (121 objects, 122 KiB)\n  ~ site/assets/  120 objects, 120 KiB; all: cacheControl\n  ~ site/index.html')
    expect(text).toContain('+ create (1 object, 1.50 KiB)\n  + site/new.js  1.50 KiB  from dist/site/new.js\n      contentType: "text/plain; charset=utf-8"')
    expect(text).not.toContain('a000.css')
    const mixed = planOf(items.map((item, i) => (i % 4 === 0 ? update(item.key, [CONTENT_CHANGED, drift('cacheControl', 'a', 'b')]) : item)))
    expect(renderPlanHuman(mixed, { colors: NO_COLORS })).toMatch(/120 objects, [\d.]+ KiB; cacheControl 120, content 30\n/)
    const all = renderPlanHuman(plan, { colors: NO_COLORS, verbose: true })
    expect(all.split('\n').filter((line) => line.startsWith('  ~ site/assets/a'))).toHaveLength(120)
  })

  it('colours through the Colors passed in: green create, yellow update, red conflict, dim unchanged', async () => {
    const text = renderPlanHuman(mixedPlan(), { colors: COLORS, verbose: true })
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-human.colors.txt')
    expect(text).toContain(COLORS.green('+'))
    expect(text).toContain(COLORS.yellow('~'))
    expect(text).toContain(COLORS.red('!'))
    expect(text).toContain(COLORS.dim('  = favicon.ico  1.12 KiB  from dist/favicon.ico'))
    expect(lastLine(text.replace(/\x1b\[[0-9;]*m/g, ''))).toBe('Plan: 2 to create, 2 to update, 0 to repair, 0 to delete, 2 unchanged, 0 undecided, 1 in conflict.')
  })

  it('draws deletes in their own red group with their reason, counts them, and lists what prune leaves alone', async () => {
    const text = renderPlanHuman(prunedPlan(), { colors: NO_COLORS })
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-human.prune.txt')
    expect(text).toContain('- delete (2 objects, 2.88 KiB)\n  - site/old.html  2.00 KiB\n      no longer in the manifest (putplan wrote it)\n')
    expect(text).toContain('Unowned: 12 objects in site/ that putplan did not write; never deleted\n  site/a-stray.txt\n')
    expect(text).toContain('  …and 2 more\n')
    expect(text).toContain('Protected: 1 object no longer in the manifest, kept by prune.protect\n  site/downloads/v1.zip\n')
    expect(lastLine(text)).toBe('Plan: 1 to create, 0 to update, 0 to repair, 2 to delete, 1 unchanged, 0 undecided, 0 in conflict.')
    const coloured = renderPlanHuman(prunedPlan(), { colors: COLORS })
    expect(coloured).toContain(`${COLORS.red('-')} ${COLORS.bold('delete')}`)
    expect(coloured).toContain(`  ${COLORS.red('-')} site/old.html`)
  })

  it('says a listing that stopped early counts at least, one that found none says so, and nothing is said of prune without strays', () => {
    const plan = prunedPlan()
    const partial = { ...plan, prune: { ...plan.prune!, unowned: { ...plan.prune!.unowned, complete: false } } }
    expect(renderPlanHuman(partial, { colors: NO_COLORS })).toContain('Unowned: at least 12 objects in site/')
    const quiet = { ...planOf([deleted('x')]), prune: { maxDeletes: 5, protected: { count: 0, keys: [] }, unowned: { folders: [''], count: 0, keys: [], complete: true } } }
    expect(renderPlanHuman(quiet, { colors: NO_COLORS })).not.toMatch(/Unowned|Protected/)
    const unlisted = { ...quiet, prune: { ...quiet.prune, unowned: { ...quiet.prune.unowned, complete: false } } }
    expect(renderPlanHuman(unlisted, { colors: NO_COLORS })).toContain('Unowned: none found, but the bucket was not listed to its end (too large, or s3:ListBucket refused)\n\n')
  })

  it('says there is nothing to do for an empty plan', async () => {
    const text = renderPlanHuman(planOf([]), { colors: NO_COLORS })
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-human.empty.txt')
    expect(text).toBe('No changes. The bucket matches the manifest.\n\nPlan: 0 to create, 0 to update, 0 to repair, 0 to delete, 0 unchanged, 0 undecided, 0 in conflict.\n')
  })

  it('counts but does not list an all-unchanged plan', async () => {
    const plan = planOf([unchanged('a.txt'), unchanged('b.txt'), unchanged('c.txt')])
    const text = renderPlanHuman(plan, { colors: NO_COLORS })
    await expect(text).toMatchFileSnapshot('__snapshots__/plan-human.unchanged.txt')
    expect(text).toBe('No changes. The bucket matches the manifest.\n\nPlan: 0 to create, 0 to update, 0 to repair, 0 to delete, 3 unchanged, 0 undecided, 0 in conflict.\n')
  })

  it('keeps the summary sentence for counts of one, and does not claim a match when conflicts remain', () => {
    const text = renderPlanHuman(planOf([conflict('k', [unverified('why')])]), { colors: NO_COLORS })
    expect(text).not.toContain('No changes')
    expect(lastLine(text)).toBe('Plan: 0 to create, 0 to update, 0 to repair, 0 to delete, 0 unchanged, 0 undecided, 1 in conflict.')
    expect(lastLine(renderPlanHuman(planOf([create('a'), update('b', [CONTENT_CHANGED]), unchanged('c')]), { colors: NO_COLORS }))).toBe(
      'Plan: 1 to create, 1 to update, 0 to repair, 0 to delete, 1 unchanged, 0 undecided, 0 in conflict.',
    )
  })

  it('draws a repair with its reasons and how it is made, and folds a folder of repairs', () => {
    const assets = Array.from({ length: 40 }, (_, i) => repair(`site/assets/a${String(i).padStart(2, '0')}.css`, [drift('cacheControl', 'max-age=60', 'no-cache')], ['copy'], { size: 1024 }))
    const plan = planOf([
      ...assets,
      repair('site/index.html', [drift('cacheControl', 'max-age=60', 'no-cache'), drift('tagging', { team: 'ops' }, { team: 'web' })], ['copy', 'tagging']),
      repair('site/logo.svg', [drift('tagging', { team: 'ops' }, { team: 'web' })], ['tagging']),
      repair('site/robots.txt', [drift('acl', [], ['READ uri=http://acs.amazonaws.com/groups/global/AllUsers'])], ['acl']),
    ])
    expect(renderPlanHuman(plan, { colors: NO_COLORS })).toBe(
      [
        'Objects in bucket example-site:',
        '',
        '* repair options in place, no bytes sent (43 objects, 44.5 KiB)',
        '  * site/assets/  40 objects, 40.0 KiB; all: cacheControl',
        '  * site/index.html  1.50 KiB  from dist/site/index.html',
        '      cacheControl: "max-age=60" -> "no-cache"',
        '      tagging: {"team":"ops"} -> {"team":"web"}',
        '      in place: CopyObject onto itself, tags replaced',
        '  * site/logo.svg  1.50 KiB  from dist/site/logo.svg',
        '      tagging: {"team":"ops"} -> {"team":"web"}',
        '      in place: PutObjectTagging',
        '  * site/robots.txt  1.50 KiB  from dist/site/robots.txt',
        '      acl: [] -> ["READ uri=http://acs.amazonaws.com/groups/global/AllUsers"]',
        '      in place: PutObjectAcl',
        '',
        'Plan: 0 to create, 0 to update, 43 to repair, 0 to delete, 0 unchanged, 0 undecided, 0 in conflict.',
        '',
      ].join('\n'),
    )
    const verbose = renderPlanHuman(plan, { colors: NO_COLORS, verbose: true })
    expect(verbose).toContain('  * site/assets/a00.css  1.00 KiB  from dist/site/assets/a00.css\n      cacheControl: "max-age=60" -> "no-cache"\n      in place: CopyObject onto itself, tags kept\n')
  })

  it('spells out control characters in keys and reasons, so a key cannot forge a line or a colour', () => {
    const text = renderPlanHuman(planOf([update('evil\n  + fake\x1b[31m', [unverified('a\rb')])]), { colors: NO_COLORS })
    expect(text).toContain('  ~ evil\\u000a  + fake\\u001b[31m  ')
    expect(text).toContain('      content cannot be verified: a\\u000db\n')
    expect(text).not.toContain('\x1b')
  })
})
