// End-to-end: jobs that complete, run through the bundle built from src/ under Node 24.
import { readFileSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import {
  DEMO_EXPECTED_OUTCOME,
  DEMO_INSTRUCTIONS,
  HUGE_INSTRUCTIONS,
  LONG_INSTRUCTIONS,
  PROGRESS_PATH,
  TRICKY_INSTRUCTIONS,
  jobs
} from '../support/fake-cekura.mjs'
import {
  KEY,
  expectAllOutputs,
  expectKeySafe,
  expectShownInPre,
  fastInputs,
  htmlUnescape,
  outsidePre,
  preBlocks,
  preText,
  progressRequests,
  run,
  useFake,
  visibleLog
} from '../support/e2e.js'
import type { RunResult } from '../support/run-action.mjs'

function expectCompleted(result: RunResult, instructions: string): void {
  expect(result.code).toBe(0)
  expectAllOutputs(result)
  expect(result.outputs.status).toBe('completed')
  expect(result.outputs.error).toBe('')
  expect(result.outputs.instructions).toBe(instructions)
  const file = result.outputs['instructions-file'] ?? ''
  expect(isAbsolute(file)).toBe(true)
  expect(file.startsWith(result.paths.runnerTemp)).toBe(true)
  expect(readFileSync(file, 'utf8')).toBe(instructions)
}

describe('a job that completes', () => {
  const ctx = useFake()

  test('after 3 polls: outputs, file, polls, elapsed, result, summary, log', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-3') })
    const requests = progressRequests(ctx.fake)

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(result.outputs['progress-id']).toBe('complete-after-3')
    expect(result.outputs['expected-outcome']).toBe(DEMO_EXPECTED_OUTCOME)
    expect(requests).toHaveLength(3)
    expect(result.outputs.polls).toBe('3')
    expect(JSON.parse(result.outputs.result ?? '')).toEqual(JSON.parse(requests[2]?.response?.body ?? ''))

    // Summary: heading with the status, a table with id, polls and host, the texts escaped in <pre>.
    expect(result.summary).toMatch(/^#+ .*completed/im)
    expect(result.summary).toMatch(/^\|.*\|$/m)
    expect(result.summary).toContain('complete-after-3')
    // In a table cell, as inline code, with the marks that could start Markdown as character references.
    expect(result.summary).toMatch(/^\| API host \| <code>127&#x2E;0&#x2E;0&#x2E;1&#x3A;\d+<\/code> \|$/m)
    expectShownInPre(result.summary, DEMO_INSTRUCTIONS)
    expectShownInPre(result.summary, DEMO_EXPECTED_OUTCOME)
    expect(result.summary).toContain('&quot;Do I need to bring my insurance card?&quot;')

    // One readable line per poll, with the status and the stage or percentage.
    const log = visibleLog(result).join('\n')
    expect(log).toMatch(/queued/i)
    expect(log).toMatch(/generating|50 ?%/i)
    expect(log).toMatch(/completed/i)

    expectKeySafe(result)
  })

  test.each(['result', 'scenario', 'data'] as const)('with the text nested under "%s"', async nest => {
    const result = await run({ inputs: fastInputs(ctx.fake, `nested-${nest}`) })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(result.outputs['expected-outcome']).toBe(DEMO_EXPECTED_OUTCOME)
    expect(result.outputs.polls).toBe('2')
    expect(progressRequests(ctx.fake)).toHaveLength(2)
    expect(JSON.parse(result.outputs.result ?? '')[nest].instructions).toBe(DEMO_INSTRUCTIONS)
    expectShownInPre(result.summary, DEMO_INSTRUCTIONS)
    expectKeySafe(result)
  })

  test('request headers: the key, Accept: application/json, a User-Agent naming the action and version', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2') })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    const requests = progressRequests(ctx.fake)
    expect(requests).toHaveLength(2)
    for (const request of requests) {
      expect(request.method).toBe('GET')
      expect(request.path).toBe(PROGRESS_PATH)
      expect(request.headers['x-cekura-api-key']).toBe(KEY)
      expect(request.headers.accept).toContain('application/json')
      expect(request.headers['user-agent']).toMatch(/cekura-instructions-action\b.*\d+\.\d+\.\d+/)
    }
    expectKeySafe(result)
  })

  test('a progress id that needs URL encoding reaches the API exactly', async () => {
    const id = 'a b/c&d'
    ctx.fake.setJob(id, jobs.completeAfterPolls(2))
    const result = await run({ inputs: fastInputs(ctx.fake, id) })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(result.outputs['progress-id']).toBe(id)
    const [first] = progressRequests(ctx.fake)
    expect(first?.query).toEqual({ progress_id: id })
    expect(first?.url).not.toContain(' ')
    expect(first?.path).toBe(PROGRESS_PATH)
    expectKeySafe(result)
  })

  test('an api-url with a path prefix and a trailing slash', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2', { 'api-url': `${ctx.fake.url}/prefix/` }) })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    for (const request of progressRequests(ctx.fake)) expect(request.path).toBe(`/prefix${PROGRESS_PATH}`)
    expectKeySafe(result)
  })

  test('an api-url with a trailing slash and no prefix', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', { 'api-url': `${ctx.fake.url}/` }) })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(progressRequests(ctx.fake).map(request => request.path)).toEqual([PROGRESS_PATH])
    expectKeySafe(result)
  })

  test('a redirect within the same origin is followed', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'redirect-same-origin') })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    const requests = progressRequests(ctx.fake)
    expect(requests[0]?.progressId).toBe('redirect-same-origin')
    expect(requests[1]?.progressId).toBe('complete-after-1')
    expect(requests[1]?.headers['x-cekura-api-key']).toBe(KEY)
    expect(ctx.fake.requests.filter(request => request.server === 'other')).toHaveLength(0)
    expectKeySafe(result)
  })

  test('with the action.yml defaults (2 s first wait) the first poll is still immediate', async () => {
    const result = await run({ inputs: { 'api-key': KEY, 'progress-id': 'complete-after-1', 'api-url': ctx.fake.url } })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(result.outputs.polls).toBe('1')
    // Measured from the action's first log bytes, so Node start-up on a busy machine does not count;
    // a first poll that waited poll-interval would arrive 2 s after them.
    const [first] = progressRequests(ctx.fake)
    expect((first?.at ?? Infinity) - (result.firstOutputAt ?? -Infinity)).toBeLessThan(1000)
    expect(Number(result.outputs['elapsed-seconds'])).toBeLessThan(1.5)
    expectKeySafe(result)
  })
})

