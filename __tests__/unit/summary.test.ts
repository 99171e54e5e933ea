import type { Outcome, Status } from '../../src/base/types.js'
import type { Report } from '../../src/base/types.js'
import { renderSummary as renderReport, SUMMARY_LIMIT_BYTES, type SummaryContext } from '../../src/report/summary.js'
import { STATUS_LABEL } from '../../src/report/sections.js'
import { outcome } from './fixtures.js'
import { count, preContents, unescapeHtml } from './html-helpers.js'

const MIB = 1024 * 1024
const CONTEXT: SummaryContext = {
  apiHost: 'api.cekura.ai',
  instructionsFile: '/home/runner/work/_temp/cekura-instructions/p-1.txt'
}

/** Summaries of following a job started elsewhere (mode poll), the case issue 2 specifies. */
function renderSummary(outcome: Outcome, context: SummaryContext): string {
  const report: Report = { outcome, mode: 'poll' }
  return renderReport(report, context)
}

const HOSTILE = [
  '```',
  '</pre>',
  '<pre>',
  '</PRE >',
  '<details open><summary>boo</summary>',
  '</details>',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '| col | umn |',
  '|---|---|',
  '@octocat please look, fixes #123',
  '# Heading',
  '**bold** _em_ ~~strike~~ [link](https://evil.example) ![img](https://evil.example/x.png)',
  '&amp; &lt;pre&gt; &#60;/pre&#62; "quotes" \'single\'',
  '<!-- unterminated comment',
  '> [!WARNING]',
  '    indented',
  '\ttabbed  trailing spaces  ',
  '😀 ünïcödé \u200b zero width',
  ''
].join('\n')

/** The summary with the content of every <pre> block removed: what Markdown and HTML actually parse. */
function outsidePre(markdown: string): string {
  return markdown.replace(/<pre>\n[\s\S]*?<\/pre>/g, '<pre></pre>')
}

/** The lines of the table, from its header row to the first line that is not a row. */
function tableRows(markdown: string): string[] {
  const lines = markdown.split('\n')
  const start = lines.indexOf('| | |')
  expect(start).toBeGreaterThanOrEqual(0)
  const rows: string[] = []
  for (let i = start; i < lines.length && (lines[i] as string).startsWith('|'); i++) rows.push(lines[i] as string)
  return rows
}

