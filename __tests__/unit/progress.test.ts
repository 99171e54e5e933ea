import { describeError, readProgress } from '../../src/cekura/progress.js'

describe('readProgress: status words', () => {
  it.each(['completed', 'complete', 'succeeded', 'success', 'done', 'COMPLETED', 'Done', '  completed  '])(
    'reads %j as completed',
    word => {
      const progress = readProgress({ status: word, instructions: 'text' })
      expect(progress.state).toBe('completed')
      expect(progress.rawStatus).toBe(word)
    }
  )

  it.each(['failed', 'error', 'errored', 'timeout', 'timed_out', 'needs_clarification', 'FAILED', 'Error'])('reads %j as failed', word => {
    expect(readProgress({ status: word }).state).toBe('failed')
  })

  it.each(['cancelled', 'canceled', 'CANCELLED'])('reads %j as cancelled', word => {
    expect(readProgress({ status: word }).state).toBe('cancelled')
  })

  it.each(['in_progress', 'queued', 'pending', 'processing', 'running', 'started', '', 'completed_soon', 'not failed'])(
    'reads the unknown word %j as still running',
    word => {
      const progress = readProgress({ status: word, instructions: 'draft', error: 'x' })
      expect(progress.state).toBe('running')
      expect(progress.instructions).toBeUndefined()
      expect(progress.error).toBeUndefined()
    }
  )

  it.each(['in_progress', 'In Progress', 'in-progress', 'QUEUED', 'pending', 'processing', 'running', 'started', 'created', 'scheduled'])(
    'knows %j as a running word',
    word => {
      expect(readProgress({ status: word }).unknownStatus).toBeUndefined()
    }
  )

  it.each(['completed_soon', 'not failed', 'thinking', 'awaiting_review'])('names %j as a word it does not know', word => {
    expect(readProgress({ status: ` ${word} ` })).toMatchObject({ state: 'running', unknownStatus: word })
  })

  it.each(['needs_clarification', 'needs_agent_clarification', 'NEEDS_INPUT', 'needs_'])('reads %j as waiting for a person', word => {
    expect(readProgress({ status: word })).toMatchObject({ state: 'failed', waitsForPerson: true })
  })

  it("takes a waiting job's question, else its message, else its error", () => {
    const body = { status: 'needs_agent_clarification', message: 'Select an agent.', error: 'blocked' }
    expect(readProgress({ ...body, question: 'Which agent?' }).error).toBe('Which agent?')
    expect(readProgress(body).error).toBe('Select an agent.')
    expect(readProgress({ status: 'needs_clarification', error: 'Which agent should the caller talk to?' }).error).toBe(
      'Which agent should the caller talk to?'
    )
    expect(readProgress({ status: 'needs_clarification' }).error).toBeUndefined()
  })

  it('reads no status at all as still running', () => {
    expect(readProgress({})).toEqual({ state: 'running' })
    expect(readProgress({ instructions: 'text without a status' }).state).toBe('running')
    expect(readProgress({ status: null }).state).toBe('running')
    expect(readProgress({ status: 1 }).state).toBe('running')
    expect(readProgress({ status: ['completed'] }).state).toBe('running')
  })

  it.each([null, 'completed', 42, true, ['completed'], [{ status: 'completed' }]])('reads the non-object body %j as running', body => {
    expect(readProgress(body)).toEqual({ state: 'running' })
  })
})

