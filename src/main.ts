import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { ApiError, CekuraClient, type Scenario } from './cekura.js'
import { formatDuration } from './duration.js'
import { INPUT, InputError, parseInputs, type Job, type Settings } from './inputs.js'
import { instructionsFilePath, OUTPUT, outputValues, writeInstructionsFile } from './outputs.js'
import { pollUntilDone, type Outcome } from './poll.js'
import { redactJson, redactor } from './redact.js'
import type { Report } from './report.js'
import { renderComment, workflowRunUrl } from './comment.js'
import { postComment } from './pr-comment.js'
import { renderSummary } from './summary.js'

/** How long after a cancel signal the process may take before it exits regardless. */
const CANCEL_GRACE_MS = 4000
/** Saving the text may run this far past the timeout: the job is done by then and its text is worth keeping. */
const APPLY_MIN_MS = 5000

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Stops the wait on the runner's cancel signals (SIGINT, then SIGTERM 7.5 s later). */
function watchForCancel(): AbortSignal {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    core.info(`Received ${signal}: the run is being cancelled; stopping the wait.`)
    controller.abort()
    setTimeout(() => process.exit(1), CANCEL_GRACE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return controller.signal
}

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

async function publish(report: Report, settings: Settings, redact: (text: string) => string): Promise<void> {
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
      // After a cancel the runner kills the step within seconds; the comment must not hold up the exit.
      timeoutMs: report.outcome.status === 'cancelled' ? 2500 : 30_000,
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

/** The scenario's agent: an id, or an object holding one. */
function agentOf(scenario: Scenario): number | undefined {
  const agent = scenario.agent
  const id = typeof agent === 'object' && agent !== null ? (agent as Record<string, unknown>).id : agent
  const number = typeof id === 'string' ? Number(id) : id
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined
}

/** Fills what an improve job needs from its scenario, when the inputs left it out. */
async function completeFromScenario(job: Job, settings: Settings, client: CekuraClient, deadline: number, report: Report): Promise<void> {
  if (job.mode !== 'improve' || settings.scenarioId === undefined) return
  if (job.agentId !== undefined && job.currentInstructions !== undefined) return
  const id = settings.scenarioId
  core.info(`Reading scenario ${id} for its ${job.agentId === undefined ? 'agent and ' : ''}instructions.`)
  const scenario = await client.getScenario(id, deadline)
  if (job.agentId === undefined) {
    const agent = agentOf(scenario)
    if (agent === undefined) {
      throw new ApiError(`Scenario ${id} has no agent id that could be read; set the ${INPUT.agentId} input.`)
    }
    job.agentId = agent
    report.agentId = agent
  }
  if (job.currentInstructions === undefined) {
    if (typeof scenario.instructions !== 'string') {
      throw new ApiError(
        `Scenario ${id} has no instructions text to improve; give it with ${INPUT.currentInstructions} or ${INPUT.currentInstructionsFile}.`
      )
    }
    job.currentInstructions = scenario.instructions
    report.currentInstructions = scenario.instructions
  }
}

/** Starts the job the inputs ask for and returns its progress id. */
async function start(job: Job, client: CekuraClient, deadline: number): Promise<string> {
  if (job.mode === 'poll') return job.progressId
  const body: Record<string, unknown> = { ...job.requestBody, agent: job.agentId, extra_instructions: job.extraInstructions }
  const fieldInputs: Record<string, string> = {
    agent: INPUT.agentId,
    extra_instructions: INPUT.extraInstructions
  }
  for (const key of Object.keys(job.requestBody)) fieldInputs[key] = INPUT.requestBody
  if (job.mode === 'improve' && job.currentInstructions !== undefined) {
    body.current_instructions = job.currentInstructions
    fieldInputs.current_instructions = job.currentInstructionsInput ?? INPUT.scenarioId
  }
  const progressId = await client.startJob(job.mode, body, deadline, fieldInputs)
  // Set at once, so a later step or a re-run can follow the same job even if this step is cut short.
  core.setOutput(OUTPUT.progressId, progressId)
  core.info(`Started the ${job.mode} job: progress id ${progressId}.`)
  return progressId
}

/** Saves a finished text into the scenario; returns an error line, or undefined when saved. */
async function apply(report: Report, client: CekuraClient, deadline: number): Promise<string | undefined> {
  const id = report.scenarioId as number
  const body: Record<string, unknown> = { instructions: report.outcome.instructions }
  if (report.outcome.expectedOutcome !== '') body.expected_outcome_prompt = report.outcome.expectedOutcome
  try {
    await client.patchScenario(id, body, Math.max(deadline, Date.now() + APPLY_MIN_MS))
    core.info(`Saved the new instructions into scenario ${id}.`)
    return undefined
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return `The instructions were produced but not saved to scenario ${id}: ${why} The text is in the instructions output and the instructions-file.`
  }
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
        core.setFailed(redact(error.message))
        return
      }
      throw error
    }

    const startedAt = performance.now()
    const deadline = Date.now() + settings.timeoutMs
    const cancel = watchForCancel()
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
    const timing = `timeout ${formatDuration(settings.timeoutMs)}; polls from every ${formatDuration(settings.pollIntervalMs)} up to every ${formatDuration(settings.maxPollIntervalMs)}`

    try {
      let progressId: string | undefined
      try {
        core.info(job.mode === 'poll' ? `Following Cekura job ${job.progressId} at ${host} (${timing}).` : `Starting a Cekura ${job.mode} job at ${host} (${timing}).`)
        await completeFromScenario(job, settings, client, deadline, report)
        progressId = await start(job, client, deadline)
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        report.outcome = cancel.aborted
          ? { ...failedBeforePolling('', 'The run was cancelled before the job was started or followed.', startedAt), status: 'cancelled' }
          : failedBeforePolling('', error.message, startedAt)
      }
      if (progressId !== undefined) {
        report.outcome = await pollUntilDone(
          { ...settings, progressId, timeoutMs: settings.timeoutMs, startedAt },
          {
            source: client,
            now: () => performance.now(),
            sleep,
            random: Math.random,
            log: line => core.info(redact(line)),
            cancel,
            redact
          }
        )
        if (settings.apply) {
          report.applied = false
          if (report.outcome.status === 'completed') {
            const problem = await apply(report, client, deadline)
            report.applied = problem === undefined
            if (problem !== undefined) report.outcome = { ...report.outcome, error: problem }
          }
        }
      }
    } finally {
      client.close()
    }

    const final = redactReport(report, redact)
    await publish(final, settings, redact)

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
    core.setFailed(redact(`Unexpected error in the action: ${message}`))
    if (error instanceof Error && error.stack) core.debug(redact(error.stack))
  }
}
