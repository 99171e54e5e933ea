import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { oneLine } from '../base/text.js'
import type { Outcome } from '../base/types.js'

/** Output names, as action.yml declares them. */
export const OUTPUT = {
  status: 'status',
  progressId: 'progress-id',
  instructions: 'instructions',
  expectedOutcome: 'expected-outcome',
  instructionsFile: 'instructions-file',
  result: 'result',
  error: 'error',
  polls: 'polls',
  elapsedSeconds: 'elapsed-seconds',
  mode: 'mode',
  scenarioId: 'scenario-id',
  projectId: 'project-id',
  applied: 'applied',
  commentId: 'comment-id',
  commentUrl: 'comment-url'
} as const

/** Where the instructions file goes: RUNNER_TEMP on a runner, the system temp folder elsewhere. */
export function instructionsFilePath(progressId: string, runnerTemp: string | undefined): string {
  const safe = progressId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)
  return join(runnerTemp || tmpdir(), 'cekura-instructions', `${safe || 'job'}.txt`)
}

/** Every output for one ending. Values are redacted by the caller before they get here. */
export function outputValues(outcome: Outcome, instructionsFile: string): Record<string, string> {
  return {
    [OUTPUT.status]: outcome.status,
    [OUTPUT.progressId]: outcome.progressId,
    [OUTPUT.instructions]: outcome.instructions,
    [OUTPUT.expectedOutcome]: outcome.expectedOutcome,
    [OUTPUT.instructionsFile]: instructionsFile,
    [OUTPUT.result]: outcome.lastResponse === null ? '' : JSON.stringify(outcome.lastResponse),
    [OUTPUT.error]: oneLine(outcome.error),
    [OUTPUT.polls]: String(outcome.polls),
    [OUTPUT.elapsedSeconds]: (outcome.elapsedMs / 1000).toFixed(1)
  }
}
