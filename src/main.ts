import * as core from '@actions/core'
import { formatDuration } from './base/duration.js'
import { readRegularFile } from './base/files.js'
import { log, maskSecret, useRedaction } from './base/log.js'
import { type Redactor, redactor, redactReport } from './base/redact.js'
import { sleep } from './base/sleep.js'
import { errorMessage, plural } from './base/text.js'
import type { Report } from './base/types.js'
import { CekuraClient } from './cekura/client.js'
import { INPUT, InputError, parseInputs, type Settings } from './inputs.js'
import { runJob } from './job/runner.js'
import { publish, publishInputFailure } from './publish.js'
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

/** Runs the job the settings ask for against Cekura, logging as it goes. */
async function follow(settings: Settings, redact: Redactor, startedAt: number, cancel: AbortSignal): Promise<Report> {
  const { job } = settings
  const host = new URL(settings.apiUrl).host
  const timing = `timeout ${formatDuration(settings.timeoutMs)}; polls from every ${formatDuration(settings.pollIntervalMs)} up to every ${formatDuration(settings.maxPollIntervalMs)}`
  log.info(
    job.mode === 'poll'
      ? `Following Cekura job ${job.progressId} at ${host} (${timing}).`
      : `Starting a Cekura ${job.mode} job at ${host} (${timing}).`
  )
  const client = new CekuraClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, debug: log.debug, cancel, redact })
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
        onStarted: id => core.setOutput(OUTPUT.progressId, redact(id))
      }
    )
  } finally {
    client.close()
  }
}

/** Fails the step, or not, as the ending and fail-on-error say. */
function conclude(report: Report, settings: Settings, cancel: AbortSignal): void {
  const { outcome } = report
  if (outcome.status === 'completed' && outcome.error === '') {
    log.info(`Job ${outcome.progressId} completed after ${formatDuration(outcome.elapsedMs)} and ${plural(outcome.polls, 'poll')}.`)
  } else if (settings.failOnError || cancel.aborted) {
    // A cancelled run always fails; a job that Cekura itself cancelled follows fail-on-error.
    log.failed(outcome.error)
  } else {
    log.warning(`${outcome.error} (fail-on-error is false, so the step succeeds; status ${outcome.status})`)
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
    const followed = redactReport(await follow(settings, redact, startedAt, cancel), redact)
    const report = await publish(followed, { settings, redact, deadline: startedAt + settings.timeoutMs, cancel })
    conclude(report, settings, cancel)
  } catch (error) {
    if (error instanceof InputError) {
      publishInputFailure(redact(error.message))
    } else {
      // Our own bug, not the user's: a clear one-line message rather than a stack trace.
      publishInputFailure(redact(`Unexpected error in the action: ${errorMessage(error)}`))
      if (error instanceof Error && error.stack) log.debug(error.stack)
    }
  }
}
