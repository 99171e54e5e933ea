import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import * as core from '@actions/core'
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
  values[OUTPUT.projectId] = report.projectId === undefined ? '' : String(report.projectId)
  values[OUTPUT.applied] = String(report.applied === true)
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value)

  if (settings.summary) {
    try {
      const markdown = renderSummary(report, { apiHost: new URL(settings.apiUrl).host, instructionsFile: file })
      await core.summary.addRaw(markdown, true).write()
    } catch (error) {
      core.warning(`Could not write the job summary: ${errorMessage(error)}`)
    }
  }

  // After the summary, so that a slow or failing comment never costs the summary.
  let comment: { id: number; url: string } | undefined
  if (settings.prComment) {
    comment = await postComment({
      token: settings.githubToken,
      header: settings.commentHeader,
      body: renderComment(report, { header: settings.commentHeader, runUrl: workflowRunUrl(process.env) }),
      // Within the timeout, or a short grace after it (and after a cancel, before the runner kills the
      // step): the result is worth posting, but not worth holding up the exit for.
      timeoutMs:
        outcome.status === 'cancelled'
          ? COMMENT_GRACE_MS
          : Math.round(Math.min(30_000, Math.max(COMMENT_GRACE_MS, deadline - performance.now()))),
      log: {
        info: line => core.info(redact(line)),
        notice: line => core.notice(redact(line)),
        warning: line => core.warning(redact(line)),
        debug: line => core.debug(redact(line))
      }
    })
  }
  core.setOutput(OUTPUT.commentId, comment === undefined ? '' : String(comment.id))
  core.setOutput(OUTPUT.commentUrl, comment?.url ?? '')
}

/** Fails the step before any job was followed: the outputs that still mean something say why. */
export function publishInputFailure(message: string): void {
  core.setOutput(OUTPUT.status, 'failed')
  core.setOutput(OUTPUT.error, oneLine(message))
  core.setOutput(OUTPUT.polls, '0')
  core.setFailed(message)
}
