// Small helpers whose edges mutation testing found unpinned: plural forms, the rounding edge of
// formatDuration, the file name made from a progress id, and the redaction of the texts a report
// carries besides the outcome.

import { join } from 'node:path'
import { formatDuration } from '../../src/base/duration.js'
import { redactReport, redactor, type Redactor } from '../../src/base/redact.js'
import { errorMessage, oneLine, plural } from '../../src/base/text.js'
import type { Report } from '../../src/base/types.js'
import { instructionsFilePath } from '../../src/report/outputs.js'
import { outcome } from './fixtures.js'

describe('plural', () => {
  it('uses the singular for one only', () => {
    expect(plural(1, 'poll')).toBe('1 poll')
    expect(plural(0, 'poll')).toBe('0 polls')
    expect(plural(2, 'poll')).toBe('2 polls')
    expect(plural(2, 'try', 'tries')).toBe('2 tries')
  })
})

describe('oneLine', () => {
  it('folds each run of line breaks, with the space around it, into one space', () => {
    expect(oneLine('first\r\n\n  second \n\tthird')).toBe('first second third')
    expect(oneLine('no  break\there')).toBe('no  break\there')
    expect(oneLine('\nedge\n')).toBe(' edge ')
  })
})

describe('errorMessage', () => {
  it('reads an Error, anything else, and what cannot be made text at all', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('plain')).toBe('plain')
    expect(errorMessage(Object.create(null))).toBe('[object Object]')
  })
})

describe('formatDuration', () => {
  it('shows 999.5 ms as one second, as it rounds', () => {
    expect(formatDuration(999.4)).toBe('999ms')
    expect(formatDuration(999.5)).toBe('1s')
  })
})

describe('instructionsFilePath', () => {
  it('replaces each unsafe character of the id with an underscore', () => {
    expect(instructionsFilePath('a/b c:d', '/runner/temp')).toMatch(
      new RegExp(`^${join('/runner/temp', 'cekura-instructions', 'a_b_c_d')}-[0-9a-f]{12}\\.txt$`)
    )
  })
})

describe('redactReport', () => {
  const key = 'ck_live_0123456789'
  // Made in each test, not while Jest collects them: mutation testing would count the redactor as static.
  let redact: Redactor
  beforeEach(() => {
    redact = redactor(key)
  })

  it('redacts the request and the text an improve job started from', () => {
    const report: Report = {
      outcome: outcome(),
      mode: 'improve',
      extraInstructions: `Use key ${key}`,
      currentInstructions: `Old text with ${key}`
    }
    const redacted = redactReport(report, redact)
    expect(redacted.extraInstructions).toBe('Use key ***')
    expect(redacted.currentInstructions).toBe('Old text with ***')
  })

  it('adds neither when the report has none', () => {
    const redacted = redactReport({ outcome: outcome(), mode: 'poll' }, redact)
    expect(Object.keys(redacted).sort()).toEqual(['mode', 'outcome'])
  })
})
