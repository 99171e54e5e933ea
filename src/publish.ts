import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as core from '@actions/core'
import { log } from './base/log.js'
import { errorMessage, oneLine } from './base/text.js'
import type { Mode, Report, Status } from './base/types.js'
import type { Settings } from './inputs.js'
import type { BatchReport } from './job/batch.js'
import type { CommentContext } from './report/comment.js'

import {
  batchOutputValues,
  batchResults,
  fitOutput,
  instructionsDirParent,
  instructionsFilePath,
  OUTPUT,
  outputValues
} from './report/outputs.js'
import { renderBatchSummary } from './report/batch-summary.js'
import { renderSummary } from './report/summary.js'

/** The module a run loads only when it comments. */
type Commenting = typeof import('./github/commenting.js')

/** The comment may take this long past the timeout, or after a cancel. */
const COMMENT_GRACE_MS = 2500

export interface PublishContext {
  settings: Settings
  /** Hides the secrets in every output. */
  redact: (text: string) => string
  /** The run's deadline on the monotonic clock: the comment keeps to it, but for a short grace. */
  deadline: number
  /** The runner cancelling the step: aborts the comment's requests. */
  cancel?: AbortSignal
}

type SetOutput = (name: string, value: string) => void

/** Sets outputs with the secrets hidden, each within GitHub's size for one output (a warning says when one is not). */
export function outputSetter(redact: (text: string) => string): SetOutput {
  return (name, value) => {
    const fitted = fitOutput(name, redact(value))
    if (fitted.warning !== undefined) log.warning(fitted.warning)
    core.setOutput(name, fitted.value)
  }
}

/**
 * Writes everything a (redacted) report leaves behind: outputs, the instructions file, the summary and
 * the comment. Returns the report the step ends with: the same one, or a cancelled one when the run
 * was cancelled while the comment was being written.
 */
export async function publish(report: Report, context: PublishContext): Promise<Report> {
  const { settings, redact, cancel } = context
  const { outcome } = report
  const setOutput = outputSetter(redact)
  const file = instructionsFilePath(outcome.progressId || report.mode, process.env.RUNNER_TEMP, process.env.GITHUB_ACTION)
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, redact(outcome.instructions), 'utf8')
  } catch (error) {
    log.warning(`Could not write the instructions file ${file}: ${errorMessage(error)}`)
  }
  const values = outputValues(outcome, file)
  values[OUTPUT.mode] = report.mode
  values[OUTPUT.scenarioId] = report.scenarioId === undefined ? '' : String(report.scenarioId)
  values[OUTPUT.projectId] = report.projectId === undefined ? '' : String(report.projectId)
  values[OUTPUT.applied] = String(report.applied === true)
  // A batch's outputs: empty for a single job.
  values[OUTPUT.results] = ''
  values[OUTPUT.instructionsDir] = ''
  for (const [name, value] of Object.entries(values)) setOutput(name, value)

  if (settings.summary) {
    await writeSummary(() => renderSummary(report, { apiHost: new URL(settings.apiUrl).host, instructionsFile: file }))
  }
  await comment(context, outcome.status, setOutput, (kit, about) => kit.renderComment(report, about))
  return cancel?.aborted && outcome.status !== 'cancelled' ? await cancelledLate(report, settings, setOutput) : report
}

/**
 * Writes everything a (redacted) batch leaves behind: one file per completed job in a new folder, the
 * outputs (with `results`), one summary and one comment for the whole batch.
 */
export async function publishBatch(batch: BatchReport, context: PublishContext): Promise<void> {
  const { settings, redact } = context
  const setOutput = outputSetter(redact)
  const files = new Map<number, string>()
  let dir = ''
  try {
    const parent = instructionsDirParent(process.env.RUNNER_TEMP)
    mkdirSync(parent, { recursive: true })
    // A folder of its own, so that a later step can copy exactly this batch's texts in one command.
    dir = mkdtempSync(join(parent, 'batch-'))
    for (const report of batch.reports) {
      if (report.outcome.status !== 'completed' || report.scenarioId === undefined) continue
      const file = join(dir, `${report.scenarioId}.txt`)
      writeFileSync(file, redact(report.outcome.instructions), 'utf8')
      files.set(report.scenarioId, file)
    }
  } catch (error) {
    log.warning(`Could not write the instructions files${dir === '' ? '' : ` in ${dir}`}: ${errorMessage(error)}`)
  }
  const results = batchResults(batch, id => files.get(id))
  for (const [name, value] of Object.entries(batchOutputValues(batch, results, dir))) setOutput(name, value)

  if (settings.summary) {
    await writeSummary(() => renderBatchSummary(batch, { apiHost: new URL(settings.apiUrl).host, instructionsDir: dir }))
  }
  await comment(context, batch.status, setOutput, (kit, about) => kit.renderBatchComment(batch, about))
}

