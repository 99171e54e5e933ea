import { isAbsolute, join, sep } from 'node:path'
import { tmpdir } from 'node:os'
import type { Outcome, Report } from '../../src/base/types.js'
import { type BatchReport, summarise } from '../../src/job/batch.js'
import {
  batchOutputValues,
  batchResults,
  fitOutput,
  instructionsDirParent,
  instructionsFilePath,
  OUTPUT,
  OUTPUT_LIMIT_BYTES,
  outputSize,
  outputValues
} from '../../src/report/outputs.js'

const FILE = '/home/runner/work/_temp/cekura-instructions/p-1.txt'

function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    status: 'completed',
    progressId: 'p-1',
    instructions: 'line 1\nline 2 "quoted" 😀',
    expectedOutcome: 'The agent reschedules.',
    error: '',
    lastResponse: { status: 'completed', instructions: 'line 1\nline 2 "quoted" 😀' },
    polls: 4,
    elapsedMs: 12_345,
    ...overrides
  }
}

const ISSUE_2_OUTPUTS = [
  'status',
  'progress-id',
  'instructions',
  'expected-outcome',
  'instructions-file',
  'result',
  'error',
  'polls',
  'elapsed-seconds'
]

describe('OUTPUT', () => {
  it('includes every output of the contract in issue 2', () => {
    expect(Object.values(OUTPUT)).toEqual(expect.arrayContaining(ISSUE_2_OUTPUTS))
  })
})

describe('outputValues', () => {
  it('sets every output of a completed job', () => {
    const values = outputValues(outcome(), FILE)
    expect(values).toEqual({
      status: 'completed',
      'progress-id': 'p-1',
      instructions: 'line 1\nline 2 "quoted" 😀',
      'expected-outcome': 'The agent reschedules.',
      'instructions-file': FILE,
      result: '{"status":"completed","instructions":"line 1\\nline 2 \\"quoted\\" 😀"}',
      error: '',
      polls: '4',
      'elapsed-seconds': '12.3'
    })
  })

  it('gives result as JSON that parses back to the last response', () => {
    const lastResponse = { status: 'failed', error: { message: 'x' }, list: [1, 'two', null] }
    const values = outputValues(outcome({ status: 'failed', lastResponse }), FILE)
    expect(JSON.parse(values.result as string)).toEqual(lastResponse)
  })

  it('leaves result empty when no response was read', () => {
    expect(outputValues(outcome({ lastResponse: null }), FILE).result).toBe('')
  })

  it.each(['failed', 'timed-out', 'cancelled'] as const)('sets every output on a %s ending too', status => {
    const values = outputValues(
      outcome({ status, instructions: '', expectedOutcome: '', error: 'Why it ended.', polls: 0, elapsedMs: 0 }),
      FILE
    )
    for (const name of ISSUE_2_OUTPUTS) expect(typeof values[name]).toBe('string')
    expect(values.status).toBe(status)
    expect(values.instructions).toBe('')
    expect(values.error).toBe('Why it ended.')
    expect(values.polls).toBe('0')
    expect(values['elapsed-seconds']).toBe('0.0')
  })

  it('makes the error one line', () => {
    const values = outputValues(outcome({ status: 'failed', error: 'first line\n  second line\r\n\r\nthird  ' }), FILE)
    expect(values.error).toBe('first line second line third  ')
    expect(values.error).not.toMatch(/[\r\n]/)
  })

  it.each([
    [0, '0.0'],
    [49, '0.0'],
    [50, '0.1'],
    [1000, '1.0'],
    [59_960, '60.0'],
    [600_000, '600.0']
  ])('gives elapsed-seconds for %d ms as %s', (elapsedMs, text) => {
    expect(outputValues(outcome({ elapsedMs }), FILE)['elapsed-seconds']).toBe(text)
  })

  it('keeps the instructions exactly, newlines and all', () => {
    const instructions = '\n  leading and trailing  \n\n```\n<pre>|</pre>\n'
    expect(outputValues(outcome({ instructions }), FILE).instructions).toBe(instructions)
  })
})