describe('readProgress: where the finished text is', () => {
  it.each([
    ['top level', { status: 'completed', instructions: 'A' }],
    ['result', { status: 'completed', result: { instructions: 'A' } }],
    ['scenario', { status: 'completed', scenario: { instructions: 'A' } }],
    ['data', { status: 'completed', data: { instructions: 'A' } }],
    ['improved_instructions', { status: 'completed', improved_instructions: 'A' }],
    ['generated_instructions', { status: 'completed', generated_instructions: 'A' }]
  ])('finds it at %s', (_where, body) => {
    expect(readProgress(body).instructions).toBe('A')
  })

  it('prefers the top-level instructions over nested ones', () => {
    const body = { status: 'completed', instructions: 'top', result: { instructions: 'nested' }, improved_instructions: 'other' }
    expect(readProgress(body).instructions).toBe('top')
  })

  it('takes result before scenario before data', () => {
    expect(
      readProgress({ status: 'completed', data: { instructions: 'D' }, scenario: { instructions: 'S' }, result: { instructions: 'R' } })
        .instructions
    ).toBe('R')
    expect(readProgress({ status: 'completed', data: { instructions: 'D' }, scenario: { instructions: 'S' } }).instructions).toBe('S')
  })

  it('takes improved_instructions before generated_instructions', () => {
    expect(readProgress({ status: 'completed', generated_instructions: 'G', improved_instructions: 'I' }).instructions).toBe('I')
  })

  // Regression (found by this test; src/progress.ts once looked at every top-level field first). The
  // API notes give one order: instructions, result.instructions, scenario.instructions,
  // data.instructions, improved_instructions, generated_instructions.
  it('takes result.instructions before a top-level improved_instructions, as the API notes order them', () => {
    const body = { status: 'completed', improved_instructions: 'I', result: { instructions: 'R' } }
    expect(readProgress(body).instructions).toBe('R')
    expect(readProgress({ status: 'completed', generated_instructions: 'G', data: { instructions: 'D' } }).instructions).toBe('D')
  })

  it('looks only where the API notes say the text may be', () => {
    expect(readProgress({ status: 'completed', result: { improved_instructions: 'X' } }).instructions).toBeUndefined()
    expect(readProgress({ status: 'completed', text: 'X', output: 'Y' }).instructions).toBeUndefined()
  })

  it('treats an empty or blank text as no text, so the job cannot end with a silent empty output', () => {
    expect(readProgress({ status: 'completed', instructions: '' }).instructions).toBeUndefined()
    expect(readProgress({ status: 'completed', instructions: ' \n\t ' }).instructions).toBeUndefined()
    expect(readProgress({ status: 'completed', instructions: '', result: { instructions: 'R' } }).instructions).toBe('R')
  })

  it('skips fields that are not strings', () => {
    const body = { status: 'completed', instructions: null, result: { instructions: 42 }, scenario: { instructions: 'S' } }
    expect(readProgress(body).instructions).toBe('S')
    expect(readProgress({ status: 'completed', instructions: { text: 'x' } }).instructions).toBeUndefined()
    expect(readProgress({ status: 'completed', result: 'a string, not an object' }).instructions).toBeUndefined()
    expect(readProgress({ status: 'completed', result: ['instructions'] }).instructions).toBeUndefined()
  })

  it('leaves instructions undefined when a finished job sent none', () => {
    const progress = readProgress({ status: 'completed' })
    expect(progress.state).toBe('completed')
    expect(progress.instructions).toBeUndefined()
  })

  it('keeps the text exactly, whitespace and all', () => {
    const text = '  line 1\n\n\tline 3 `code` <b>html</b> | pipe  \n'
    expect(readProgress({ status: 'completed', instructions: text }).instructions).toBe(text)
  })

  it('reads expected_outcome_prompt at the top level or nested', () => {
    expect(readProgress({ status: 'done', instructions: 'A', expected_outcome_prompt: 'E' }).expectedOutcome).toBe('E')
    expect(readProgress({ status: 'done', result: { instructions: 'A', expected_outcome_prompt: 'E' } }).expectedOutcome).toBe('E')
    expect(readProgress({ status: 'done', instructions: 'A' }).expectedOutcome).toBeUndefined()
  })

  it('does not read text or an expected outcome from a job that is still running or failed', () => {
    const running = readProgress({ status: 'processing', instructions: 'draft', expected_outcome_prompt: 'E' })
    expect(running.instructions).toBeUndefined()
    expect(running.expectedOutcome).toBeUndefined()
    const failed = readProgress({ status: 'failed', instructions: 'draft', expected_outcome_prompt: 'E' })
    expect(failed.instructions).toBeUndefined()
    expect(failed.expectedOutcome).toBeUndefined()
  })
})

