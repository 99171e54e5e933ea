import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringifyJson } from '../base/json.js'
import { oneLine } from '../base/text.js'
import type { Outcome } from '../base/types.js'
import type { BatchReport } from '../job/batch.js'

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
  commentUrl: 'comment-url',
  results: 'results',
  instructionsDir: 'instructions-dir'
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

/** Where a batch's folder of texts goes: a new folder under this one, one per step. */
export function instructionsDirParent(runnerTemp: string | undefined): string {
  return join(runnerTemp || tmpdir(), 'cekura-instructions')
}

/** One scenario of a batch, as the `results` output shows it. */
export interface BatchResult {
  scenario_id: number
  progress_id: string
  status: string
  error: string
  applied: boolean
  /** '' unless the job completed. */
  instructions_file: string
  polls: number
  elapsed_seconds: number
}

/** The `results` output: one object per scenario, in the order given. `fileOf` names each completed job's file. */
export function batchResults(batch: BatchReport, fileOf: (scenarioId: number) => string | undefined): BatchResult[] {
  return batch.reports.map(report => {
    const { outcome } = report
    const id = report.scenarioId ?? 0
    return {
      scenario_id: id,
      progress_id: outcome.progressId,
      status: outcome.status,
      error: oneLine(outcome.error),
      applied: report.applied === true,
      instructions_file: outcome.status === 'completed' ? (fileOf(id) ?? '') : '',
      polls: outcome.polls,
      elapsed_seconds: Math.round(outcome.elapsedMs / 100) / 10
    }
  })
}

/** The project the batch's jobs ran in, when they name one and the same one; '' otherwise. */
function batchProject(batch: BatchReport): string {
  const projects = new Set(batch.reports.flatMap(report => (report.projectId === undefined ? [] : [report.projectId])))
  return projects.size === 1 ? String([...projects][0]) : ''
}

/**
 * Every output of a batch. What belongs to one job (its progress id, scenario, text, expected outcome,
 * file and last response) is empty: it is in `results` and the folder instead.
 */
export function batchOutputValues(batch: BatchReport, results: BatchResult[], instructionsDir: string): Record<string, string> {
  return {
    [OUTPUT.status]: batch.status,
    [OUTPUT.progressId]: '',
    [OUTPUT.instructions]: '',
    [OUTPUT.expectedOutcome]: '',
    [OUTPUT.instructionsFile]: '',
    [OUTPUT.result]: '',
    [OUTPUT.error]: oneLine(batch.error),
    [OUTPUT.polls]: String(batch.polls),
    [OUTPUT.elapsedSeconds]: (batch.elapsedMs / 1000).toFixed(1),
    [OUTPUT.mode]: 'improve',
    [OUTPUT.projectId]: batchProject(batch),
    [OUTPUT.scenarioId]: '',
    [OUTPUT.applied]: String(batch.applied),
    [OUTPUT.results]: JSON.stringify(results),
    [OUTPUT.instructionsDir]: instructionsDir
  }
}

/**
 * GitHub's most for outputs (1 MB; a job's outputs together may hold no more): an expression that reads
 * a larger value fails the step that uses it.
 */
export const OUTPUT_LIMIT_BYTES = 1_000_000

/**
 * The size GitHub counts: it measures outputs in UTF-16, two bytes a character; UTF-8 takes more for
 * some text, so the larger of the two.
 */
export function outputSize(value: string): number {
  return Math.max(2 * value.length, Buffer.byteLength(value, 'utf8'))
}

/** Where the whole of a value can be found when its output is too large to hold it. */
const ELSEWHERE: Partial<Record<string, string>> = {
  [OUTPUT.instructions]: `the file the ${OUTPUT.instructionsFile} output names holds the whole text`
}

/**
 * The value an output is set to: the value itself, or '' with a warning when it is over GitHub's limit
 * for one output. Never a cut value: half a JSON text or half the instructions would pass for the whole.
 */
export function fitOutput(name: string, value: string): { value: string; warning?: string } {
  const bytes = outputSize(value)
  if (bytes <= OUTPUT_LIMIT_BYTES) return { value }
  const elsewhere = ELSEWHERE[name]
  return {
    value: '',
    warning:
      `The ${name} output is left empty: it would take ${bytes.toLocaleString('en-US')} bytes, more than the ` +
      `${OUTPUT_LIMIT_BYTES.toLocaleString('en-US')} GitHub allows${elsewhere === undefined ? '.' : `; ${elsewhere}.`}`
  }
}
