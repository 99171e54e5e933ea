import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { ApiError, CekuraClient } from './cekura.js'
import { formatDuration } from './duration.js'
import { INPUT, InputError, parseInputs, type Settings } from './inputs.js'
import { applyToScenario, completeFromScenario, startJob } from './jobs.js'
import { instructionsFilePath, OUTPUT, outputValues, writeInstructionsFile } from './outputs.js'
import { pollUntilDone, type Outcome } from './poll.js'
import { redactJson, redactor } from './redact.js'
import { oneLine } from './render.js'
import type { Report } from './report.js'
import { renderComment, workflowRunUrl } from './comment.js'
import { postComment } from './pr-comment.js'
import { sleep, watchForCancel } from './signals.js'
import { renderSummary } from './summary.js'

function redactReport(report: Report, redact: (text: string) => string): Report {
  const { outcome } = report
  const redacted: Report = {
    ...report,
    outcome: {
      ...outcome,
      progressId: redact(outcome.progressId),
      instructions: redact(outcome.instructions),
      expectedOutcome: redact(outcome.expectedOutcome),
      error: redact(outcome.error),
      lastResponse: redactJson(outcome.lastResponse, redact)
    }
  }
  if (report.extraInstructions !== undefined) redacted.extraInstructions = redact(report.extraInstructions)
  if (report.currentInstructions !== undefined) redacted.currentInstructions = redact(report.currentInstructions)
  return redacted
}

/** The comment may take this long past the timeout, or after a cancel. */
const COMMENT_GRACE_MS = 2500

