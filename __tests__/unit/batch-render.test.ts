// The batch's job summary and pull-request comment: one table, one collapsed diff per scenario, within
// GitHub's limits, with what does not fit named; outside text stays inert.
import type { Report, Status } from '../../src/base/types.js'
import { type BatchReport, summarise } from '../../src/job/batch.js'
import { renderBatchComment } from '../../src/report/batch-comment.js'
import { fitSections, inertText, omittedNote, scenarioSection } from '../../src/report/batch-sections.js'
import { renderBatchSummary } from '../../src/report/batch-summary.js'
import { COMMENT_LIMIT_CHARS, COMMENT_TARGET_BYTES, commentFingerprint, commentMarker } from '../../src/report/comment.js'
import { SUMMARY_LIMIT_BYTES } from '../../src/report/summary.js'
import { outcome } from './fixtures.js'
import { count, unescapeHtml } from './html-helpers.js'

const JOB = { mode: 'improve' as const, extraInstructions: 'Ask for the booking reference first.', requestBody: {} }
const RUN_URL = 'https://github.com/example-org/example-repo/actions/runs/123456'
const HOSTILE = 'Boom | </pre></details> <script>x</script> **bold** [a](http://x) `tick` @octocat #12 &amp;'

function lines(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${prefix} line ${i + 1}: ask the agent about item ${i + 1} and insist politely.`).join('\n')
}

function report(id: number, status: Status, options: { before?: string; after?: string; error?: string; applied?: boolean } = {}): Report {
  const before = options.before ?? `Old text of ${id}.\nBe polite.`
  const after = options.after ?? `New text of ${id}.\nBe polite.`
  return {
    mode: 'improve',
    scenarioId: id,
    extraInstructions: JOB.extraInstructions,
    currentInstructions: before,
    outcome: outcome({
      status,
      progressId: status === 'completed' || options.error !== undefined ? `p-${id}` : '',
      instructions: status === 'completed' ? after : '',
      error: options.error ?? (status === 'completed' ? '' : `job ${id} ended ${status}`),
      polls: 3,
      elapsedMs: 12_300
    }),
    ...(options.applied !== undefined ? { applied: options.applied } : {})
  }
}

function batch(reports: Report[], apply = false): BatchReport {
  return summarise(reports, { apply, concurrency: 3, job: JOB }, 61_000)
}

// What the tests render is built in each test (a beforeEach is part of it), never while Jest collects the
// tests: mutation testing counts code run then as static, and runs the whole suite for each of its mutants.
let small: BatchReport

beforeEach(() => {
  small = batch(
    [
      report(101, 'completed', { applied: true }),
      report(102, 'failed', { error: HOSTILE, applied: false }),
      report(103, 'timed-out', { applied: false })
    ],
    true
  )
})

/** A batch no page can hold: `n` scenarios, each changing every one of its many long lines. */
function huge(n: number, linesEach: number): BatchReport {
  return batch(
    Array.from({ length: n }, (_, i) => report(1000 + i, 'completed', { before: lines('old', linesEach), after: lines('new', linesEach) }))
  )
}

describe('renderBatchSummary', () => {
  let summary = ''
  beforeEach(() => {
    summary = renderBatchSummary(small, { apiHost: 'api.cekura.ai', instructionsDir: '/tmp/runner/cekura-instructions/batch-abc' })
  })

  it('leads with the batch ending, the facts and the error, then one table in the order given', () => {
    expect(summary).toMatch(/^## Cekura scenario instructions: batch of 3 scenarios, ❌ failed$/m)
    expect(summary).toContain('| Scenarios | 3 scenarios: 1 completed, 1 failed, 1 timed-out |')
    expect(summary).toContain('| Saved to the scenarios | no: 1 of 3 |')
    expect(summary).toMatch(/^### Error$/m)
    const rows = [...summary.matchAll(/^\| (\d+) \| ([^|]+) \| (yes|no|–) \| ([^|]+) \| (\d+) \|/gm)].map(m => [m[1], m[2]?.trim(), m[3]])
    expect(rows).toEqual([
      ['101', '✅ completed', 'yes'],
      ['102', '❌ failed', 'no'],
      ['103', '⏱️ timed out', 'no']
    ])
  })

  it('then one collapsed section per scenario, the completed ones with their diff', () => {
    expect(count(summary, /<details><summary>Scenario \d+: /)).toBe(3)
    expect(summary).toContain('<summary>Scenario 101: ✅ completed, saved (1 line added, 1 removed)</summary>')
    expect(summary).toContain('-Old text of 101.\n+New text of 101.')
    expect(count(summary, '<details>')).toBe(count(summary, '</details>'))
  })

  it('keeps outside text inert: in the table cell nothing can end the cell, open a tag or render', () => {
    const row = summary.split('\n').find(line => line.startsWith('| 102 |')) ?? ''
    // Seven cell borders: the pipe in the error is escaped.
    expect(count(row, /(?<!\\)\|/)).toBe(7)
    expect(row).not.toMatch(/<(?!\/?code>)/)
    expect(row).not.toMatch(/(?<!\\)[*`[\]]/)
    const decoded = row.replace(/&#x([0-9A-F]+);/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    expect(unescapeHtml(decoded)).toContain(HOSTILE.replace(/\s+/g, ' ').slice(0, 60))
  })

  it('stays under 1 MiB with 100 scenarios of huge diffs, showing every one cut to its share', () => {
    const rendered = renderBatchSummary(huge(100, 200), { apiHost: 'api.cekura.ai', instructionsDir: '/tmp/d' })
    expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(count(rendered, /^\| 1\d{3} \|/m)).toBe(100)
    expect(count(rendered, /<details><summary>Scenario 1\d{3}: ✅ completed \(200 lines added, 200 removed\)<\/summary>/)).toBe(100)
    expect(rendered).not.toContain('Not shown here')
    expect(count(rendered, '<details>')).toBe(count(rendered, '</details>'))
  })

  it('names the sections that do not fit, and where to read them, in a batch larger than inputs allow', () => {
    const many = batch(
      Array.from({ length: 3000 }, (_, i) => report(10_000 + i, 'completed', { before: lines('old', 10), after: lines('new', 10) }))
    )
    const rendered = renderBatchSummary(many, { apiHost: 'api.cekura.ai', instructionsDir: '/tmp/d|x' })
    expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    const shown = count(rendered, /<details><summary>Scenario/)
    expect(shown).toBeGreaterThan(100)
    const firstLeft = 10_000 + shown
    const ids = Array.from({ length: 150 }, (_, i) => firstLeft + i).join(', ')
    expect(
      rendered.endsWith(
        `> [!NOTE]\n> Not shown here for lack of room (GitHub limits a job summary to 1 MiB): the sections of scenarios ${ids} and ${3000 - shown - 150} more. ` +
          'The new texts are in the files of the `instructions-dir` output (<code>/tmp/d&#x7C;x</code>), one per completed scenario, and each error in the `results` output.\n'
      )
    ).toBe(true)
  })
})

