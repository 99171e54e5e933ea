import type { Outcome } from '../../src/base/types.js'

/** A completed job's outcome, as the poll loop returns it; tests override what they need. */
export function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    status: 'completed',
    progressId: 'p-1',
    instructions: 'Call the clinic and ask to move your appointment.',
    expectedOutcome: '',
    error: '',
    lastResponse: { status: 'completed' },
    polls: 3,
    elapsedMs: 4200,
    ...overrides
  }
}