async function publish(report: Report, settings: Settings, redact: (text: string) => string, deadline: number): Promise<void> {
  const { outcome } = report
  const file = instructionsFilePath(outcome.progressId || report.mode, process.env.RUNNER_TEMP)
  try {
    writeInstructionsFile(file, outcome.instructions)
  } catch (error) {
    core.warning(`Could not write the instructions file ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const values = outputValues(outcome, file)
  values[OUTPUT.mode] = report.mode
  values[OUTPUT.scenarioId] = report.scenarioId === undefined ? '' : String(report.scenarioId)
  values[OUTPUT.applied] = String(report.applied === true)
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value)

  if (settings.summary) {
    try {
      const markdown = renderSummary(report, { apiHost: new URL(settings.apiUrl).host, instructionsFile: file })
      await core.summary.addRaw(markdown, true).write()
    } catch (error) {
      core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
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
      timeoutMs: report.outcome.status === 'cancelled' ? COMMENT_GRACE_MS : Math.round(Math.min(30_000, Math.max(COMMENT_GRACE_MS, deadline - performance.now()))),
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

function failedBeforePolling(progressId: string, error: string, startedAt: number): Outcome {
  return {
    status: 'failed',
    progressId,
    instructions: '',
    expectedOutcome: '',
    error,
    lastResponse: null,
    polls: 0,
    elapsedMs: performance.now() - startedAt
  }
}

/** Fails the step before any job was followed: the outputs that still mean something say why. */
function failWithoutJob(message: string): void {
  core.setOutput(OUTPUT.status, 'failed')
  core.setOutput(OUTPUT.error, oneLine(message))
  core.setOutput(OUTPUT.polls, '0')
  core.setFailed(message)
}

/** Runs the action; resolves once outputs and summary are written. Never throws. */
export async function run(): Promise<void> {
  // Masked before anything else can log it, even before the inputs are checked.
  const rawKey = core.getInput(INPUT.apiKey).trim()
  if (rawKey !== '') core.setSecret(rawKey)
  // The runner masks github.token itself; a personal token passed in is masked here.
  const rawToken = core.getInput(INPUT.githubToken).trim()
  if (rawToken !== '') core.setSecret(rawToken)
  const redact = redactor(rawKey, rawToken)

  try {
    let settings: Settings
    try {
      settings = parseInputs(name => core.getInput(name), {
        workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
        readFile: path => readFileSync(path, 'utf8')
      })
    } catch (error) {
      if (error instanceof InputError) {
        failWithoutJob(redact(error.message))
        return
      }
      throw error
    }

    const startedAt = performance.now()
    // One deadline on the monotonic clock for every request, the poll loop's included.
    const deadline = startedAt + settings.timeoutMs
    const cancel = watchForCancel(line => core.info(line))
    const client = new CekuraClient({
      apiUrl: settings.apiUrl,
      apiKey: settings.apiKey,
      debug: line => core.debug(redact(line)),
      cancel
    })
    const { job } = settings
    const report: Report = { mode: job.mode, outcome: failedBeforePolling('', '', startedAt) }
    if (settings.scenarioId !== undefined) report.scenarioId = settings.scenarioId
    if (job.mode !== 'poll') {
      report.extraInstructions = job.extraInstructions
      if (job.agentId !== undefined) report.agentId = job.agentId
      if (job.mode === 'improve' && job.currentInstructions !== undefined) report.currentInstructions = job.currentInstructions
    }
    const host = new URL(settings.apiUrl).host
    const log = (line: string): void => core.info(redact(line))
    const timing = `timeout ${formatDuration(settings.timeoutMs)}; polls from every ${formatDuration(settings.pollIntervalMs)} up to every ${formatDuration(settings.maxPollIntervalMs)}`

    try {
      let progressId: string | undefined
      try {
        core.info(job.mode === 'poll' ? `Following Cekura job ${job.progressId} at ${host} (${timing}).` : `Starting a Cekura ${job.mode} job at ${host} (${timing}).`)
        await completeFromScenario(job, settings, client, deadline, report, log)
        // The output is set at once, so a later step or a re-run can follow the same job even if this step is cut short.
        progressId = await startJob(job, client, deadline, log, id => core.setOutput(OUTPUT.progressId, redact(id)))
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        // When cancelled mid-request the client's message still says whether a job may have started.
        report.outcome = failedBeforePolling('', error.message, startedAt)
        if (cancel.aborted) {
          report.outcome = { ...report.outcome, status: 'cancelled', error: `The run was cancelled. ${error.message}` }
        } else if (performance.now() >= deadline - 50) {
          report.outcome = {
            ...report.outcome,
            status: 'timed-out',
            error: `The timeout (${formatDuration(settings.timeoutMs)}) ran out before the job could be followed. ${error.message} Raise the timeout input if Cekura needs longer.`
          }
        }
      }
      if (progressId !== undefined) {
        report.outcome = await pollUntilDone(
          { ...settings, progressId, startedAt },
          {
            source: client,
            now: () => performance.now(),
            sleep,
            random: Math.random,
            log,
            cancel,
            redact
          }
        )
        if (settings.apply) {
          report.applied = false
          if (report.outcome.status === 'completed') {
            const problem = await applyToScenario(report, client, deadline, log)
            report.applied = problem === undefined
            if (problem !== undefined) report.outcome = { ...report.outcome, error: problem }
            if (problem !== undefined && cancel.aborted) {
              report.outcome = { ...report.outcome, status: 'cancelled', error: `The run was cancelled while saving. ${problem}` }
            }
          }
        }
      }
    } finally {
      client.close()
    }

    const final = redactReport(report, redact)
    await publish(final, settings, redact, deadline)

    const { outcome } = final
    const took = `after ${formatDuration(outcome.elapsedMs)} and ${outcome.polls} polls`
    if (outcome.status === 'completed' && outcome.error === '') {
      core.info(`Job ${outcome.progressId} completed ${took}.`)
    } else if (settings.failOnError || cancel.aborted) {
      // A cancelled run always fails; a job that Cekura itself cancelled follows fail-on-error.
      core.setFailed(outcome.error)
    } else {
      core.warning(`${outcome.error} (fail-on-error is false, so the step succeeds; status ${outcome.status})`)
    }
  } catch (error) {
    // Our own bug, not the user's: a clear one-line message rather than a stack trace.
    const message = error instanceof Error ? error.message : String(error)
    failWithoutJob(redact(`Unexpected error in the action: ${message}`))
    if (error instanceof Error && error.stack) core.debug(redact(error.stack))
  }
}
