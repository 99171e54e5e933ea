import * as core from '@actions/core'
import { formatDuration } from './base/duration.js'
import { readRegularFile } from './base/files.js'
import { log, maskSecret, useRedaction } from './base/log.js'
import { type Redactor, redactor, redactReport } from './base/redact.js'
import { sleep } from './base/sleep.js'
import { errorMessage, plural } from './base/text.js'
import type { Report, Status } from './base/types.js'
import { CekuraClient } from './cekura/client.js'
import { createGate } from './cekura/gate.js'
import { INPUT, InputError, modeFromInputs, parseInputs, type Settings } from './inputs.js'
import { type BatchReport, redactBatch, runBatch } from './job/batch.js'
import { runJob } from './job/runner.js'
import { outputSetter, publish, publishBatch, publishInputFailure } from './publish.js'
import { OUTPUT } from './report/outputs.js'
import { watchForCancel } from './wait/signals.js'

/**
 * Masks the secrets before anything can log them, even before the inputs are checked, and redacts
 * them from every log line from here on.
 */
function maskSecrets(): Redactor {
  const key = core.getInput(INPUT.apiKey).trim()
  // The runner masks github.token itself; a personal token passed in is masked here.
  const token = core.getInput(INPUT.githubToken).trim()
  for (const secret of [key, token]) maskSecret(secret)
  const redact = redactor(key, token)
  useRedaction(redact)
  return redact
}

function readSettings(): Settings {
  return parseInputs(name => core.getInput(name), {
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    // A regular file of at most 1 MiB, read without ever blocking on a FIFO or a device.
    readFile: path => readRegularFile(path)
  })
}

function timing(settings: Settings): string {
  return `polls from every ${formatDuration(settings.pollIntervalMs)} up to every ${formatDuration(settings.maxPollIntervalMs)}`
}

/** Runs the job the settings ask for against Cekura, logging as it goes. */
async function follow(settings: Settings, redact: Redactor, startedAt: number, cancel: AbortSignal): Promise<Report> {
  const { job } = settings
  const host = new URL(settings.apiUrl).host
  const when = `timeout ${formatDuration(settings.timeoutMs)}; ${timing(settings)}`
  log.info(
    job.mode === 'poll'
      ? `Following Cekura job ${job.progressId} at ${host} (${when}).`
      : `Starting a Cekura ${job.mode} job at ${host} (${when}).`
  )
  const client = new CekuraClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, debug: log.debug, cancel, redact })
  const setOutput = outputSetter(redact)
  try {
    return await runJob(
      { ...settings, startedAt },
      {
        client,
        now: () => performance.now(),
        sleep,
        random: Math.random,
        cancel,
        log: log.info,
        redact,
        // Set at once, so a later step or a re-run can follow the same job even if this step is cut short.
        onStarted: id => setOutput(OUTPUT.progressId, id)
      }
    )
  } finally {
    client.close()
  }
}

/** Runs one improve job per scenario of the list, a few at once, logging as they go. */
async function followBatch(
  settings: Settings,
  scenarioIds: number[],
  redact: Redactor,
  startedAt: number,
  cancel: AbortSignal
): Promise<BatchReport> {
  const { job } = settings
  if (job.mode !== 'improve') throw new Error(`a batch runs improve jobs, not ${job.mode}`)
  const host = new URL(settings.apiUrl).host
  log.info(
    `Starting a batch of ${plural(scenarioIds.length, 'improve job')} at ${host}, at most ${settings.concurrency} at once ` +
      `(timeout ${formatDuration(settings.timeoutMs)} for all; ${timing(settings)}).`
  )
  const now = (): number => performance.now()
  // One gate for all the jobs: the account's rate limit is shared, so a 429 seen by one holds back all.
  const gate = createGate({ now, sleep })
  const client = new CekuraClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, debug: log.debug, cancel, redact, gate })
  try {
    return await runBatch(
      {
        scenarioIds,
        job,
        apply: settings.apply,
        concurrency: settings.concurrency,
        timeoutMs: settings.timeoutMs,
        pollIntervalMs: settings.pollIntervalMs,
        maxPollIntervalMs: settings.maxPollIntervalMs,
        startedAt
      },
      {
        client,
        now,
        sleep,
        random: Math.random,
        cancel,
        log: log.info,
        redact,
        onEnded: report => {
          const { outcome } = report
          const how = `${outcome.status} after ${formatDuration(outcome.elapsedMs)} and ${plural(outcome.polls, 'poll')}`
          log.info(`Scenario ${report.scenarioId}: ${how}${outcome.error === '' ? '.' : `: ${outcome.error}`}`)
        }
      }
    )
  } finally {
    client.close()
  }
}

/** Fails the step, or not, as the ending and fail-on-error say; `done` is the line for a clean completion. */
function conclude(status: Status, error: string, done: string, settings: Settings, cancel: AbortSignal): void {
  if (status === 'completed' && error === '') {
    log.info(done)
  } else if (settings.failOnError || cancel.aborted) {
    // A cancelled run always fails; a job that Cekura itself cancelled follows fail-on-error.
    log.failed(error)
  } else {
    log.warning(`${error} (fail-on-error is false, so the step succeeds; status ${status})`)
  }
}

/** Runs the action; resolves once outputs and summary are written. Never throws. */
export async function run(): Promise<void> {
  const redact = maskSecrets()
  // Signals are caught from the bundle's first moment; one that came before now is reported here.
  const cancel = watchForCancel(log.info)
  // A signal that came while the bundle loaded is handled on the event loop: let it turn once, so that
  // such a cancel is seen before anything is sent.
  await new Promise(resolve => setImmediate(resolve))
  try {
    const settings = readSettings()
    const startedAt = performance.now()
    const context = { settings, redact, deadline: startedAt + settings.timeoutMs, cancel }
    if (settings.scenarioIds !== undefined) {
      const batch = redactBatch(await followBatch(settings, settings.scenarioIds, redact, startedAt, cancel), redact)
      await publishBatch(batch, context)
      const took = `after ${formatDuration(batch.elapsedMs)} and ${plural(batch.polls, 'poll')}`
      conclude(batch.status, batch.error, `All ${plural(batch.reports.length, 'job')} completed ${took}.`, settings, cancel)
      return
    }
    const report = await publish(redactReport(await follow(settings, redact, startedAt, cancel), redact), context)
    const { outcome } = report
    const took = `after ${formatDuration(outcome.elapsedMs)} and ${plural(outcome.polls, 'poll')}`
    conclude(outcome.status, outcome.error, `Job ${outcome.progressId} completed ${took}.`, settings, cancel)
  } catch (error) {
    const mode = modeFromInputs(name => core.getInput(name))
    if (error instanceof InputError) {
      publishInputFailure(redact(error.message), mode, redact)
    } else {
      // Our own bug, not the user's: a clear one-line message rather than a stack trace.
      publishInputFailure(redact(`Unexpected error in the action: ${errorMessage(error)}`), mode, redact)
      if (error instanceof Error && error.stack) log.debug(error.stack)
    }
  }
}
