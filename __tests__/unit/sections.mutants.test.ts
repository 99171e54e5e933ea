// The parts the job summary and the pull-request comment share, pinned where mutation testing found
// them loose: the improve diff (its label, counts, cut and note), the facts table's optional rows and
// the status labels.

import { lineDiff, unifiedDiff, type DiffLine } from '../../src/report/diff.js'
import { diffSection, factsTable, STATUS_LABEL } from '../../src/report/sections.js'
import type { Report } from '../../src/base/types.js'
import { outcome } from './fixtures.js'

describe('STATUS_LABEL', () => {
  it('gives each ending a sign and its words', () => {
    expect(STATUS_LABEL).toEqual({
      completed: '✅ completed',
      failed: '❌ failed',
      'timed-out': '⏱️ timed out',
      cancelled: '🚫 cancelled'
    })
  })
})

describe('diffSection', () => {
  it('says so when the text did not change', () => {
    expect(diffSection('Same.\nText.', 'Same.\nText.', 1000)).toBe('### Changes\n\nThe new instructions are the same as the old ones.\n')
  })

  it('says so when the texts are too large to compare', () => {
    const lines = (prefix: string): string => Array.from({ length: 2500 }, (_, k) => `${prefix}${k}`).join('\n')
    expect(diffSection(lines('a'), lines('b'), 1000)).toBe('### Changes\n\nThe texts are too large to compare here.\n')
  })

  it('labels a short diff with its counts and shows it whole, without a note', () => {
    expect(diffSection('Greet.\nAsk for help.\nHang up.', 'Greet.\nAsk for a refund.\nHang up.', 1000)).toBe(
      [
        '### Changes',
        '',
        'Changes (1 line added, 1 removed)',
        '',
        '```diff',
        '@@ line 1 → 1 @@',
        ' Greet.',
        '-Ask for help.',
        '+Ask for a refund.',
        ' Hang up.',
        '```',
        ''
      ].join('\n')
    )
  })

  it('counts added and removed lines apart', () => {
    expect(diffSection('a\nb\nc', 'a\nB\nC\nD\nc', 1000)).toContain('Changes (3 lines added, 1 removed)')
    expect(diffSection('a\nb\nc\nd', 'a\nX\nd', 1000)).toContain('Changes (1 line added, 2 removed)')
    expect(diffSection('a\nb', 'a', 1000)).toContain('Changes (0 lines added, 1 removed)')
  })

  it('cuts a diff longer than its budget at a whole line, says so, and still counts the whole diff', () => {
    const before = Array.from({ length: 10 }, (_, k) => `old line number ${k}`).join('\n')
    const after = Array.from({ length: 10 }, (_, k) => `new line number ${k}`).join('\n')
    const rows = unifiedDiff(lineDiff(before, after) as DiffLine[]).split('\n')
    // A budget that holds exactly the first three rows, each with its line break.
    const budget = rows.slice(0, 3).reduce((sum, row) => sum + Buffer.byteLength(row) + 1, 0)
    expect(diffSection(before, after, budget)).toBe(
      [
        '### Changes',
        '',
        'Changes (10 lines added, 10 removed)',
        '',
        '```diff',
        ...rows.slice(0, 3),
        '```',
        '',
        '> [!NOTE]',
        '> Cut here: the diff is longer than this page can hold; compare the texts themselves.',
        ''
      ].join('\n')
    )
    expect(diffSection(before, after, budget - 1)).toContain(['```diff', ...rows.slice(0, 2), '```'].join('\n'))
  })

  it('shows a diff that fits its budget exactly whole', () => {
    const text = unifiedDiff(lineDiff('a', 'b') as DiffLine[])
    const section = diffSection('a', 'b', Buffer.byteLength(text))
    expect(section).toContain(`\`\`\`diff\n${text}\n\`\`\``)
    expect(section).not.toContain('Cut here')
  })

  it('collapses a long diff behind its label, closed', () => {
    const before = Array.from({ length: 40 }, (_, k) => `old ${k}`).join('\n')
    const after = Array.from({ length: 40 }, (_, k) => `new ${k}`).join('\n')
    const section = diffSection(before, after, 100_000)
    expect(section.startsWith('### Changes\n\n<details><summary>Changes (40 lines added, 40 removed)</summary>\n\n```diff\n')).toBe(true)
    expect(section.endsWith('```\n\n</details>\n')).toBe(true)
  })
})

describe('factsTable', () => {
  const report = (extra: Partial<Report> = {}, progressId = 'p-1'): Report => ({
    outcome: outcome({ progressId }),
    mode: 'improve',
    ...extra
  })

  it('says when no progress id was received', () => {
    expect(factsTable(report({}, ''), undefined)).toContain('| Progress id | (none received) |\n')
  })

  it('has the optional rows only when their facts are known', () => {
    expect(factsTable(report(), undefined)).toBe(
      '| | |\n| --- | --- |\n| Mode | improve |\n| Progress id | <code>p-1</code> |\n| Status | completed |\n| Elapsed | 4.2s |\n| Polls | 3 |\n'
    )
  })

  it('says whether the text was saved to the scenario', () => {
    expect(factsTable(report({ scenarioId: 8, applied: true }), 'h')).toContain('| Scenario | 8 |\n| Saved to scenario | yes |\n')
    expect(factsTable(report({ scenarioId: 8, applied: false }), 'h')).toContain('| Scenario | 8 |\n| Saved to scenario | no |\n')
  })
})
