import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringifyJson } from '../base/json.js'
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
  applied: 'applied',
  commentId: 'comment-id',
  commentUrl: 'comment-url'
} as const

/**
 * Where the instructions file goes: RUNNER_TEMP on a runner (one folder for the whole job), the system
 * temp folder elsewhere. The name is the id made safe for any file system, then a short hash of the
 * whole id and the step (GITHUB_ACTION, unique per step in a job): two ids that read the same once
 * made safe (`a/b`, `a:b`), or two steps following one job, never share a file.
 */
export function instructionsFilePath(progressId: string, runnerTemp: string | undefined, step = ''): string {
  const safe = progressId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
  const hash = createHash('sha256').update(`${step}\n${progressId}`).digest('hex').slice(0, 12)
  return join(runnerTemp || tmpdir(), 'cekura-instructions', `${safe || 'job'}-${hash}.txt`)
}

/** Every output for one ending. Values are redacted by the caller before they get here. */
export function outputValues(outcome: Outcome, instructionsFile: string): Record<string, string> {
  return {
    [OUTPUT.status]: outcome.status,
    [OUTPUT.progressId]: outcome.progressId,
    [OUTPUT.instructions]: outcome.instructions,
    [OUTPUT.expectedOutcome]: outcome.expectedOutcome,
    [OUTPUT.instructionsFile]: instructionsFile,
    [OUTPUT.result]: outcome.lastResponse === null ? '' : stringifyJson(outcome.lastResponse),
    [OUTPUT.error]: oneLine(outcome.error),
    [OUTPUT.polls]: String(outcome.polls),
    [OUTPUT.elapsedSeconds]: (outcome.elapsedMs / 1000).toFixed(1)
  }
}