describe('renderSummary: title and table', () => {
  it.each(['completed', 'failed', 'timed-out', 'cancelled'] as Status[])('titles a %s run with its status', status => {
    const markdown = renderSummary(
      outcome({ status, instructions: status === 'completed' ? 'x' : '', error: status === 'completed' ? '' : 'why' }),
      CONTEXT
    )
    const title = markdown.split('\n')[0] as string
    expect(title).toMatch(/^#{1,2} /)
    expect(title).toContain(STATUS_LABEL[status])
  })

  it('labels each status differently and readably', () => {
    expect(new Set(Object.values(STATUS_LABEL)).size).toBe(4)
    expect(STATUS_LABEL['timed-out']).toMatch(/timed out/)
  })

  it('shows progress id, status, elapsed time, polls and API host in a table', () => {
    const rows = tableRows(renderSummary(outcome({ polls: 17, elapsedMs: 65_000 }), CONTEXT))
    expect(rows.length).toBeGreaterThanOrEqual(7)
    for (const row of rows) expect(count(row, '|')).toBe(3)
    const text = rows.join('\n')
    expect(text).toMatch(/Progress id \| <code>p-1<\/code>/)
    expect(text).toMatch(/Status \| completed/)
    expect(text).toMatch(/Elapsed \| 1m 05s/)
    expect(text).toMatch(/Polls \| 17/)
    expect(text).toMatch(/API host \| <code>api&#x2E;cekura&#x2E;ai<\/code>/)
  })

  it('keeps a progress id holding pipes, line breaks and HTML inside its one table row', () => {
    const progressId = 'a|b\n| injected | row |\r\nc</code><b>x</b>'
    const plain = tableRows(renderSummary(outcome(), CONTEXT))
    const rows = tableRows(renderSummary(outcome({ progressId }), CONTEXT))
    expect(rows).toHaveLength(plain.length)
    for (const row of rows) expect(count(row, '|')).toBe(3)
    const idRow = rows.find(row => row.startsWith('| Progress id'))
    expect(idRow).toBeDefined()
    expect(idRow).not.toContain('<b>')
    expect(count(idRow as string, '</code>')).toBe(1)
    expect(idRow).toContain('injected')
  })
})

describe('renderSummary: the instructions are shown exactly and inertly', () => {
  it('shows a short hostile text whole in one <pre>, not collapsed', () => {
    const markdown = renderSummary(outcome({ instructions: HOSTILE }), CONTEXT)
    const blocks = preContents(markdown)
    expect(blocks).toHaveLength(1)
    expect(unescapeHtml(blocks[0] as string)).toBe(HOSTILE)
    // The only tags are the renderer's own.
    expect(count(markdown, '</pre>')).toBe(1)
    expect(count(markdown.toLowerCase(), '</pre')).toBe(1)
    expect(count(markdown.toLowerCase(), '<pre')).toBe(1)
    expect(count(markdown, '<details')).toBe(0)
    expect(count(markdown, '</details>')).toBe(0)
  })

  it('lets nothing in the text parse as HTML or Markdown outside the block', () => {
    const markdown = renderSummary(outcome({ instructions: HOSTILE }), CONTEXT)
    const inner = preContents(markdown)[0] as string
    expect(inner).not.toMatch(/[<>"]/)
    expect(inner.replace(/&(amp|lt|gt|quot);/g, '')).not.toContain('&')
    const outside = outsidePre(markdown)
    for (const fragment of ['@octocat', '#123', '```', '<script', '<img', '**bold**', 'col | umn', '[!WARNING]']) {
      expect(outside).not.toContain(fragment)
    }
  })

  it('starts the <pre> block on its own line, so Markdown treats it as an HTML block', () => {
    const markdown = renderSummary(outcome({ instructions: 'x' }), CONTEXT)
    expect(markdown).toMatch(/(^|\n)<pre>\n/)
  })

  it('collapses a long text behind a closed <details>, still exact', () => {
    const long = Array.from({ length: 200 }, (_, i) => `${i}: ${HOSTILE.split('\n')[i % 20]}`).join('\n')
    const markdown = renderSummary(outcome({ instructions: long }), CONTEXT)
    expect(count(markdown, '<details')).toBe(1)
    expect(count(markdown, '<details open')).toBe(0)
    expect(count(markdown, '</details>')).toBe(1)
    expect(count(markdown, '</pre>')).toBe(1)
    expect(markdown.indexOf('<details')).toBeLessThan(markdown.indexOf('<pre>'))
    expect(markdown.indexOf('</details>')).toBeGreaterThan(markdown.indexOf('</pre>'))
    expect(unescapeHtml(preContents(markdown)[0] as string)).toBe(long)
    expect(markdown).toMatch(/<summary>[^<]*200 lines[^<]*<\/summary>/)
  })

  it('collapses a long single line too', () => {
    const markdown = renderSummary(outcome({ instructions: 'word '.repeat(4000) }), CONTEXT)
    expect(count(markdown, '<details')).toBe(1)
  })

  it('does not collapse a short text', () => {
    const markdown = renderSummary(outcome({ instructions: 'line\n'.repeat(5) }), CONTEXT)
    expect(count(markdown, '<details')).toBe(0)
  })
})

describe('renderSummary: the 1 MiB limit', () => {
  const huge: Array<[string, string]> = [
    ['3 MB of plain text', 'The caller is impatient.\n'.repeat(Math.ceil((3 * 1000 * 1000) / 25))],
    ['1 MB of <', '<'.repeat(1000 * 1000)],
    ['multibyte emoji (4 MB of UTF-8)', '😀'.repeat(1000 * 1000)],
    ['a mix of escapes and multibyte text', '<&>"é😀`|\n'.repeat(300_000)],
    ['one character over the budget', 'x'.repeat(SUMMARY_LIMIT_BYTES)]
  ]

  it.each(huge)('keeps the summary of %s under 1 MiB, showing an exact start of the text', (_name, text) => {
    const markdown = renderSummary(outcome({ instructions: text }), CONTEXT)
    expect(Buffer.byteLength(markdown)).toBeLessThan(MIB)
    const blocks = preContents(markdown)
    expect(blocks).toHaveLength(1)
    const shown = unescapeHtml(blocks[0] as string)
    expect(shown.length).toBeLessThan(text.length)
    expect(text.startsWith(shown)).toBe(true)
    // Truncation keeps whole characters (no lone surrogate) and uses most of the room.
    expect(Buffer.from(shown, 'utf8').toString('utf8')).toBe(shown)
    expect(Buffer.byteLength(blocks[0] as string)).toBeGreaterThan(MIB / 2)
    expect(count(markdown, '</pre>')).toBe(1)
  })

  it('says visibly that the text was cut, pointing to the instructions-file output and the file', () => {
    const markdown = renderSummary(outcome({ instructions: 'x'.repeat(3 * MIB) }), CONTEXT)
    const afterText = markdown.slice(markdown.lastIndexOf('</pre>'))
    expect(afterText).toContain('instructions-file')
    expect(afterText).toContain(CONTEXT.instructionsFile)
    expect(afterText).toMatch(/1 MiB/)
  })

  // Regression (found by this test): a text long enough to be cut is also collapsed, and the note once
  // sat inside the closed <details>, after ~1 MB of text. Issue 2 asks to truncate "visibly".
  it('shows the truncation note without expanding the collapsed block', () => {
    const markdown = renderSummary(outcome({ instructions: 'x'.repeat(3 * MIB) }), CONTEXT)
    const collapsedBody = /<details><summary>[\s\S]*?<\/summary>([\s\S]*?)<\/details>/g
    const visible = markdown.replace(collapsedBody, '')
    expect(visible).toContain('instructions-file')
  })

  it('does not cut a text that fits', () => {
    const text = 'y'.repeat(500 * 1024)
    const markdown = renderSummary(outcome({ instructions: text }), CONTEXT)
    expect(unescapeHtml(preContents(markdown)[0] as string)).toBe(text)
    expect(markdown).not.toContain(CONTEXT.instructionsFile)
  })

  it('keeps huge instructions and a huge expected outcome together under 1 MiB', () => {
    const markdown = renderSummary(outcome({ instructions: '<'.repeat(3 * MIB), expectedOutcome: '😀'.repeat(MIB) }), CONTEXT)
    expect(Buffer.byteLength(markdown)).toBeLessThan(MIB)
    const [instructions, expected] = preContents(markdown).map(unescapeHtml)
    expect(instructions && instructions.length > 0).toBe(true)
    expect(expected && expected.length > 0).toBe(true)
    expect('😀'.repeat(MIB).startsWith(expected as string)).toBe(true)
    expect(markdown).toContain('expected-outcome')
  })

  // Regression (found by this test): the error section was not size-limited, and a failed job's own
  // error field is copied in whole.
  it('keeps the summary of a failed job with a huge error under 1 MiB', () => {
    const markdown = renderSummary(
      outcome({ status: 'failed', instructions: '', error: `Cekura reported the job as failed: ${'E'.repeat(2 * MIB)}` }),
      CONTEXT
    )
    expect(Buffer.byteLength(markdown)).toBeLessThan(MIB)
  })
})

describe('renderSummary: expected outcome and error', () => {
  it('shows the expected outcome exactly when present', () => {
    const expectedOutcome = 'The agent <must> reschedule | "politely" `now`'
    const markdown = renderSummary(outcome({ expectedOutcome }), CONTEXT)
    const blocks = preContents(markdown).map(unescapeHtml)
    expect(blocks).toHaveLength(2)
    expect(blocks).toContain(expectedOutcome)
    expect(markdown).toMatch(/Expected outcome/)
  })

  it('leaves the expected outcome out when there is none', () => {
    const markdown = renderSummary(outcome({ expectedOutcome: '' }), CONTEXT)
    expect(preContents(markdown)).toHaveLength(1)
    expect(markdown).not.toMatch(/Expected outcome/)
  })

  it('has no error section when the job completed', () => {
    const markdown = renderSummary(outcome(), CONTEXT)
    expect(markdown).not.toMatch(/^#+ .*Error/m)
    expect(preContents(markdown)).toHaveLength(1)
  })

  it.each(['failed', 'timed-out', 'cancelled'] as Status[])('shows the error of a %s run, escaped, and no instructions block', status => {
    const error = `Cekura rejected the request (HTTP 400: </pre><b>bad</b> @admin | x).`
    const markdown = renderSummary(outcome({ status, instructions: '', error }), CONTEXT)
    expect(markdown).toMatch(/^#+ .*Error/m)
    const blocks = preContents(markdown).map(unescapeHtml)
    expect(blocks).toEqual([error])
    expect(count(markdown, '</pre>')).toBe(1)
    expect(markdown).not.toMatch(/^#+ .*Instructions/m)
  })

  it('puts the error before any expected outcome', () => {
    const markdown = renderSummary(outcome({ status: 'failed', instructions: '', error: 'ERR', expectedOutcome: 'EXP' }), CONTEXT)
    expect(markdown.indexOf('ERR')).toBeLessThan(markdown.indexOf('EXP'))
  })
})

describe('summary: tenant and unknown status words', () => {
  it('shows the project the job ran in', () => {
    const markdown = renderReport({ outcome: outcome(), mode: 'generate', agentId: 1234, projectId: 42 }, CONTEXT)
    expect(markdown).toMatch(/^\| Project \| 42 \|$/m)
  })

  it('names the status words the action did not know, as inert code', () => {
    const markdown = renderSummary(outcome({ unknownStatuses: ['thinking', '<b>|x|</b>'] }), CONTEXT)
    expect(markdown).toContain(
      '> [!NOTE]\n> Cekura sent status words this action does not know: <code>thinking</code>, <code>&#x3C;b&#x3E;&#x7C;x&#x7C;&#x3C;/b&#x3E;</code>. The action took the job to be still running.'
    )
  })

  it('says nothing of status words when all were known', () => {
    expect(renderSummary(outcome(), CONTEXT)).not.toContain('does not know')
  })
})