describe('readProgress: errors of a failed job', () => {
  it.each([
    [{ status: 'failed', error: 'LLM quota exceeded' }, 'LLM quota exceeded'],
    [{ status: 'failed', error: { message: 'from message' } }, 'from message'],
    [{ status: 'failed', error: { detail: 'from detail' } }, 'from detail'],
    [{ status: 'failed', error: ['one', 'two'] }, 'one; two'],
    [{ status: 'failed', error: null, detail: 'top detail' }, 'top detail'],
    [{ status: 'failed', errors: ['e1', { message: 'e2' }] }, 'e1; e2'],
    [{ status: 'failed', result: { error: 'nested' } }, 'nested'],
    [{ status: 'failed', message: 'only a message' }, 'only a message'],
    [{ status: 'cancelled', error: 'cancelled by a user' }, 'cancelled by a user']
  ])('reads %j', (body, text) => {
    expect(readProgress(body).error).toBe(text)
  })

  it('prefers error over detail over message', () => {
    expect(readProgress({ status: 'failed', error: 'E', detail: 'D', message: 'M' }).error).toBe('E')
    expect(readProgress({ status: 'failed', error: '', detail: 'D', message: 'M' }).error).toBe('D')
  })

  it('leaves the error undefined when the job gave none', () => {
    expect(readProgress({ status: 'failed' }).error).toBeUndefined()
    expect(readProgress({ status: 'failed', error: null }).error).toBeUndefined()
  })

  it('ignores an error field while the job is still running or completed', () => {
    expect(readProgress({ status: 'processing', error: 'transient hiccup' }).error).toBeUndefined()
    expect(readProgress({ status: 'completed', instructions: 'A', error: null }).error).toBeUndefined()
  })
})

describe('readProgress: stage and percentage', () => {
  it('reads a stage from stage, step, phase or message', () => {
    expect(readProgress({ status: 'processing', stage: 'drafting' }).stage).toBe('drafting')
    expect(readProgress({ status: 'processing', step: ' reviewing ' }).stage).toBe('reviewing')
    expect(readProgress({ status: 'processing', phase: 'p' }).stage).toBe('p')
    expect(readProgress({ status: 'processing', message: 'm' }).stage).toBe('m')
    expect(readProgress({ status: 'processing', stage: '   ' }).stage).toBeUndefined()
    expect(readProgress({ status: 'processing', stage: 3 }).stage).toBeUndefined()
  })

  it.each([
    [{ progress: 40 }, 40],
    [{ progress: 0.4 }, 40],
    [{ percentage: 55 }, 55],
    [{ percent: '70%' }, 70],
    [{ progress_percentage: '12.5' }, 12.5],
    [{ progress: 250 }, 100],
    [{ progress: 0 }, 0]
  ])('reads %j as %d%%', (fields, percent) => {
    expect(readProgress({ status: 'processing', ...fields }).percent).toBeCloseTo(percent, 9)
  })

  it.each([[{ progress: -1 }], [{ progress: 'soon' }], [{ progress: null }], [{ progress: Number.NaN }], [{ percent: '' }]])(
    'ignores %j',
    fields => {
      expect(readProgress({ status: 'processing', ...fields }).percent).toBeUndefined()
    }
  )
})

describe('describeError', () => {
  it.each([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    [[], undefined],
    [[null, ''], undefined],
    ['plain', 'plain'],
    [{ message: 'm' }, 'm'],
    [{ detail: 'd' }, 'd'],
    [{ error: { reason: 'deep' } }, 'deep'],
    [['a', { detail: 'b' }, null], 'a; b'],
    [404, '404'],
    [false, 'false']
  ])('turns %j into %j', (value, text) => {
    expect(describeError(value)).toBe(text)
  })

  it('falls back to JSON for an object without a known field', () => {
    expect(describeError({ code: 'E42', where: 'llm' })).toBe('{"code":"E42","where":"llm"}')
  })
})