describe('instructionsFilePath', () => {
  it('names the same file for a step left out and an empty step', () => {
    expect(instructionsFilePath('p-1', '/t')).toBe(instructionsFilePath('p-1', '/t', ''))
    expect(instructionsFilePath('p-1', '/t')).not.toBe(instructionsFilePath('p-1', '/t', 'step-2'))
  })

  it('is an absolute path under RUNNER_TEMP', () => {
    const path = instructionsFilePath('3f2a-uuid', '/home/runner/work/_temp')
    expect(path).toMatch(/^\/home\/runner\/work\/_temp\/cekura-instructions\/3f2a-uuid-[0-9a-f]{12}\.txt$/)
    expect(isAbsolute(path)).toBe(true)
  })

  it('falls back to the system temp folder without RUNNER_TEMP', () => {
    for (const runnerTemp of [undefined, '']) {
      const path = instructionsFilePath('abc', runnerTemp)
      expect(path.startsWith(tmpdir() + sep)).toBe(true)
      expect(isAbsolute(path)).toBe(true)
    }
  })

  it('cannot be steered out of its folder by the progress id', () => {
    const dir = join('/runner/temp', 'cekura-instructions')
    for (const id of ['../../etc/passwd', '..', '/abs/path', 'a\\b', 'x/../../y', '..\\..\\z']) {
      const path = instructionsFilePath(id, '/runner/temp')
      expect(path.startsWith(dir + sep)).toBe(true)
      expect(path.slice(dir.length + 1)).not.toContain(sep)
      expect(path.slice(dir.length + 1)).not.toContain('/')
      expect(path.endsWith('.txt')).toBe(true)
    }
  })

  it('keeps only safe characters and a bounded length', () => {
    const path = instructionsFilePath(`a b:c*d?"<>|é😀${'x'.repeat(500)}`, '/t')
    const name = path.slice(join('/t', 'cekura-instructions').length + 1)
    expect(name).toMatch(/^[A-Za-z0-9._-]+\.txt$/)
    expect(name.length).toBeLessThanOrEqual(104)
  })

  it('gives different ids different files and the same id the same file', () => {
    expect(instructionsFilePath('job-1', '/t')).not.toBe(instructionsFilePath('job-2', '/t'))
    expect(instructionsFilePath('job-1', '/t')).toBe(instructionsFilePath('job-1', '/t'))
  })

  it('names the file even for an empty id', () => {
    expect(instructionsFilePath('', '/t')).toMatch(/^\/t\/cekura-instructions\/job-[0-9a-f]{12}\.txt$/)
  })

  it('gives ids that read the same once made safe, and other steps, files of their own', () => {
    expect(instructionsFilePath('a/b', '/t')).not.toBe(instructionsFilePath('a:b', '/t'))
    expect(instructionsFilePath('a/b', '/t', 'step-1')).not.toBe(instructionsFilePath('a/b', '/t', 'step-2'))
    expect(instructionsFilePath('a/b', '/t', 'step-1')).toBe(instructionsFilePath('a/b', '/t', 'step-1'))
  })
})

describe('fitOutput', () => {
  it('keeps a value GitHub counts at up to OUTPUT_LIMIT_BYTES as it is', () => {
    // GitHub counts two bytes a character: half a million ASCII characters fit, one more does not.
    const exact = 'a'.repeat(OUTPUT_LIMIT_BYTES / 2)
    expect(fitOutput(OUTPUT.result, exact)).toStrictEqual({ value: exact })
    expect(fitOutput(OUTPUT.result, `${exact}a`).value).toBe('')
    expect(fitOutput(OUTPUT.result, '')).toStrictEqual({ value: '' })
  })

  it('counts UTF-8 where it takes more: three bytes for a character of one UTF-16 unit', () => {
    expect(outputSize('€')).toBe(3)
    expect(outputSize('a')).toBe(2)
    expect(outputSize('😀')).toBe(4)
    const euros = '€'.repeat(OUTPUT_LIMIT_BYTES / 3 + 1)
    expect(fitOutput(OUTPUT.result, euros).value).toBe('')
  })

  it('leaves a larger value out whole, never cut, and says why and how large it was', () => {
    const fitted = fitOutput(OUTPUT.result, `{"text":"${'x'.repeat(OUTPUT_LIMIT_BYTES / 2)}"}`)
    expect(fitted.value).toBe('')
    expect(fitted.warning).toBe('The result output is left empty: it would take 1,000,022 bytes, more than the 1,000,000 GitHub allows.')
  })

  it('names where the whole text is instead, for the instructions', () => {
    const big = 'x'.repeat(OUTPUT_LIMIT_BYTES)
    expect(fitOutput(OUTPUT.instructions, big).warning).toBe(
      'The instructions output is left empty: it would take 2,000,000 bytes, more than the 1,000,000 GitHub allows; ' +
        'the file the instructions-file output names holds the whole text.'
    )
    expect(fitOutput(OUTPUT.expectedOutcome, big).warning).toMatch(/GitHub allows\.$/)
  })
})

