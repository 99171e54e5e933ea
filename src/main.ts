import * as core from '@actions/core'
import { CekuraClient } from './cekura.js'
import { formatDuration } from './duration.js'
import { INPUT, InputError, parseInputs, type Settings } from './inputs.js'
import { instructionsFilePath, outputValues, writeInstructionsFile } from './outputs.js'
import { pollUntilDone, type Outcome } from './poll.js'
import { redactJson, redactor } from './redact.js'
import { renderSummary } from './summary.js'

/** How long after a cancel signal the process may take before it exits regardless. */
const CANCEL_GRACE_MS = 4000

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
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

function redactOutcome(outcome: Outcome, redact: (text: string) => string): Outcome {
  return {
    ...outcome,
    progressId: redact(outcome.progressId),
    instructions: redact(outcome.instructions),
    expectedOutcome: redact(outcome.expectedOutcome),
    error: redact(outcome.error),
    lastResponse: redactJson(outcome.lastResponse, redact)
  }
}

async function publish(outcome: Outcome, settings: Settings): Promise<void> {
  const file = instructionsFilePath(outcome.progressId, process.env.RUNNER_TEMP)
  try {
    writeInstructionsFile(file, outcome.instructions)
  } catch (error) {
    core.warning(`Could not write the instructions file ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
  for (const [name, value] of Object.entries(outputValues(outcome, file))) core.setOutput(name, value)

  if (!settings.summary) return
  try {
    const markdown = renderSummary(outcome, { apiHost: new URL(settings.apiUrl).host, instructionsFile: file })
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Runs the action; resolves once outputs and summary are written. Never throws. */
export async function run(): Promise<void> {
  // Masked before anything else can log it, even before the inputs are checked.
  const rawKey = core.getInput(INPUT.apiKey).trim()
  if (rawKey !== '') core.setSecret(rawKey)
  const redact = redactor(rawKey)

  try {
    let settings: Settings
    try {
      settings = parseInputs(name => core.getInput(name))
    } catch (error) {
      if (error instanceof InputError) {
        core.setFailed(redact(error.message))
        return
      }
      throw error
    }

    const cancel = watchForCancel()
    const client = new CekuraClient({
      apiUrl: settings.apiUrl,
      apiKey: settings.apiKey,
      debug: line => core.debug(redact(line))
    })
    core.info(
      `Following Cekura job ${settings.progressId} at ${new URL(settings.apiUrl).host} ` +
        `(timeout ${formatDuration(settings.timeoutMs)}; polls from every ${formatDuration(settings.pollIntervalMs)} ` +
        `up to every ${formatDuration(settings.maxPollIntervalMs)}).`
    )

    let outcome: Outcome
    try {
      outcome = await pollUntilDone(settings, {
        source: client,
        now: () => performance.now(),
        sleep,
        random: Math.random,
        log: line => core.info(redact(line)),
        cancel
      })
    } finally {
      client.close()
    }
    outcome = redactOutcome(outcome, redact)

    await publish(outcome, settings)

    const took = `after ${formatDuration(outcome.elapsedMs)} and ${outcome.polls} polls`
    if (outcome.status === 'completed') {
      core.info(`Job ${outcome.progressId} completed ${took}.`)
    } else if (settings.failOnError || outcome.status === 'cancelled') {
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
