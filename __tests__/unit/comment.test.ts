import {
  COMMENT_LIMIT_CHARS,
  COMMENT_TARGET_BYTES,
  commentFingerprint,
  commentKey,
  commentMarker,
  digest,
  defang,
  MARKER_NAME,
  renderComment,
  workflowRunUrl,
  type CommentContext
} from '../../src/report/comment.js'
import type { Outcome, Status } from '../../src/base/types.js'
import type { Report } from '../../src/base/types.js'
import { STATUS_LABEL } from '../../src/report/sections.js'
import { outcome } from './fixtures.js'
import { count, preContents, unescapeHtml } from './html-helpers.js'

const RUN_URL = 'https://github.com/example-org/example-repo/actions/runs/123456'
const CONTEXT: CommentContext = { header: '', runUrl: RUN_URL }

function report(overrides: Partial<Outcome> = {}, extra: Partial<Report> = {}): Report {
  return { outcome: outcome(overrides), mode: 'poll', ...extra }
}

/** What the comment shows, with the zero-width joiners taken out again. */
function undefang(text: string): string {
  return text.replace(/([@#])\u200D/g, '$1').replace(/(GH-)\u200D/gi, '$1')
}

/** The text a <pre> block shows, as a reader would copy it (joiners aside). */
function shown(block: string): string {
  return undefang(unescapeHtml(block))
}

/** The comment with the content of every <pre> block and fenced block removed: what Markdown and HTML parse. */
function outsideBlocks(markdown: string): string {
  return markdown.replace(/<pre>\n[\s\S]*?<\/pre>/g, '<pre></pre>').replace(/^(`{3,})diff\n[\s\S]*?\n\1$/gm, '```')
}

/** Places where GitHub could see a mention or an issue reference. */
function references(markdown: string): string[] {
  return [...markdown.matchAll(/@[A-Za-z0-9]|#\d|\bGH-\d/gi)].map(match => match[0])
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
  '@octocat and @github/security please look, fixes #123, see org/repo#9 and GH-42',
  '# Heading',
  '**bold** [link](https://evil.example) ![img](https://evil.example/x.png)',
  '&amp; &lt;pre&gt; &#60;/pre&#62; "quotes" \'single\'',
  '<!-- unterminated comment -->',
  '-->',
  '😀 ünïcödé',
  ''
].join('\n')

describe('commentMarker', () => {
  it('names the action and the header, or "default" when there is none', () => {
    expect(commentMarker('')).toBe(`<!-- ${MARKER_NAME}:default -->`)
    expect(commentMarker('   ')).toBe(`<!-- ${MARKER_NAME}:default -->`)
    expect(commentMarker('staging')).toBe(`<!-- ${MARKER_NAME}:staging -->`)
    expect(commentMarker(' staging ')).toBe(commentMarker('staging'))
    expect(commentMarker('staging')).not.toBe(commentMarker('production'))
  })

  it('cannot be ended early by a header', () => {
    for (const header of ['a-->b', 'x--!>y', 'line\nbreak', '<!-- nested -->', '>']) {
      const marker = commentMarker(header)
      expect(marker.startsWith('<!-- ')).toBe(true)
      expect(marker.endsWith(' -->')).toBe(true)
      const inner = marker.slice(5, -4)
      expect(inner).not.toMatch(/[<>!\r\n]/)
    }
    // Different headers stay different after encoding.
    expect(commentMarker('a>b')).not.toBe(commentMarker('a<b'))
    expect(commentMarker('ü')).not.toBe(commentMarker('u'))
  })
})

describe('commentKey', () => {
  const LEGACY = `<!-- ${MARKER_NAME}:default -->`

  it('is the header alone when one is given, as it always was', () => {
    for (const job of [undefined, '', 'review']) {
      expect(commentKey({ header: 'staging', job, matrix: '{"os":"linux"}' })).toEqual({
        marker: commentMarker('staging'),
        legacyMarkers: [],
        label: 'staging',
        matrixLeg: false
      })
    }
  })

  it("is the job's own without a header, and finds the default comment of earlier versions", () => {
    const key = commentKey({ header: '', job: 'review', matrix: 'null' })
    expect(key).toEqual({ marker: `<!-- ${MARKER_NAME}:default;job=review -->`, legacyMarkers: [LEGACY], label: '', matrixLeg: false })
    // The old marker ends where the new one goes on, so neither version mistakes the other's comment for its own.
    expect(key.marker.startsWith(LEGACY)).toBe(false)
    expect(commentKey({ header: '', job: 'test' }).marker).not.toBe(key.marker)
  })

  it('is the old default without a job (outside the runner)', () => {
    expect(commentKey({ header: '  ' })).toEqual({ marker: LEGACY, legacyMarkers: [], label: '', matrixLeg: false })
  })

  it('tells the legs of a matrix apart, by their values and not the order of their keys', () => {
    const ubuntu = commentKey({ header: '', job: 'j', matrix: '{\n  "os": "ubuntu-latest",\n  "node": 24\n}' })
    const same = commentKey({ header: '', job: 'j', matrix: '{"node":24,"os":"ubuntu-latest"}' })
    const windows = commentKey({ header: '', job: 'j', matrix: '{"os":"windows-latest","node":24}' })
    expect(ubuntu.marker).toMatch(new RegExp(`^<!-- ${MARKER_NAME}:default;job=j;leg=[0-9a-f]{16} -->$`))
    expect(same.marker).toBe(ubuntu.marker)
    expect(windows.marker).not.toBe(ubuntu.marker)
    expect(ubuntu.label).toBe('os: ubuntu-latest, node: 24')
    expect(ubuntu.matrixLeg).toBe(true)
    expect(ubuntu.legacyMarkers).toEqual([LEGACY])
    // Values that are objects are shown as compact JSON.
    expect(commentKey({ header: '', job: 'j', matrix: '{"cfg":{"b":1,"a":[2]}}' }).label).toBe('cfg: {"a":[2],"b":1}')
  })

  it('is no leg outside a matrix, or when a runner left the expression unevaluated', () => {
    for (const matrix of ['', 'null', ' null ', '{}', '${{ toJSON(matrix) }}']) {
      expect(commentKey({ header: '', job: 'j', matrix })).toMatchObject({
        marker: `<!-- ${MARKER_NAME}:default;job=j -->`,
        matrixLeg: false
      })
    }
  })

  it('keeps the ids of legs and the digest as they are: a later run finds its earlier comment by them', () => {
    // Pinned values: a change to the digest or to the canonical form would orphan every matrix comment.
    expect(digest('')).toBe('811c9dc55ad1e806')
    expect(digest('a')).toBe('e40c292c5f71123d')
    expect(digest('linux')).toBe('ecbb951df444f9cc')
    expect(commentKey({ header: '', job: 'j', matrix: ' {"os":"ubuntu-latest","node":24} ' }).marker).toBe(
      `<!-- ${MARKER_NAME}:default;job=j;leg=f37d2f74d6a36f96 -->`
    )
    expect(commentKey({ header: '', matrix: 'linux' })).toEqual({
      marker: `<!-- ${MARKER_NAME}:default;leg=ecbb951df444f9cc -->`,
      legacyMarkers: [LEGACY],
      label: 'linux',
      matrixLeg: true
    })
  })

  it('takes a JSON string as its text, and a JSON list or number as written', () => {
    expect(commentKey({ header: '', job: 'j', matrix: '"linux"' }).label).toBe('linux')
    const list = commentKey({ header: '', job: 'j', matrix: '[1, 2]' })
    expect(list.label).toBe('[1, 2]')
    expect(list.marker).toBe(`<!-- ${MARKER_NAME}:default;job=j;leg=${digest('[1,2]')} -->`)
    expect(commentKey({ header: '', job: 'j', matrix: '7' }).label).toBe('7')
  })

  it('takes a plain value as the leg itself', () => {
    const key = commentKey({ header: '', job: 'j', matrix: 'ubuntu-latest' })
    expect(key.label).toBe('ubuntu-latest')
    expect(key.matrixLeg).toBe(true)
  })

  it('keeps a hostile job id inside the marker, and no header can spell a default key', () => {
    const key = commentKey({ header: '', job: 'a-->b;c\n' })
    expect(key.marker.slice(5, -4)).not.toMatch(/[<>!\r\n]/)
    expect(key.marker).toBe(`<!-- ${MARKER_NAME}:default;job=a--%3Eb%3Bc -->`)
    expect(commentMarker('default;job=review')).not.toBe(commentKey({ header: '', job: 'review' }).marker)
  })
})

describe('digest', () => {
  it('is 16 hex digits, the same for the same text and different for a small change', () => {
    expect(digest('abc')).toMatch(/^[0-9a-f]{16}$/)
    expect(digest('abc')).toBe(digest('abc'))
    const seen = new Set(['', 'a', 'b', 'ab', 'ba', 'abc', 'abd', 'x'.repeat(1000), `${'x'.repeat(999)}y`].map(digest))
    expect(seen.size).toBe(9)
  })
})

describe('commentFingerprint', () => {
  it('is the same when only the elapsed time, the polls and the run link differ', () => {
    const a = renderComment(report({ elapsedMs: 1200, polls: 2 }), { header: '', runUrl: RUN_URL })
    const b = renderComment(report({ elapsedMs: 65_000, polls: 9 }), { header: '', runUrl: `${RUN_URL}9` })
    expect(a).not.toBe(b)
    expect(commentFingerprint(a)).toMatch(/^[0-9a-f]{16}$/)
    expect(commentFingerprint(a)).toBe(commentFingerprint(b))
  })

  it('changes with anything else the comment shows', () => {
    const base = commentFingerprint(renderComment(report(), CONTEXT))
    const variants = [
      renderComment(report({ instructions: 'Something else.' }), CONTEXT),
      renderComment(report({ status: 'failed', error: 'boom', instructions: '' }), CONTEXT),
      renderComment(report({ progressId: 'another-job' }), CONTEXT),
      renderComment(report({ expectedOutcome: 'An outcome.' }), CONTEXT),
      renderComment(report(), { ...CONTEXT, header: 'staging' }),
      renderComment(report(), { ...CONTEXT, mode: 'recreate' }),
      renderComment(report({}, { applied: true, scenarioId: 3 }), CONTEXT)
    ]
    for (const markdown of variants) expect(commentFingerprint(markdown)).not.toBe(base)
  })

  it('is read from the second line only, and not found in comments without one', () => {
    const markdown = renderComment(report(), CONTEXT)
    expect(markdown.split('\n')[1]).toBe(`<!-- ${MARKER_NAME} content=${commentFingerprint(markdown)} -->`)
    expect(commentFingerprint(`${commentMarker('')}\n## old comment`)).toBeUndefined()
    expect(commentFingerprint(`x\ny\n<!-- ${MARKER_NAME} content=0123456789abcdef -->`)).toBeUndefined()
  })
})

describe('renderComment: key, mode and job', () => {
  it("starts with the key's marker and titles a matrix leg with its values", () => {
    const key = commentKey({ header: '', job: 'review', matrix: '{"os":"@ubuntu #1"}' })
    const markdown = renderComment(report(), { ...CONTEXT, key, job: 'review' })
    expect(markdown.split('\n')[0]).toBe(key.marker)
    expect(markdown.split('\n')[2]).toMatch(
      /^## Cekura scenario instructions \(<code>os&#x3A; &#x40;ubuntu &#x23;1<\/code>\): ✅ completed$/
    )
  })

  it('names the job in its last line when the comment is the job’s own', () => {
    expect(renderComment(report(), { ...CONTEXT, job: 'review' })).toContain('action from job <code>review</code> of [the workflow run]')
    expect(renderComment(report(), { ...CONTEXT, header: 'h', job: 'review' })).not.toContain('<code>review</code>')
  })

  it('says what later runs do, by mode', () => {
    expect(renderComment(report(), CONTEXT)).toContain('later runs update this comment in place.')
    expect(renderComment(report(), { ...CONTEXT, mode: 'recreate' })).toContain('later runs replace this comment with a new one.')
    expect(renderComment(report(), { ...CONTEXT, mode: 'hide-and-recreate' })).toContain(
      'later runs hide this comment as outdated and post a new one.'
    )
  })
})

describe('workflowRunUrl', () => {
  it('builds the run page from the runner variables', () => {
    expect(workflowRunUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' })).toBe(
      'https://github.com/o/r/actions/runs/42'
    )
  })

  it('works for GitHub Enterprise Server and without GITHUB_SERVER_URL', () => {
    expect(workflowRunUrl({ GITHUB_SERVER_URL: 'https://ghes.example.com/', GITHUB_REPOSITORY: 'o/r.js', GITHUB_RUN_ID: '7' })).toBe(
      'https://ghes.example.com/o/r.js/actions/runs/7'
    )
    expect(workflowRunUrl({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' })).toBe('https://github.com/o/r/actions/runs/7')
  })

  it('gives nothing rather than a broken link when a variable is missing or odd', () => {
    expect(workflowRunUrl({})).toBeUndefined()
    expect(workflowRunUrl({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined()
    expect(workflowRunUrl({ GITHUB_RUN_ID: '1' })).toBeUndefined()
    expect(workflowRunUrl({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1; rm' })).toBeUndefined()
    expect(workflowRunUrl({ GITHUB_REPOSITORY: 'o/r)(x', GITHUB_RUN_ID: '1' })).toBeUndefined()
    expect(workflowRunUrl({ GITHUB_SERVER_URL: 'javascript:alert(1)', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1' })).toBeUndefined()
    expect(workflowRunUrl({ GITHUB_SERVER_URL: 'https://x.example/a b', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1' })).toBeUndefined()
  })
})

describe('defang', () => {
  it('puts a zero-width joiner after @, # and GH- so nothing links or notifies', () => {
    const text = 'ping @octocat, fixes #12 and o/r#3 and GH-4 and gh-5; mail a@b.c'
    const out = defang(text)
    expect(references(out)).toEqual([])
    expect(undefang(out)).toBe(text)
    expect(out.replace(/\u200D/g, '')).toBe(text)
  })

  it('leaves text without those characters alone', () => {
    expect(defang('plain text, GHOST-1 and H-1')).toBe('plain text, GHOST-1 and H-1')
  })
})

describe('renderComment: frame', () => {
  it('starts with the marker for its header', () => {
    expect(renderComment(report(), CONTEXT).split('\n')[0]).toBe(commentMarker(''))
    expect(renderComment(report(), { ...CONTEXT, header: 'staging' }).split('\n')[0]).toBe(commentMarker('staging'))
  })

  it.each(['completed', 'failed', 'timed-out', 'cancelled'] as Status[])('titles a %s run with its status', status => {
    const markdown = renderComment(
      report({ status, instructions: status === 'completed' ? 'x' : '', error: status === 'completed' ? '' : 'why' }),
      CONTEXT
    )
    const title = markdown.split('\n')[2] as string
    expect(title).toMatch(/^## Cekura scenario instructions/)
    expect(title).toContain(STATUS_LABEL[status])
  })

  it('names the header in the title, escaped and defanged', () => {
    const markdown = renderComment(report(), { ...CONTEXT, header: '<b>@ops</b> #1' })
    const title = markdown.split('\n')[2] as string
    expect(title).toContain('<code>&#x3C;b&#x3E;')
    expect(title).not.toContain('<b>')
    expect(references(title)).toEqual([])
  })

  it('keeps a very long header to one short title line', () => {
    const markdown = renderComment(report(), { ...CONTEXT, header: `long\nheader ${'x'.repeat(500)}` })
    const title = markdown.split('\n')[2] as string
    expect(title.length).toBeLessThan(200)
  })

  it('has the facts table and a link to the run', () => {
    const markdown = renderComment(report({ polls: 7, elapsedMs: 65_000 }), CONTEXT)
    expect(markdown).toContain('| Progress id | <code>p-1</code> |')
    expect(markdown).toContain('| Status | completed |')
    expect(markdown).toContain('| Elapsed | 1m 05s |')
    expect(markdown).toContain('| Polls | 7 |')
    expect(markdown).toContain(`| Workflow run | [run 123456](${RUN_URL}) |`)
    expect(markdown).toContain(`from [the workflow run](${RUN_URL})`)
    // The API host is for the job summary; the comment leaves it out.
    expect(markdown).not.toContain('API host')
  })

  it('shows the mode, agent and scenario of a started job', () => {
    const markdown = renderComment(report({}, { mode: 'improve', agentId: 12, scenarioId: 34 }), CONTEXT)
    expect(markdown).toContain('| Mode | improve |')
    expect(markdown).toContain('| Agent | 12 |')
    expect(markdown).toContain('| Scenario | 34 |')
  })

  it('does without a link when the run is unknown', () => {
    const markdown = renderComment(report(), { header: '' })
    expect(markdown).not.toContain('](')
    expect(markdown).not.toContain('Workflow run |')
    expect(markdown).toContain('the workflow run')
  })
})

describe('renderComment: texts', () => {
  it('shows the instructions and the expected outcome exactly, in <pre> blocks', () => {
    const markdown = renderComment(report({ expectedOutcome: 'The agent moves it.' }), CONTEXT)
    expect(preContents(markdown).map(shown)).toEqual(['Call the clinic and ask to move your appointment.', 'The agent moves it.'])
    expect(markdown.indexOf('### Instructions')).toBeLessThan(markdown.indexOf('### Expected outcome'))
  })

  it('leaves hostile instructions inert: nothing renders, links or notifies', () => {
    const markdown = renderComment(report({ instructions: HOSTILE, expectedOutcome: HOSTILE, progressId: 'id-@x-#1' }), CONTEXT)
    const blocks = preContents(markdown)
    expect(blocks.map(shown)).toEqual([HOSTILE, HOSTILE])
    for (const block of blocks) expect(block).not.toMatch(/[<>]/)
    // Exactly the <pre> blocks the renderer opened, so none was closed or opened by the text.
    expect(count(markdown, '<pre>')).toBe(2)
    expect(count(markdown, '</pre>')).toBe(2)
    const parsed = outsideBlocks(markdown)
    expect(parsed).not.toMatch(/<script|<img|onerror|<details open><summary>boo/i)
    // Not even inside the blocks is there anything GitHub could take for a mention or a reference.
    expect(references(markdown)).toEqual([])
    // The HTML comment the text holds does not hide or end anything: the only comments are the marker
    // and the content fingerprint.
    expect(count(markdown, '<!--')).toBe(2)
  })

  describe('the content fingerprint', () => {
    const fingerprint = (outcomeOverrides: Partial<Outcome>, extra: Partial<Report> = {}, runUrl = RUN_URL) =>
      commentFingerprint(renderComment(report(outcomeOverrides, extra), { ...CONTEXT, runUrl }))

    it('ignores the time, the polls and the run link', () => {
      expect(fingerprint({ elapsedMs: 5, polls: 1 })).toBe(fingerprint({ elapsedMs: 500_000, polls: 90 }, {}, `${RUN_URL}9`))
    })

    it('ignores the progress id of a job the run started, each run starting its own', () => {
      const generate = { mode: 'generate' as const, agentId: 1, extraInstructions: 'Be brief.' }
      expect(fingerprint({ progressId: 'first' }, generate)).toBe(fingerprint({ progressId: 'second' }, generate))
    })

    it('keeps the progress id in poll mode, where it is the input', () => {
      expect(fingerprint({ progressId: 'first' }, { mode: 'poll' })).not.toBe(fingerprint({ progressId: 'second' }, { mode: 'poll' }))
    })

    it.each([
      ['the text', { instructions: 'Another text.' }],
      ['the status', { status: 'failed' as const, error: 'Boom.' }],
      ['the expected outcome', { expectedOutcome: 'Another outcome.' }]
    ])('changes with %s', (_, change) => {
      expect(fingerprint(change)).not.toBe(fingerprint({}))
    })
  })

  it('shows the error of a failed run and no instructions', () => {
    const markdown = renderComment(
      report({ status: 'failed', instructions: '', error: 'Cekura reported the job as failed: @bot quota #5' }),
      CONTEXT
    )
    expect(markdown).toContain('### Error')
    expect(markdown).not.toContain('### Instructions')
    expect(preContents(markdown).map(shown)).toEqual(['Cekura reported the job as failed: @bot quota #5'])
    expect(references(markdown)).toEqual([])
  })

  it('shows both the text and the error when the text was made but not saved', () => {
    const markdown = renderComment(report({ error: 'The instructions were produced but not saved to scenario 3.' }), CONTEXT)
    expect(markdown).toContain('### Error')
    expect(markdown).toContain('### Instructions')
  })

  it('shows the request of a generate job', () => {
    const markdown = renderComment(report({}, { mode: 'generate', agentId: 1, extraInstructions: 'Make it @ruder #2' }), CONTEXT)
    expect(markdown).toContain('### Request')
    expect(preContents(markdown).map(shown)).toContain('Make it @ruder #2')
    expect(references(markdown)).toEqual([])
  })

  it('collapses long texts and leaves short ones open', () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n')
    const collapsed = renderComment(report({ instructions: long }), CONTEXT)
    expect(collapsed).toContain('<details><summary>Instructions (200 lines, ')
    expect(renderComment(report(), CONTEXT)).not.toContain('<details')
  })

  it('shows what an improve job changed as a diff no backticks can break', () => {
    const before = 'Greet the agent.\nAsk for Tuesday.\n```\nEnd the call.'
    const after = 'Greet the agent.\nAsk for Thursday, @octocat #7.\n````\nEnd the call.'
    const markdown = renderComment(report({ instructions: after }, { mode: 'improve', currentInstructions: before }), CONTEXT)
    expect(markdown).toContain('### Changes')
    const fence = /^(`{3,})diff$/m.exec(markdown)?.[1] ?? ''
    expect(fence.length).toBeGreaterThan(4)
    const diff = markdown.slice(markdown.indexOf(`${fence}diff\n`) + fence.length + 5, markdown.indexOf(`\n${fence}\n`))
    expect(undefang(diff)).toContain('-Ask for Tuesday.')
    expect(undefang(diff)).toContain('+Ask for Thursday, @octocat #7.')
    expect(references(markdown)).toEqual([])
  })

  it('shows no diff for a job that did not complete', () => {
    const markdown = renderComment(
      report({ status: 'failed', instructions: '', error: 'no' }, { mode: 'improve', currentInstructions: 'old' }),
      CONTEXT
    )
    expect(markdown).not.toContain('### Changes')
  })
})

describe('renderComment: GitHub comment limit', () => {
  const line = (i: number): string => `${i}. Step ${i}: ask the agent about item ${i} and insist politely until it is answered fully.`
  const huge = Array.from({ length: 12_500 }, (_, i) => line(i + 1)).join('\n')

  function expectFits(markdown: string): void {
    expect(markdown.length).toBeLessThan(COMMENT_LIMIT_CHARS)
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(COMMENT_TARGET_BYTES)
  }

  it('cuts a huge text visibly, below the limit with a margin, and points to the job summary', () => {
    const markdown = renderComment(report({ instructions: huge }), CONTEXT)
    expectFits(markdown)
    const [block] = preContents(markdown)
    const part = shown(block as string)
    expect(huge.startsWith(part)).toBe(true)
    // Most of the room goes to the text.
    expect(part.length).toBeGreaterThan(50_000)
    expect(markdown).toContain(`Cut here: this shows the first ${part.length} of ${huge.length} characters`)
    expect(markdown).toContain('65,536 characters')
    expect(markdown).toContain(`job summary of [the workflow run](${RUN_URL})`)
    expect(markdown).toContain('`instructions` output')
  })

  it('counts what defanging and escaping add', () => {
    for (const unit of ['@a#1 ', '<&>"', '😀ü', 'GH-1 ']) {
      const text = unit.repeat(Math.ceil(200_000 / unit.length))
      const markdown = renderComment(report({ instructions: text }), CONTEXT)
      expectFits(markdown)
      const part = shown(preContents(markdown)[0] as string)
      expect(text.startsWith(part)).toBe(true)
      expect(markdown).toContain(`first ${part.length} of ${text.length} characters`)
      // The cut leaves little room unused.
      expect(Buffer.byteLength(markdown)).toBeGreaterThan(COMMENT_TARGET_BYTES - 4000)
    }
  })

  it('stays under the limit when every part is huge at once', () => {
    const markdown = renderComment(
      report(
        { instructions: huge, expectedOutcome: huge, error: huge.replace(/\n/g, ' '), progressId: 'p'.repeat(200) },
        { mode: 'improve', extraInstructions: huge, currentInstructions: huge.replace(/item/g, 'thing'), agentId: 1, scenarioId: 2 }
      ),
      { header: 'h'.repeat(100), runUrl: RUN_URL }
    )
    expectFits(markdown)
    for (const section of ['### Error', '### Request', '### Instructions', '### Changes', '### Expected outcome']) {
      expect(markdown).toContain(section)
    }
    // The instructions still get a fair share of the room.
    const instructions = shown(preContents(markdown)[2] as string)
    expect(huge.startsWith(instructions)).toBe(true)
    expect(instructions.length).toBeGreaterThan(20_000)
  })

  it('does not cut a text that fits', () => {
    const fits = huge.slice(0, 40_000)
    const markdown = renderComment(report({ instructions: fits }), CONTEXT)
    expect(markdown).not.toContain('Cut here')
    expect(shown(preContents(markdown)[0] as string)).toBe(fits)
  })
})
