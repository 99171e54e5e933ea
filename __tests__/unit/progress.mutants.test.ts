// Reading a progress answer, at the edges mutation testing found unpinned: which key may hold a
// fraction, blank percentages, and that the result holds only what the answer said (no key left
// present but undefined, which a reader iterating the keys would see).

import { describeError, MAX_WORD_CHARS, readProgress } from '../../src/cekura/progress.js'

describe('percentages', () => {
  it.each([
    [{ percentage: 0.5 }, 0.5],
    [{ percent: 0.4 }, 0.4],
    [{ progress_percentage: 0.25 }, 0.25],
    [{ progress: 40.5 }, 40.5],
    [{ progress: 1 }, 1],
    [{ progress: 0.4 }, 40]
  ])('only a fraction under `progress` is read as a share of one: %j is %d%%', (fields, percent) => {
    expect(readProgress({ status: 'processing', ...fields }).percent).toBeCloseTo(percent, 9)
  })

  it.each([
    ['40%', 40],
    [' 40 % ', 40],
    ['0.4', 40],
    ['0.25', 25],
    ['12.5%', 12.5]
  ])('a text %j is read as %d %%', (value, percent) => {
    expect(readProgress({ status: 'processing', progress: value }).percent).toBe(percent)
  })

  it.each(['   ', '\t', ' % ', '%', '0x10', '1e2', 'Infinity', '40%%', '% 40', '4%0'])('the text %j is no percentage', value => {
    expect(readProgress({ status: 'processing', progress: value }).percent).toBeUndefined()
  })

  it('takes the first key that holds a number, in order', () => {
    expect(readProgress({ status: 'processing', progress: 'soon', percentage: '30%', percent: 90 }).percent).toBe(30)
  })
})

describe('the result holds only what the answer said', () => {
  it('a bare running answer', () => {
    expect(readProgress({ status: 'processing' })).toStrictEqual({ state: 'running', rawStatus: 'processing' })
    expect(readProgress({})).toStrictEqual({ state: 'running' })
  })

  it('a running answer with a stage and a percentage', () => {
    expect(readProgress({ status: 'processing', stage: ' drafting ', progress: 40 })).toStrictEqual({
      state: 'running',
      rawStatus: 'processing',
      stage: 'drafting',
      percent: 40
    })
  })

  it('a finished answer without an expected outcome', () => {
    expect(readProgress({ status: 'completed', instructions: 'Call and complain.' })).toStrictEqual({
      state: 'completed',
      rawStatus: 'completed',
      instructions: 'Call and complain.'
    })
  })

  it('a finished answer without text', () => {
    expect(readProgress({ status: 'completed', expected_outcome_prompt: 'Agent apologises.' })).toStrictEqual({
      state: 'completed',
      rawStatus: 'completed',
      expectedOutcome: 'Agent apologises.'
    })
  })

  it('a failed answer without an error', () => {
    expect(readProgress({ status: 'failed' })).toStrictEqual({ state: 'failed', rawStatus: 'failed' })
  })

  it('a job that waits for a person and says nothing', () => {
    expect(readProgress({ status: 'needs_clarification' })).toStrictEqual({
      state: 'failed',
      rawStatus: 'needs_clarification',
      waitsForPerson: true
    })
  })

  it('only a status that starts with needs_ waits for a person', () => {
    expect(readProgress({ status: 'no_needs_left' })).toStrictEqual({
      state: 'running',
      rawStatus: 'no_needs_left',
      unknownStatus: 'no_needs_left'
    })
  })

  it('a blank status is no unknown status', () => {
    expect(readProgress({ status: '  ' })).toStrictEqual({ state: 'running', rawStatus: '  ' })
  })

  it('a failed answer with an error', () => {
    expect(readProgress({ status: 'failed', error: { message: 'LLM down' } })).toStrictEqual({
      state: 'failed',
      rawStatus: 'failed',
      error: 'LLM down'
    })
  })
})

describe('status and stage words are cut at MAX_WORD_CHARS', () => {
  it('keeps a word of exactly the limit, and cuts one character more with an ellipsis', () => {
    const exact = 's'.repeat(MAX_WORD_CHARS)
    expect(readProgress({ status: 'processing', stage: exact }).stage).toBe(exact)
    expect(readProgress({ status: 'processing', stage: `${exact}t` }).stage).toBe(`${exact}…`)
    expect(readProgress({ status: `${exact}t` }).rawStatus).toBe(`${exact}…`)
  })
})

describe('describeError', () => {
  it('shows numbers and booleans as text', () => {
    expect(describeError(42)).toBe('42')
    expect(describeError(false)).toBe('false')
  })

  it('looks four levels deep, then shows the rest as JSON', () => {
    expect(describeError([[[['deep']]]])).toBe('deep')
    expect(describeError([[[[['deeper']]]]])).toBe('["deeper"]')
  })

  it('reads a status with spaces or dashes as one with underscores', () => {
    expect(readProgress({ status: 'In Progress' }).state).toBe('running')
    expect(readProgress({ status: 'timed-out' }).state).toBe('failed')
    // A run of spaces and dashes is one underscore: `in_progress`, a running word, not an unknown one.
    expect(readProgress({ status: 'In  Progress' })).toStrictEqual({ state: 'running', rawStatus: 'In  Progress' })
    expect(readProgress({ status: 'in - progress' })).toStrictEqual({ state: 'running', rawStatus: 'in - progress' })
  })
})