describe('the outputs of a batch', () => {
  const job = { mode: 'improve' as const, extraInstructions: 'Shorter.', requestBody: {} }
  const report = (scenarioId: number | undefined, overrides: Partial<Outcome>, extra: Partial<Report> = {}): Report => ({
    mode: 'improve',
    ...(scenarioId === undefined ? {} : { scenarioId }),
    outcome: outcome({ progressId: `p-${scenarioId}`, ...overrides }),
    ...extra
  })
  const batchOf = (reports: Report[], apply = true): BatchReport => summarise(reports, { apply, concurrency: 2, job }, 61_250)
  const files: Record<number, string> = { 101: '/t/batch-x/101.txt', 103: '/t/batch-x/103.txt' }

  it('results: one object per scenario in order, a file only for a completed job, times in seconds with one decimal', () => {
    const batch = batchOf([
      report(101, { elapsedMs: 12_250, polls: 4 }, { applied: true, projectId: 5 }),
      report(102, { status: 'failed', instructions: '', error: 'Quota\nexceeded.', elapsedMs: 999 }, { applied: false, projectId: 5 }),
      report(103, { status: 'timed-out', instructions: '', error: 'Too slow.', elapsedMs: 12_349 }, { applied: false, projectId: 5 })
    ])
    expect(batchResults(batch, id => files[id])).toStrictEqual([
      {
        scenario_id: 101,
        progress_id: 'p-101',
        status: 'completed',
        error: '',
        applied: true,
        instructions_file: '/t/batch-x/101.txt',
        polls: 4,
        elapsed_seconds: 12.3
      },
      {
        scenario_id: 102,
        progress_id: 'p-102',
        status: 'failed',
        error: 'Quota exceeded.',
        applied: false,
        instructions_file: '',
        polls: 4,
        elapsed_seconds: 1
      },
      {
        scenario_id: 103,
        progress_id: 'p-103',
        status: 'timed-out',
        error: 'Too slow.',
        applied: false,
        instructions_file: '',
        polls: 4,
        elapsed_seconds: 12.3
      }
    ])
  })

  it('results: a completed job whose file could not be written, and a report without a scenario, are still there', () => {
    const batch = batchOf([report(104, {}), report(undefined, { status: 'failed', error: 'x' })], false)
    const results = batchResults(batch, () => undefined)
    expect(results.map(result => [result.scenario_id, result.instructions_file, result.applied])).toEqual([
      [104, '', false],
      [0, '', false]
    ])
  })

  it('every output: the batch-wide ones filled, the per-job ones empty, results as JSON', () => {
    const batch = batchOf([report(101, {}, { applied: true, projectId: 5 }), report(102, {}, { applied: true, projectId: 5 })])
    const results = batchResults(batch, id => files[id])
    const values = batchOutputValues(batch, results, '/t/batch-x')
    expect(values).toStrictEqual({
      status: 'completed',
      'progress-id': '',
      instructions: '',
      'expected-outcome': '',
      'instructions-file': '',
      result: '',
      error: '',
      polls: '8',
      'elapsed-seconds': '61.3',
      mode: 'improve',
      'project-id': '5',
      'scenario-id': '',
      applied: 'true',
      results: JSON.stringify(results),
      'instructions-dir': '/t/batch-x'
    })
  })

  it('project-id only when every job that names a project names the same one; the error on one line', () => {
    const mixed = batchOf([report(101, {}, { projectId: 5 }), report(102, { status: 'failed', error: 'a\nb' }, { projectId: 6 })], false)
    const values = batchOutputValues(
      mixed,
      batchResults(mixed, () => undefined),
      ''
    )
    expect(values['project-id']).toBe('')
    expect(values.error).toBe('1 of 2 jobs failed: 102 (a b)')
    expect(values.error).not.toContain('\n')
    const none = batchOf([report(101, {})], false)
    expect(batchOutputValues(none, [], '')['project-id']).toBe('')
    const some = batchOf([report(101, {}, { projectId: 7 }), report(102, {})], false)
    expect(batchOutputValues(some, [], '')['project-id']).toBe('7')
  })

  it('puts the folder of a batch under RUNNER_TEMP, or the system temp folder without one', () => {
    expect(instructionsDirParent('/runner/temp')).toBe(join('/runner/temp', 'cekura-instructions'))
    expect(instructionsDirParent(undefined)).toBe(join(tmpdir(), 'cekura-instructions'))
    expect(instructionsDirParent('')).toBe(join(tmpdir(), 'cekura-instructions'))
  })
})
