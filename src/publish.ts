import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import * as core from '@actions/core'
import { log } from './base/log.js'
import { errorMessage, oneLine } from './base/text.js'
import type { Report } from './base/types.js'
import { postComment } from './github/pr-comment.js'
import type { Settings } from './inputs.js'
import { renderComment, workflowRunUrl } from './report/comment.js'
import { instructionsFilePath, OUTPUT, outputValues } from './report/outputs.js'
import { renderSummary } from './report/summary.js'

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

/**
 * Writes everything a (redacted) report leaves behind: outputs, the instructions file, the summary and
 * the comment. Returns the report the step ends with: the same one, or a cancelled one when the run
 * was cancelled while the comment was being written.
 */
export async function publish(report: Report, { settings, redact, deadline, cancel }: PublishContext): Promise<Report> {
  const { outcome } = report
  const setOutput = (name: string, value: string): void => core.setOutput(name, redact(value))
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
  values[OUTPUT.applied] = String(report.applied === true)
  for (const [name, value] of Object.entries(values)) setOutput(name, value)

  if (settings.summary) {
    try {
      const markdown = renderSummary(report, { apiHost: new URL(settings.apiUrl).host, instructionsFile: file })
      await core.summary.addRaw(markdown, true).write()
    } catch (error) {
      log.warning(`Could not write the job summary: ${errorMessage(error)}`)
    }
  }

  // After the summary, so that a slow or failing comment never costs the summary.
  let comment: { id: number; url: string } | undefined
  if (settings.prComment) {
    // Cancelled before this point, the comment still gets its short grace; cancelled while it is being
    // written, its requests are aborted at once.
    const cancelledBefore = cancel?.aborted === true
    comment = await postComment({
      token: settings.githubToken,
      header: settings.commentHeader,
      body: renderComment(report, { header: settings.commentHeader, runUrl: workflowRunUrl(process.env) }),
      // Within the timeout, or a short grace after it (and after a cancel, before the runner kills the
      // step): the result is worth posting, but not worth holding up the exit for.
      timeoutMs:
        outcome.status === 'cancelled' || cancelledBefore
          ? COMMENT_GRACE_MS
          : Math.round(Math.min(30_000, Math.max(COMMENT_GRACE_MS, deadline - performance.now()))),
      ...(cancel && !cancelledBefore ? { signal: cancel } : {}),
      log: { info: log.info, notice: log.notice, warning: log.warning, debug: log.debug }
    })
  }
  setOutput(OUTPUT.commentId, comment === undefined ? '' : String(comment.id))
  setOutput(OUTPUT.commentUrl, comment?.url ?? '')
  return cancel?.aborted && outcome.status !== 'cancelled' ? await cancelledLate(report, settings, setOutput) : report
}

/**
 * The runner cancelled the step after the job had ended (while the summary or the comment was being
 * written): the step ends cancelled, and the outputs and the summary say so.
 */
async function cancelledLate(report: Report, settings: Settings, setOutput: (name: string, value: string) => void): Promise<Report> {
  const { outcome } = report
  const before =
    outcome.error === '' ? `the job had ${outcome.status === 'completed' ? 'completed' : `ended ${outcome.status}`}` : outcome.error
  const error = `The run was cancelled while its results were being published (${before}); the pull-request comment may not have been written.`
  setOutput(OUTPUT.status, 'cancelled')
  setOutput(OUTPUT.error, oneLine(error))
  if (settings.summary) {
    try {
      await core.summary.addRaw(`\n> [!WARNING]\n> The run was cancelled while its results were being published.\n`, true).write()
    } catch (problem) {
      log.warning(`Could not write the job summary: ${errorMessage(problem)}`)
    }
  }
  return Object.freeze({ ...report, outcome: { ...outcome, status: 'cancelled' as const, error } })
}

/** Fails the step before any job was followed: the outputs that still mean something say why. */
export function publishInputFailure(message: string): void {
  core.setOutput(OUTPUT.status, 'failed')
  core.setOutput(OUTPUT.error, oneLine(message))
  core.setOutput(OUTPUT.polls, '0')
  log.failed(message)
}