describe('the job summary', () => {
  const ctx = useFake()

  test('shows text with backticks, </pre>, <details>, pipes, @mentions and Markdown only escaped inside <pre>', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'tricky-text') })

    expectCompleted(result, TRICKY_INSTRUCTIONS)
    const summary = result.summary
    expectShownInPre(summary, TRICKY_INSTRUCTIONS)

    // Nothing the text holds breaks out: every </pre> closes one of the action's own <pre> blocks ...
    const opened = summary.match(/<pre[\s>]/g)?.length ?? 0
    expect(opened).toBeGreaterThanOrEqual(1)
    expect(summary.match(/<\/pre>/g)?.length).toBe(opened)
    // ... inside them nothing is raw HTML ...
    for (const block of preBlocks(summary)) expect(block).not.toMatch(/[<>]/)
    expect(summary).toContain('&lt;/pre&gt;')
    expect(summary).toContain('&lt;details&gt;')
    expect(summary).toContain('&lt;script&gt;')
    // ... and outside them no part of the text appears at all.
    const rest = outsidePre(summary)
    for (const fragment of [
      'INJECTED',
      '@octocat',
      '@github/security',
      '<script',
      'onerror',
      '```fenced```',
      '| pipe |',
      'Heading that must not render'
    ]) {
      expect(rest).not.toContain(fragment)
    }
    // The expected outcome is shown the same way.
    const expected = result.outputs['expected-outcome'] ?? ''
    expect(expected).toContain('</pre>')
    expectShownInPre(summary, expected)
    expectKeySafe(result)
  })

  test('collapses long instructions in <details>', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'long-text') })

    expectCompleted(result, LONG_INSTRUCTIONS)
    const collapsed = /<details[^>]*>[\s\S]*?<pre[^>]*>([\s\S]*?)<\/pre>[\s\S]*?<\/details>/.exec(result.summary)
    expect(collapsed).not.toBeNull()
    expect(htmlUnescape(collapsed?.[1] ?? '').trim()).toBe(LONG_INSTRUCTIONS)
    expectKeySafe(result)
  })

  test('stays under 1 MiB for a 1.2 MiB text, truncating visibly and pointing to instructions-file', async () => {
    expect(Buffer.byteLength(HUGE_INSTRUCTIONS)).toBeGreaterThan(1024 * 1024)
    const result = await run({ inputs: fastInputs(ctx.fake, 'huge-text') })

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    expect(readFileSync(result.outputs['instructions-file'] ?? '', 'utf8')).toBe(HUGE_INSTRUCTIONS)
    // Over GitHub's 1 MB for one output, the text and the last answer are left out whole (never cut),
    // and the log says so, naming the file that holds the text.
    expect(result.outputs.instructions).toBe('')
    expect(result.outputs.result).toBe('')
    const warnings = visibleLog(result).filter(line => /output is left empty/.test(line))
    expect(warnings).toHaveLength(2)
    expect(warnings.join('\n')).toMatch(/The instructions output is left empty: it would take [\d,]+ bytes.*instructions-file/)
    expect(warnings.join('\n')).toMatch(/The result output is left empty/)
    expect(result.outputs['expected-outcome']).toBe('')
    expect(result.outputs.polls).toBe('2')
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    // Visibly cut: a note says so (in whatever words) and names the file; what is shown is the text's start.
    const blocks = preBlocks(result.summary)
    expect(blocks).toHaveLength(1)
    const shown = preText(blocks[0] ?? '')
    expect(shown.length).toBeGreaterThan(1000)
    expect(shown.length).toBeLessThan(HUGE_INSTRUCTIONS.length)
    expect(HUGE_INSTRUCTIONS.startsWith(shown)).toBe(true)
    const note = outsidePre(result.summary)
    expect(note).toMatch(/truncat|cut|shorten|first [\d,]+/i)
    expect(note.includes('instructions-file') || note.includes(result.outputs['instructions-file'] ?? '\0')).toBe(true)
    expect(blocks[0]).not.toMatch(/[<>]/)
    expectKeySafe(result)
  })

  test('summary: false writes no summary', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2', { summary: 'false' }) })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(result.summary).toBe('')
    expectKeySafe(result)
  })
})

describe('wall-clock jobs', () => {
  const ctx = useFake()

  test('demo-complete (about 3 s) completes with stage and percentage in the log', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'demo-complete', { 'max-poll-interval': '1s' }) })

    expectCompleted(result, DEMO_INSTRUCTIONS)
    expect(Number(result.outputs['elapsed-seconds'])).toBeGreaterThanOrEqual(2.9)
    expect(Number(result.outputs.polls)).toBe(progressRequests(ctx.fake).length)
    expect(visibleLog(result).join('\n')).toMatch(/drafting instructions|\d+ ?%/)
    expectKeySafe(result)
  })
})
