import type { Outcome, Report } from '../../src/base/types.js'

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

/** A completed improve job with every part a summary or comment shows: request, diff, expected outcome, saved. */
export const improveReport: Report = {
  outcome: outcome({ instructions: 'Greet.\nAsk for a refund.\nHang up.', expectedOutcome: 'Agent refunds.' }),
  mode: 'improve',
  agentId: 12,
  scenarioId: 34,
  extraInstructions: 'Be angrier.',
  currentInstructions: 'Greet.\nAsk for help.\nHang up.',
  applied: true
}
