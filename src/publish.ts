import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as core from '@actions/core'
import { errorMessage, oneLine } from './base/text.js'
import type { Mode, Report, Status } from './base/types.js'
import { postComment } from './github/pr-comment.js'
import type { Settings } from './inputs.js'
import type { BatchReport } from './job/batch.js'
import { renderBatchComment } from './report/batch-comment.js'
import { renderBatchSummary } from './report/batch-summary.js'
import { renderComment, workflowRunUrl } from './report/comment.js'
import { batchOutputValues, batchResults, instructionsDirParent, instructionsFilePath, OUTPUT, outputValues } from './report/outputs.js'
import { renderSummary } from './report/summary.js'

/** The comment may take this long past the timeout, or after a cancel. */
const COMMENT_GRACE_MS = 2500

export interface PublishContext {
  settings: Settings
  /** Hides the secrets in the comment's log lines. */
  redact: (text: string) => string
  /** The run's deadline on the monotonic clock: the comment keeps to it, but for a short grace. */
  deadline: number
}

/** Writes everything a (redacted) report leaves behind: outputs, the instructions file, the summary and the comment. */
export async function publish(report: Report, { settings, redact, deadline }: PublishContext): Promise<void> {
  const { outcome } = report
  const file = instructionsFilePath(outcome.progressId || report.mode, process.env.RUNNER_TEMP)
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, outcome.instructions, 'utf8')
  } catch (error) {
    core.warning(`Could not write the instructions file ${file}: ${errorMessage(error)}`)
  }
  const values = outputValues(outcome, file)
  values[OUTPUT.mode] = report.mode
  values[OUTPUT.scenarioId] = report.scenarioId === undefined ? '' : String(report.scenarioId)
  values[OUTPUT.applied] = String(report.applied === true)
  // A batch's outputs: empty for a single job.
  values[OUTPUT.results] = ''
  values[OUTPUT.instructionsDir] = ''
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value)

  if (settings.summary) {
    await writeSummary(() => renderSummary(report, { apiHost: new URL(settings.apiUrl).host, instructionsFile: file }))
  }
  await comment(settings, outcome.status, deadline, redact, runUrl => renderComment(report, { header: settings.commentHeader, runUrl }))
}

/**
 * Writes everything a (redacted) batch leaves behind: one file per completed job in a new folder, the
 * outputs (with `results`), one summary and one comment for the whole batch.
 */
export async function publishBatch(batch: BatchReport, { settings, redact, deadline }: PublishContext): Promise<void> {
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
      writeFileSync(file, report.outcome.instructions, 'utf8')
      files.set(report.scenarioId, file)
    }
  } catch (error) {
    core.warning(`Could not write the instructions files${dir === '' ? '' : ` in ${dir}`}: ${errorMessage(error)}`)
  }
  const results = batchResults(batch, id => files.get(id))
  for (const [name, value] of Object.entries(batchOutputValues(batch, results, dir))) core.setOutput(name, value)

  if (settings.summary) {
    await writeSummary(() => renderBatchSummary(batch, { apiHost: new URL(settings.apiUrl).host, instructionsDir: dir }))
  }
  await comment(settings, batch.status, deadline, redact, runUrl => renderBatchComment(batch, { header: settings.commentHeader, runUrl }))
}

async function writeSummary(render: () => string): Promise<void> {
  try {
    await core.summary.addRaw(render(), true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/** Posts the comment when asked to, after the summary, so that a slow or failing comment never costs the summary. */
async function comment(
  settings: Settings,
  status: Status,
  deadline: number,
  redact: (text: string) => string,
  render: (runUrl: string | undefined) => string
): Promise<void> {
  let posted: { id: number; url: string } | undefined
  if (settings.prComment) {
    posted = await postComment({
      token: settings.githubToken,
      header: settings.commentHeader,
      body: render(workflowRunUrl(process.env)),
      // Within the timeout, or a short grace after it (and after a cancel, before the runner kills the
      // step): the result is worth posting, but not worth holding up the exit for.
      timeoutMs:
        status === 'cancelled' ? COMMENT_GRACE_MS : Math.round(Math.min(30_000, Math.max(COMMENT_GRACE_MS, deadline - performance.now()))),
      log: {
        info: line => core.info(redact(line)),
        notice: line => core.notice(redact(line)),
        warning: line => core.warning(redact(line)),
        debug: line => core.debug(redact(line))
      }
    })
  }
  core.setOutput(OUTPUT.commentId, posted === undefined ? '' : String(posted.id))
  core.setOutput(OUTPUT.commentUrl, posted?.url ?? '')
}

/**
 * Fails the step before any job was followed. Every declared output is still written, so later steps
 * read a value rather than nothing: status, error, polls and elapsed time say what happened, the mode
 * when the inputs tell it, applied is false, and the rest are empty.
 */
export function publishInputFailure(message: string, mode: Mode | undefined): void {
  const values: Record<string, string> = Object.fromEntries(Object.values(OUTPUT).map(name => [name, '']))
  values[OUTPUT.status] = 'failed'
  values[OUTPUT.error] = oneLine(message)
  values[OUTPUT.polls] = '0'
  values[OUTPUT.elapsedSeconds] = '0.0'
  values[OUTPUT.mode] = mode ?? ''
  values[OUTPUT.applied] = 'false'
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value)
  core.setFailed(message)
}