describe('renderBatchComment', () => {
  let comment = ''
  beforeEach(() => {
    comment = renderBatchComment(small, { header: 'voice agent', runUrl: RUN_URL })
  })

  it('is one comment with the usual marker and header', () => {
    expect(comment.startsWith(commentMarker('voice agent'))).toBe(true)
    expect(comment).toMatch(/^## Cekura scenario instructions \(<code>voice agent<\/code>\): batch of 3 scenarios, ❌ failed$/m)
    expect(comment).toContain(`| Workflow run | [run 123456](${RUN_URL}) |`)
    expect(count(comment, /<details><summary>Scenario \d+: /)).toBe(3)
  })

  it('pings no one and links no issue', () => {
    expect(comment).not.toMatch(/@octocat|#12\b/)
  })

  describe('its fingerprint, on the second line', () => {
    const fingerprintOf = (batch: BatchReport, runUrl?: string): string | undefined =>
      commentFingerprint(renderBatchComment(batch, { header: 'voice agent', runUrl }))
    let slower: BatchReport
    beforeEach(() => {
      slower = {
        ...small,
        elapsedMs: small.elapsedMs + 61_000,
        polls: small.polls + 9,
        reports: small.reports.map(r => ({
          ...r,
          outcome: {
            ...r.outcome,
            elapsedMs: r.outcome.elapsedMs + 5000,
            polls: r.outcome.polls + 3,
            progressId: `${r.outcome.progressId}-again`
          }
        }))
      }
    })

    it('is there', () => {
      expect(comment.split('\n')[1]).toMatch(/^<!-- cekura-instructions-action content=[0-9a-f]{16} -->$/)
      expect(fingerprintOf(small, RUN_URL)).toBeDefined()
    })

    it('is the same for another run of the same batch: other times, polls, progress ids and run', () => {
      expect(renderBatchComment(slower, { header: 'voice agent', runUrl: `${RUN_URL}7` })).not.toBe(comment)
      expect(fingerprintOf(slower, `${RUN_URL}7`)).toBe(fingerprintOf(small, RUN_URL))
    })

    it.each<[string, (batch: BatchReport) => Partial<BatchReport>]>([
      [
        'a text',
        batch => ({
          reports: batch.reports.map((r, i) =>
            i === 0 ? { ...r, outcome: { ...r.outcome, instructions: `${r.outcome.instructions} More.` } } : r
          )
        })
      ],
      [
        'a status',
        batch => ({ reports: batch.reports.map(r => ({ ...r, outcome: { ...r.outcome, status: 'completed' as const, error: '' } })) })
      ],
      ['the request', () => ({ extraInstructions: 'Another request.' })],
      ['the error', () => ({ error: 'Something else.' })]
    ])('changes with %s', (_, change) => {
      expect(fingerprintOf({ ...small, ...change(small) }, RUN_URL)).not.toBe(fingerprintOf(small, RUN_URL))
    })
  })

  it.each([
    [undefined, 'later runs update this comment in place'],
    ['update', 'later runs update this comment in place'],
    ['recreate', 'later runs replace this comment with a new one'],
    ['hide-and-recreate', 'later runs hide this comment as outdated and post a new one'],
    ['delete', 'later runs delete this comment']
  ] as const)('ends by saying what later runs do (comment-mode %s)', (mode, words) => {
    const rendered = renderBatchComment(small, { header: '', runUrl: RUN_URL, ...(mode === undefined ? {} : { mode }) })
    expect(rendered.endsWith(`; ${words}.</sub>\n`)).toBe(true)
  })

  it.each([
    [100, 200],
    [100, 5],
    [12, 2000],
    [1, 20_000]
  ])('stays within the limit with %d scenarios of %d changed lines, naming what does not fit', (n, each) => {
    const rendered = renderBatchComment(huge(n, each), { header: '', runUrl: RUN_URL })
    expect(rendered.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
    expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(COMMENT_TARGET_BYTES)
    expect(count(rendered, /^\| 1\d{3} \|/m)).toBe(n)
    const shown = count(rendered, /<details><summary>Scenario/)
    const note =
      /Not shown here for lack of room \(GitHub limits a comment to 65,536 characters\): the sections? of scenarios? ([\d, ]+)\./.exec(
        rendered
      )
    expect(shown + (note?.[1] ?? '').split(', ').filter(Boolean).length).toBe(n)
    if (shown < n) expect(rendered).toContain('the job summary of [the workflow run]')
    expect(count(rendered, '<details>')).toBe(count(rendered, '</details>'))
    expect(rendered).toMatch(/<sub>Posted by the Cekura Scenario Instructions action/)
  })

  it('stays within the limit when a hundred errors, the error and the request are all marks a cell escapes', () => {
    const marks = '|<&>`*_[]~@#'.repeat(400)
    const failed = batch(Array.from({ length: 100 }, (_, i) => report(1000 + i, 'failed', { error: marks })))
    const rendered = renderBatchComment({ ...failed, error: marks, extraInstructions: marks }, { header: 'h', runUrl: RUN_URL })
    expect(rendered.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
    expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(COMMENT_TARGET_BYTES)
    expect(count(rendered, /^\| 1\d{3} \| ❌ failed \|/m)).toBe(100)
    const shown = count(rendered, /<details><summary>Scenario/)
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(100)
    const ids = Array.from({ length: 100 - shown }, (_, i) => 1000 + shown + i).join(', ')
    expect(rendered).toContain(
      `> [!NOTE]\n> Not shown here for lack of room (GitHub limits a comment to 65,536 characters): the sections of scenarios ${ids}. ` +
        `Every scenario's diff is in the job summary of [the workflow run](${RUN_URL}), and the new texts in the files of the step's \`instructions-dir\` output.\n`
    )
  })
})

describe('fitSections', () => {
  it('fills the room in order, a fair share each, and returns the ids of what does not fit', () => {
    const { reports } = huge(100, 200)
    const { sections, omitted } = fitSections(reports, 5000, 16_000)
    const used = sections.reduce((sum, section) => sum + Buffer.byteLength(section) + 1, 0)
    expect(used).toBeLessThanOrEqual(5000)
    expect(sections.length).toBeGreaterThan(5)
    expect(omitted).toEqual(reports.slice(sections.length).map(report => report.scenarioId))
    const note = omittedNote(omitted, 'a test limit', 'Look elsewhere.')
    expect(note).toMatch(
      /^> \[!NOTE\]\n> Not shown here for lack of room \(a test limit\): the sections of scenarios 10\d\d, .* Look elsewhere\.\n$/
    )
  })

  it('gives what a small section leaves to the ones after it', () => {
    const reports = [report(1, 'completed'), ...huge(2, 200).reports]
    const { sections, omitted } = fitSections(reports, 9000, 16_000)
    expect(omitted).toEqual([])
    // The first needs little of its third; the other two share the rest.
    expect(Buffer.byteLength(sections[1] ?? '')).toBeGreaterThan(3500)
  })
})

describe('scenarioSection', () => {
  it('cuts a diff to its share, visibly', () => {
    const section = scenarioSection(report(7, 'completed', { before: lines('old', 300), after: lines('new', 300) }), 4000)
    expect(Buffer.byteLength(section)).toBeLessThanOrEqual(4000)
    expect(section).toContain('Cut here')
    expect(section).toContain('(300 lines added, 300 removed)')
  })

  it('says when the text did not change', () => {
    expect(scenarioSection(report(7, 'completed', { before: 'Same.', after: 'Same.' }), 4000)).toContain(
      'The new instructions are the same as the old ones.'
    )
  })
})

describe('inertText', () => {
  it('shows the text as a cell does (cellText), on one line, cut; nothing for no text', () => {
    expect(inertText('a|b <i>*x*</i>\n[l](u) `c` #1', 100)).toBe(
      '<code>a&#x7C;b &#x3C;i&#x3E;&#x2A;x&#x2A;&#x3C;/i&#x3E; &#x5B;l&#x5D;(u) &#x60;c&#x60; &#x23;1</code>'
    )
    expect(inertText('abcdef', 4)).toBe('<code>abc…</code>')
    expect(inertText('', 4)).toBe('')
  })

  it('counts characters, not UTF-16 units: sixty emoji are whole under a limit of 100', () => {
    expect(inertText('😀'.repeat(60), 100)).toBe(`<code>${'😀'.repeat(60)}</code>`)
    expect(inertText('😀'.repeat(101), 100)).toBe(`<code>${'😀'.repeat(99)}…</code>`)
  })

  // <code> and </code> take 13 bytes, the mark 3 and each escaped pipe 6: ten pipes cut take 76.
  it.each([
    [76, 10],
    [75, 9],
    [22, 1],
    [21, 0]
  ])('cuts a cell of escaped marks to at most %d bytes (%d pipes kept, marked)', (maxBytes, kept) => {
    const cell = inertText('|'.repeat(50), 100, maxBytes)
    expect(cell).toBe(`<code>${'&#x7C;'.repeat(kept)}…</code>`)
    expect(Buffer.byteLength(cell)).toBeLessThanOrEqual(maxBytes)
  })

  it('keeps a text whole when it fits both limits exactly, and cuts it by bytes below that', () => {
    expect(inertText('||||', 100, 37)).toBe('<code>&#x7C;&#x7C;&#x7C;&#x7C;</code>')
    expect(inertText('||||', 4, 37)).toBe('<code>&#x7C;&#x7C;&#x7C;&#x7C;</code>')
    expect(inertText('||||', 100, 36)).toBe('<code>&#x7C;&#x7C;&#x7C;…</code>')
    expect(inertText('||||', 100, 33)).toBe('<code>&#x7C;&#x7C;…</code>')
    expect(inertText('||||', 3, 1000)).toBe('<code>&#x7C;&#x7C;…</code>')
  })

  it('gives the mark alone when not even one character fits', () => {
    expect(inertText('||||', 100, 10)).toBe('<code>…</code>')
  })
})

// The whole page for small batches, word for word: every heading, row, label and link the reader sees
// (mutation testing found words and rows that a change could drop without any test noticing).
/** What the summary and the comment of one completed scenario share: the title and facts before the
 * last row, and everything after the table. */
const ONE_HEAD = `## Cekura scenario instructions: batch of 1 scenario, ✅ completed

| | |
| --- | --- |
| Mode | improve, one job per scenario |
| Scenarios | 1 scenario: 1 completed |
| Concurrency | 3 |
| Elapsed | 1m 01s |
| Polls | 3 |
`
const ONE_BODY = `
### Request

<pre>
Ask for the booking reference first.</pre>

### Scenarios

| Scenario | Status | Saved | Time | Polls | Error |
| ---: | --- | --- | ---: | ---: | --- |
| 201 | ✅ completed | – | 12.3s | 3 |  |

<details><summary>Scenario 201: ✅ completed (1 line added, 1 removed)</summary>

Progress id: <code>p-201</code>

\`\`\`diff
@@ line 1 → 1 @@
-Old text of 201.
+New text of 201.
 Be polite.
\`\`\`

</details>
`

const SUMMARYONE = `${ONE_HEAD}| API host | <code>api&#x2E;cekura&#x2E;ai</code> |
${ONE_BODY}`

const COMMENTONE = `<!-- cekura-instructions-action:default -->
<!-- cekura-instructions-action content=FINGERPRINT -->
${ONE_HEAD}| Workflow run | [run 123456](${RUN_URL}) |
${ONE_BODY}
<sub>Posted by the Cekura Scenario Instructions action from [the workflow run](${RUN_URL}); later runs update this comment in place.</sub>
`

const COMMENTTWO = `<!-- cekura-instructions-action:h -->
<!-- cekura-instructions-action content=FINGERPRINT -->
## Cekura scenario instructions (<code>h</code>): batch of 2 scenarios, ❌ failed

| | |
| --- | --- |
| Mode | improve, one job per scenario |
| Scenarios | 2 scenarios: 1 completed, 1 failed |
| Concurrency | 3 |
| Elapsed | 1m 01s |
| Polls | 6 |
| Saved to the scenarios | no: 1 of 2 |

### Error

<pre>
1 of 2 jobs failed: 102 (Quota exceeded.)</pre>

### Request

<pre>
Ask for the booking reference first.</pre>

### Scenarios

| Scenario | Status | Saved | Time | Polls | Error |
| ---: | --- | --- | ---: | ---: | --- |
| 101 | ✅ completed | yes | 12.3s | 3 |  |
| 102 | ❌ failed | no | 12.3s | 3 | <code>Quota exceeded&#x2E;</code> |

<details><summary>Scenario 101: ✅ completed, saved (1 line added, 1 removed)</summary>

Progress id: <code>p-101</code>

\`\`\`diff
@@ line 1 → 1 @@
-Old text of 101.
+New text of 101.
 Be polite.
\`\`\`

</details>

<details><summary>Scenario 102: ❌ failed, not saved</summary>

Progress id: <code>p-102</code>

<pre>
Quota exceeded.</pre>

</details>

<sub>Posted by the Cekura Scenario Instructions action from the workflow run; later runs update this comment in place.</sub>
`

describe('the whole page, word for word', () => {
  const fingerprintless = (text: string): string => text.replace(/content=[0-9a-f]{16}/, 'content=FINGERPRINT')

  it('the summary of one completed scenario, apply off', () => {
    const one = batch([report(201, 'completed')], false)
    expect(renderBatchSummary(one, { apiHost: 'api.cekura.ai', instructionsDir: '/t/d' })).toBe(SUMMARYONE)
  })

  it('the comment of the same batch, with the run linked', () => {
    const one = batch([report(201, 'completed')], false)
    expect(fingerprintless(renderBatchComment(one, { header: '', runUrl: RUN_URL }))).toBe(COMMENTONE)
  })

  it('the comment of a batch with one saved and one failed scenario, under a header and without a run link', () => {
    const two = batch(
      [report(101, 'completed', { applied: true }), report(102, 'failed', { error: 'Quota exceeded.', applied: false })],
      true
    )
    expect(fingerprintless(renderBatchComment(two, { header: 'h' }))).toBe(COMMENTTWO)
  })

  it('a section without a progress id or an error is its title over an empty body', () => {
    const quiet: Report = {
      ...report(301, 'cancelled'),
      outcome: outcome({ status: 'cancelled', progressId: '', instructions: '', error: '' })
    }
    expect(scenarioSection(quiet, 10_000)).toBe('<details><summary>Scenario 301: 🚫 cancelled</summary>\n\n\n\n</details>\n')
  })

  it('a diff with no room for a single line says so instead of an empty block', () => {
    const section = scenarioSection(report(401, 'completed', { before: lines('old', 50), after: lines('new', 50) }), 10)
    expect(section).toContain('The diff does not fit on this page; compare the texts themselves.')
    expect(section).not.toContain('```')
  })

  it('says "yes, all" when every scenario was saved', () => {
    const all = batch([report(101, 'completed', { applied: true }), report(102, 'completed', { applied: true })], true)
    expect(renderBatchSummary(all, { apiHost: 'h', instructionsDir: '/t/d' })).toContain('\n| Saved to the scenarios | yes, all |\n')
  })

  it('shows a job without a scenario id with an empty cell and a ? in its title', () => {
    const unnamed: Report = { ...report(1, 'failed', { error: 'boom' }), scenarioId: undefined }
    const page = renderBatchSummary(batch([unnamed], false), { apiHost: 'h', instructionsDir: '/t/d' })
    expect(page).toContain('\n|  | ❌ failed | – | 12.3s | 3 | <code>boom</code> |\n')
    expect(page).toContain('<details><summary>Scenario ?: ❌ failed</summary>')
  })

  it("cuts a long error in a scenario's section at a third of its room, at least 200 and at most 4,000 bytes, marked", () => {
    const long = 'e'.repeat(10_000)
    const shownIn = (maxBytes: number): number =>
      /<pre>\n(e+) …<\/pre>/.exec(scenarioSection(report(5, 'failed', { error: long }), maxBytes))?.[1]?.length ?? 0
    expect(shownIn(3000)).toBe(1000)
    expect(shownIn(300)).toBe(200)
    expect(shownIn(60_000)).toBe(4000)
  })

  it('keeps outside text of exactly the limit whole, trimmed and on one line, and cuts one character more', () => {
    expect(inertText('  abcde\n', 5)).toBe(inertText('abcde', 5))
    expect(inertText('abcde', 5)).toContain('abcde')
    expect(inertText('abcde', 5)).not.toContain('…')
    expect(inertText('abcdef', 5)).toContain('abcd…')
    expect(inertText('a\nb', 5)).toContain('a b')
    expect(inertText(' \n ', 5)).toBe('')
  })

  it('shows a request of 10,000 characters whole, and cuts one of 100,000, naming where it is whole and the limit', () => {
    const asked = (request: string): BatchReport => ({ ...batch([report(101, 'completed')], false), extraInstructions: request })
    const summary = (request: string): string => renderBatchSummary(asked(request), { apiHost: 'h', instructionsDir: '/t/d' })
    const comment = (request: string): string => renderBatchComment(asked(request), { header: '', runUrl: RUN_URL })
    expect(summary('r'.repeat(10_000))).toContain(`<pre>\n${'r'.repeat(10_000)}</pre>`)
    const cutSummary = summary('r'.repeat(100_000))
    expect(cutSummary).not.toContain('r'.repeat(70_000))
    expect(cutSummary).toContain('the extra-instructions input')
    expect(cutSummary).toContain('GitHub limits a job summary to 1 MiB')
    const cutComment = comment('r'.repeat(100_000))
    expect(cutComment).toContain('the extra-instructions input')
    expect(cutComment).toContain('GitHub limits a comment to 65,536 characters')
  })

  it('names 150 left-out scenarios and counts the rest', () => {
    const ids = Array.from({ length: 153 }, (_, i) => i + 1)
    const note = omittedNote(ids, 'a limit', 'Look elsewhere.')
    expect(note).toBe(
      `> [!NOTE]\n> Not shown here for lack of room (a limit): the sections of scenarios ${ids.slice(0, 150).join(', ')} and 3 more. Look elsewhere.\n`
    )
    expect(omittedNote([7], 'a limit', 'Look elsewhere.')).toBe(
      '> [!NOTE]\n> Not shown here for lack of room (a limit): the section of scenario 7. Look elsewhere.\n'
    )
    expect(omittedNote([], 'a limit', 'Look elsewhere.')).toBe('')
  })
})