async function writeSummary(render: () => string): Promise<void> {
  try {
    await core.summary.addRaw(render(), true).write()
  } catch (error) {
    log.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/** Posts the comment when asked to, after the summary, so that a slow or failing comment never costs the summary. */
async function comment(
  { settings, deadline, cancel }: PublishContext,
  status: Status,
  setOutput: SetOutput,
  render: (kit: Commenting, context: CommentContext) => string
): Promise<void> {
  let posted: { id: number; url: string } | undefined
  if (settings.prComment) {
    // Cancelled before this point, the comment still gets its short grace; cancelled while it is being
    // written, its requests are aborted at once.
    const cancelledBefore = cancel?.aborted === true
    // Loaded only for a comment, like @actions/github, so that runs without one never parse it.
    const kit = await import('./github/commenting.js')
    const { postComment, commentKey, workflowRunUrl } = kit
    const job = process.env.GITHUB_JOB
    const key = commentKey({ header: settings.commentHeader, job, matrix: settings.matrix })
    posted = await postComment({
      token: settings.githubToken,
      key,
      mode: settings.commentMode,
      prNumber: settings.prNumber,
      body: render(kit, { header: settings.commentHeader, key, mode: settings.commentMode, job, runUrl: workflowRunUrl(process.env) }),
      // Within the timeout, or a short grace after it (and after a cancel, before the runner kills the
      // step): the result is worth posting, but not worth holding up the exit for. Rate-limit waits
      // keep to the same budget.
      timeoutMs:
        status === 'cancelled' || cancelledBefore
          ? COMMENT_GRACE_MS
          : Math.round(Math.min(30_000, Math.max(COMMENT_GRACE_MS, deadline - performance.now()))),
      ...(cancel && !cancelledBefore ? { signal: cancel } : {}),
      log: { info: log.info, notice: log.notice, warning: log.warning, debug: log.debug }
    })
  }
  setOutput(OUTPUT.commentId, posted === undefined ? '' : String(posted.id))
  setOutput(OUTPUT.commentUrl, posted?.url ?? '')
}

/**
 * The runner cancelled the step after the job had ended (while the summary or the comment was being
 * written): the step ends cancelled, and the outputs and the summary say so.
 */
async function cancelledLate(report: Report, settings: Settings, setOutput: SetOutput): Promise<Report> {
  const { outcome } = report
  const before =
    outcome.error === '' ? `the job had ${outcome.status === 'completed' ? 'completed' : `ended ${outcome.status}`}` : outcome.error
  const error = `The run was cancelled while its results were being published (${before}); the pull-request comment may not have been written.`
  setOutput(OUTPUT.status, 'cancelled')
  setOutput(OUTPUT.error, oneLine(error))
  if (settings.summary) {
    await writeSummary(() => `\n> [!WARNING]\n> The run was cancelled while its results were being published.\n`)
  }
  return Object.freeze({ ...report, outcome: { ...outcome, status: 'cancelled' as const, error } })
}

/**
 * Fails the step before any job was followed. Every declared output is still written, so later steps
 * read a value rather than nothing: status, error, polls and elapsed time say what happened, the mode
 * when the inputs tell it, applied is false, and the rest are empty.
 */
export function publishInputFailure(message: string, mode: Mode | undefined, redact: (text: string) => string): void {
  const values: Record<string, string> = Object.fromEntries(Object.values(OUTPUT).map(name => [name, '']))
  values[OUTPUT.status] = 'failed'
  values[OUTPUT.error] = oneLine(message)
  values[OUTPUT.polls] = '0'
  values[OUTPUT.elapsedSeconds] = '0.0'
  values[OUTPUT.mode] = mode ?? ''
  values[OUTPUT.applied] = 'false'
  const setOutput = outputSetter(redact)
  for (const [name, value] of Object.entries(values)) setOutput(name, value)
  log.failed(message)
}
