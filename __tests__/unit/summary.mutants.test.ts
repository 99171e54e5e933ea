// The job summary of an improve job (its Request section and its diff) and the summary's budget when
// every part is at its largest: mutation testing found all of these unchecked.

import type { Report } from '../../src/base/types.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type SummaryContext } from '../../src/report/summary.js'
import { improveReport, outcome } from './fixtures.js'

const CONTEXT: SummaryContext = { apiHost: 'api.cekura.ai', instructionsFile: '/tmp/cekura-instructions/p-1.txt' }
/** GitHub drops a step summary over 1 MiB; ours stays 16 KiB under that. */
const LIMIT = 1024 * 1024 - 16 * 1024

/** The summary cut into its parts: the title and table, then one part per `###` heading. */
function parts(markdown: string): string[] {
  return markdown.split(/\n(?=### )/)
}

describe('the summary of an improve job', () => {
  const report = improveReport

  it('shows the table, the request, the instructions, what changed and the expected outcome, in that order', () => {
    expect(parts(renderSummary(report, CONTEXT))).toEqual([
      '## Cekura scenario instructions: ✅ completed\n\n' +
        '| | |\n| --- | --- |\n| Mode | improve |\n| Progress id | <code>p-1</code> |\n| Status | completed |\n' +
        '| Elapsed | 4.2s |\n| Polls | 3 |\n| API host | <code>api&#x2E;cekura&#x2E;ai</code> |\n| Agent | 12 |\n| Scenario | 34 |\n' +
        '| Saved to scenario | yes |\n',
      '### Request\n\n<pre>\nBe angrier.</pre>\n',
      '### Instructions\n\n<pre>\nGreet.\nAsk for a refund.\nHang up.</pre>\n',
      '### Changes\n\nChanges (1 line added, 1 removed)\n\n```diff\n@@ line 1 → 1 @@\n Greet.\n-Ask for help.\n+Ask for a refund.\n Hang up.\n```\n',
      '### Expected outcome\n\n<pre>\nAgent refunds.</pre>\n'
    ])
  })

  it('shows no diff when the job did not complete', () => {
    const failed: Report = { ...report, outcome: outcome({ status: 'failed', instructions: '', error: 'LLM down' }) }
    const headings = parts(renderSummary(failed, CONTEXT)).map(part => part.split('\n')[0])
    expect(headings).toEqual(['## Cekura scenario instructions: ❌ failed', '### Error', '### Request'])
  })

  it('cuts a long request and says where the whole of it is', () => {
    const request = 'r'.repeat(70_000)
    const markdown = renderSummary({ ...report, extraInstructions: request }, CONTEXT)
    const section = parts(markdown).find(part => part.startsWith('### Request')) as string
    expect(section).toContain('<summary>Request (1 line, 70000 characters)</summary>')
    expect(section).toContain(
      '> Cut here: this shows the first 65536 of 70000 characters, as GitHub limits a job summary to 1 MiB. ' +
        'The whole text is in the extra-instructions input.'
    )
  })

  it('shows a large diff whole', () => {
    const before = Array.from({ length: 1000 }, (_, k) => `old line ${k} ${'o'.repeat(40)}`).join('\n')
    const after = Array.from({ length: 1000 }, (_, k) => `new line ${k} ${'n'.repeat(40)}`).join('\n')
    const markdown = renderSummary({ ...report, currentInstructions: before, outcome: outcome({ instructions: after }) }, CONTEXT)
    const diff = parts(markdown).find(part => part.startsWith('### Changes')) as string
    expect(diff).toContain('Changes (1000 lines added, 1000 removed)')
    expect(diff).not.toContain('Cut here')
    expect(diff).toContain(`+new line 999 ${'n'.repeat(40)}\n`)
  })
})

describe('the summary budget', () => {
  it('is 16 KiB under the 1 MiB GitHub takes', () => {
    expect(SUMMARY_LIMIT_BYTES).toBe(LIMIT)
  })

  it('holds when every part is at its largest at once, and the instructions get the room left', () => {
    // 1500 changed lines of about 150 bytes make a diff larger than its own budget; a long common end
    // makes the instructions larger than the whole summary may be.
    const common = 'c'.repeat(1023)
    const tail = Array.from({ length: 1300 }, () => common).join('\n')
    const before = `${Array.from({ length: 1500 }, (_, k) => `old ${k} ${'o'.repeat(140)}`).join('\n')}\n${tail}`
    const after = `${Array.from({ length: 1500 }, (_, k) => `new ${k} ${'n'.repeat(140)}`).join('\n')}\n${tail}`
    const report: Report = {
      outcome: outcome({ instructions: after, expectedOutcome: 'e'.repeat(100_000), error: 'E'.repeat(100_000) }),
      mode: 'improve',
      agentId: 1,
      extraInstructions: 'x'.repeat(100_000),
      currentInstructions: before
    }
    const markdown = renderSummary(report, CONTEXT)
    const size = Buffer.byteLength(markdown)
    expect(size).toBeLessThanOrEqual(LIMIT)
    // The instructions take what is left, so little is wasted: the 8 KiB margin and the frames at most.
    expect(size).toBeGreaterThan(LIMIT - 16 * 1024)
    const headings = parts(markdown).map(part => part.split('\n')[0])
    expect(headings).toEqual([
      '## Cekura scenario instructions: ✅ completed',
      '### Error',
      '### Request',
      '### Instructions',
      '### Changes',
      '### Expected outcome'
    ])
    expect(markdown).toContain('Cut here: the diff is longer than this page can hold')
  })
})

describe('the note of status words the action does not know', () => {
  const failed = (unknownStatuses?: string[]): Report => ({
    mode: 'poll',
    outcome: outcome({ status: 'timed-out', instructions: '', error: 'Too slow.', ...(unknownStatuses ? { unknownStatuses } : {}) })
  })
  const note = (report: Report): string | undefined =>
    renderSummary(report, CONTEXT)
      .split('\n')
      .find(line => line.startsWith('> Cekura sent'))

  it('names one word as a status word, several as status words, and none not at all', () => {
    expect(note(failed(['mulling']))).toBe(
      '> Cekura sent a status word this action does not know: <code>mulling</code>. The action took the job to be still running.'
    )
    expect(note(failed(['mulling', 'pondering']))).toMatch(/^> Cekura sent status words this action does not know: /)
    expect(note(failed([]))).toBeUndefined()
    expect(note(failed())).toBeUndefined()
  })
})
