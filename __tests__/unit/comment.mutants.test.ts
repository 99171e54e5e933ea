// The pull-request comment where mutation testing found it loose: the marker's exact form and
// encoding, which runner variables make a run link, the header in the title, and each part of an
// improve job's comment with its notes.

import type { Report } from '../../src/base/types.js'
import { commentKey, commentMarker, renderComment, workflowRunUrl, type CommentContext } from '../../src/report/comment.js'
import { improveReport, outcome } from './fixtures.js'

const RUN = 'https://github.com/o/r/actions/runs/9'

/** The comment cut into its parts: marker, title and table first, then one part per `###` heading, then the footer. */
function parts(markdown: string): string[] {
  return markdown.split(/\n(?=### |<sub>)/)
}

describe('commentMarker', () => {
  it('is an HTML comment naming this action', () => {
    expect(commentMarker('')).toBe('<!-- cekura-instructions-action:default -->')
    expect(commentMarker('Staging run (v2)')).toBe('<!-- cekura-instructions-action:Staging run (v2) -->')
  })

  it('percent-encodes every other character as upper-case UTF-8 bytes of two digits', () => {
    expect(commentMarker('a>b')).toBe('<!-- cekura-instructions-action:a%3Eb -->')
    expect(commentMarker('a\tb')).toBe('<!-- cekura-instructions-action:a%09b -->')
    expect(commentMarker('é!')).toBe('<!-- cekura-instructions-action:%C3%A9%21 -->')
    expect(commentMarker('😀')).toBe('<!-- cekura-instructions-action:%F0%9F%98%80 -->')
  })
})

describe('workflowRunUrl', () => {
  const env = { GITHUB_REPOSITORY: 'octo-org/octo.repo', GITHUB_RUN_ID: '123' }

  it('drops every trailing slash of the server', () => {
    expect(workflowRunUrl({ ...env, GITHUB_SERVER_URL: 'https://ghes.example.com//' })).toBe(
      'https://ghes.example.com/octo-org/octo.repo/actions/runs/123'
    )
  })

  it('takes a plain-http server and one under a path, as GitHub Enterprise may have', () => {
    expect(workflowRunUrl({ ...env, GITHUB_SERVER_URL: 'http://ghes.local:8080' })).toBe(
      'http://ghes.local:8080/octo-org/octo.repo/actions/runs/123'
    )
    expect(workflowRunUrl({ ...env, GITHUB_SERVER_URL: 'https://example.com/github' })).toBe(
      'https://example.com/github/octo-org/octo.repo/actions/runs/123'
    )
  })

  it.each([
    ['a server with text before the scheme', { GITHUB_SERVER_URL: 'x https://github.com' }],
    ['an owner with a space', { GITHUB_REPOSITORY: 'octo org/repo' }],
    ['a repository without an owner', { GITHUB_REPOSITORY: '/repo' }],
    ['a run id with a letter before it', { GITHUB_RUN_ID: 'x123' }]
  ])('gives nothing for %s', (_, odd) => {
    expect(workflowRunUrl({ GITHUB_SERVER_URL: 'https://github.com', ...env, ...odd })).toBeUndefined()
  })
})

describe('the title', () => {
  const title = (header: string): string => renderComment({ outcome: outcome(), mode: 'poll' }, { header }).split('\n')[2] as string

  it('has no header part without a header', () => {
    expect(title('')).toBe('## Cekura scenario instructions: ✅ completed')
    expect(title('   ')).toBe('## Cekura scenario instructions: ✅ completed')
  })

  it('shows the header trimmed, its white space folded to single spaces', () => {
    expect(title('  staging \t  run  ')).toBe('## Cekura scenario instructions (<code>staging run</code>): ✅ completed')
  })

  it('shows a header of 100 characters whole and cuts a longer one at 100 with an ellipsis', () => {
    expect(title('h'.repeat(100))).toBe(`## Cekura scenario instructions (<code>${'h'.repeat(100)}</code>): ✅ completed`)
    expect(title('h'.repeat(150))).toBe(`## Cekura scenario instructions (<code>${'h'.repeat(100)}…</code>): ✅ completed`)
  })
})

describe('the comment of an improve job', () => {
  const report = improveReport
  const context: CommentContext = { header: 'staging', runUrl: RUN }

  it('shows the table, the request, the instructions, what changed and the expected outcome, then the footer', () => {
    // The content fingerprint is the comment tests' concern; here it is only in its place.
    const rendered = renderComment(report, context).replace(
      /^<!-- cekura-instructions-action content=[0-9a-f]{16} -->$/m,
      '<!-- fingerprint -->'
    )
    expect(parts(rendered)).toEqual([
      '<!-- cekura-instructions-action:staging -->\n' +
        '<!-- fingerprint -->\n' +
        '## Cekura scenario instructions (<code>staging</code>): ✅ completed\n\n' +
        '| | |\n| --- | --- |\n| Mode | improve |\n| Progress id | <code>p-1</code> |\n| Status | completed |\n' +
        '| Elapsed | 4.2s |\n| Polls | 3 |\n| Agent | 12 |\n| Scenario | 34 |\n| Saved to scenario | yes |\n' +
        `| Workflow run | [run 9](${RUN}) |\n`,
      '### Request\n\n<pre>\nBe angrier.</pre>\n',
      '### Instructions\n\n<pre>\nGreet.\nAsk for a refund.\nHang up.</pre>\n',
      '### Changes\n\nChanges (1 line added, 1 removed)\n\n```diff\n@@ line 1 → 1 @@\n Greet.\n-Ask for help.\n+Ask for a refund.\n Hang up.\n```\n',
      '### Expected outcome\n\n<pre>\nAgent refunds.</pre>\n',
      `<sub>Posted by the Cekura Scenario Instructions action from [the workflow run](${RUN}); later runs update this comment in place.</sub>\n`
    ])
  })

  it('says where the whole of a cut request and a cut expected outcome are', () => {
    const markdown = renderComment(
      { ...report, extraInstructions: 'r'.repeat(5000), outcome: { ...report.outcome, expectedOutcome: 'e'.repeat(9000) } },
      context
    )
    expect(markdown).toContain(
      '> Cut here: this shows the first 4000 of 5000 characters, as GitHub limits a comment to 65,536 characters. ' +
        'The whole text is in the extra-instructions input.'
    )
    expect(markdown).toContain(
      '> Cut here: this shows the first 8000 of 9000 characters, as GitHub limits a comment to 65,536 characters. ' +
        `The whole text is in the job summary of [the workflow run](${RUN}) and in the step's \`expected-outcome\` output.`
    )
  })

  it('marks a cut error with an ellipsis inside its block', () => {
    const failed: Report = { ...report, outcome: outcome({ status: 'failed', instructions: '', error: 'E'.repeat(5000) }) }
    const error = parts(renderComment(failed, context)).find(part => part.startsWith('### Error')) as string
    expect(error).toBe(`### Error\n\n<pre>\n${'E'.repeat(4000)} …</pre>\n`)
  })
})

describe('the footer names the job only when no header names the comment', () => {
  const footer = (context: CommentContext): string =>
    renderComment({ outcome: outcome(), mode: 'poll' }, context).trimEnd().split('\n').at(-1) ?? ''

  it.each<[string, CommentContext, string]>([
    ['no header, a job', { header: ' ', job: 'build', runUrl: RUN }, 'from job <code>build</code> of [the workflow run]'],
    ['no header, a job with spaces around it', { header: '', job: ' build ' }, 'from job <code>build</code> of the workflow run'],
    ['no header, a blank job', { header: '', job: '  ', runUrl: RUN }, 'from [the workflow run]'],
    ['a header and a job', { header: 'staging', job: 'build', runUrl: RUN }, 'from [the workflow run]']
  ])('%s', (_name, context, words) => {
    expect(footer(context)).toContain(`<sub>Posted by the Cekura Scenario Instructions action ${words}`)
  })
})

describe('the title names a matrix leg with its spaces folded', () => {
  it('trims and folds the white space of a leg name', () => {
    const key = commentKey({ header: '', job: 'j', matrix: '{"os":"  linux   22  "}' })
    const title = renderComment({ outcome: outcome(), mode: 'poll' }, { header: '', key }).split('\n')[2]
    expect(title).toBe('## Cekura scenario instructions (<code>os&#x3A; linux 22</code>): ✅ completed')
  })
})
