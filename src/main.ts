import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { formatDuration } from './base/duration.js'
import { redactor, redactReport } from './base/redact.js'
import { sleep } from './base/sleep.js'
import { errorMessage, plural } from './base/text.js'
import type { Report } from './base/types.js'
import { CekuraClient } from './cekura/client.js'
import { createGate } from './cekura/gate.js'
import { INPUT, InputError, modeFromInputs, parseInputs, type Settings } from './inputs.js'
import { type BatchReport, redactBatch, runBatch } from './job/batch.js'
import { runJob } from './job/runner.js'
import { publish, publishBatch, publishInputFailure } from './publish.js'
import { OUTPUT } from './report/outputs.js'
import { watchForCancel } from './wait/signals.js'

/** Masks the secrets before anything can log them, even before the inputs are checked. */
function maskSecrets(): (text: string) => string {
  const key = core.getInput(INPUT.apiKey).trim()
  // The runner masks github.token itself; a personal token passed in is masked here.
  const token = core.getInput(INPUT.githubToken).trim()
  for (const secret of [key, token]) if (secret !== '') core.setSecret(secret)
  return redactor(key, token)
}

function readSettings(): Settings {
  return parseInputs(name => core.getInput(name), {
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    readFile: path => readFileSync(path, 'utf8')
  })
}

/** Runs the job the settings ask for against Cekura, logging as it goes. */
async function follow(settings: Settings, redact: (text: string) => string, startedAt: number, cancel: AbortSignal): Promise<Report> {
  const { job } = settings
  const host = new URL(settings.apiUrl).host
  const timing = `timeout ${formatDuration(settings.timeoutMs)}; polls from every ${formatDuration(settings.pollIntervalMs)} up to every ${formatDuration(settings.maxPollIntervalMs)}`
  core.info(
    job.mode === 'poll'
      ? `Following Cekura job ${job.progressId} at ${host} (${timing}).`
      : `Starting a Cekura ${job.mode} job at ${host} (${timing}).`
  )
  const client = new CekuraClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, debug: line => core.debug(redact(line)), cancel })
  try {
    return await runJob(
      { ...settings, startedAt },
      {
        client,
        now: () => performance.now(),
        sleep,
        random: Math.random,
        cancel,
        log: line => core.info(redact(line)),
        redact,
        // Set at once, so a later step or a re-run can follow the same job even if this step is cut short.
        onStarted: id => core.setOutput(OUTPUT.progressId, redact(id))
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
  redact: (text: string) => string,
  startedAt: number,
  cancel: AbortSignal
): Promise<BatchReport> {
  const { job } = settings
  if (job.mode !== 'improve') throw new Error(`a batch runs improve jobs, not ${job.mode}`)
  const host = new URL(settings.apiUrl).host
  core.info(
    `Starting a batch of ${plural(scenarioIds.length, 'improve job')} at ${host}, at most ${settings.concurrency} at once ` +
      `(timeout ${formatDuration(settings.timeoutMs)} for all; polls from every ${formatDuration(settings.pollIntervalMs)} ` +
      `up to every ${formatDuration(settings.maxPollIntervalMs)}).`
  )
  const now = (): number => performance.now()
  // One gate for all the jobs: the account's rate limit is shared, so a 429 seen by one holds back all.
  const gate = createGate({ now, sleep })
  const client = new CekuraClient({
    apiUrl: settings.apiUrl,
    apiKey: settings.apiKey,
    debug: line => core.debug(redact(line)),
    cancel,
    gate
  })
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
        log: line => core.info(redact(line)),
        redact,
        onEnded: report => {
          const { outcome } = report
          const how = `${outcome.status} after ${formatDuration(outcome.elapsedMs)} and ${plural(outcome.polls, 'poll')}`
          core.info(redact(`Scenario ${report.scenarioId}: ${how}${outcome.error === '' ? '.' : `: ${outcome.error}`}`))
        }
      }
    )
  } finally {
    client.close()
  }
}

/** Fails the step, or not, as the batch's ending and fail-on-error say: after every job has ended. */
function concludeBatch(batch: BatchReport, settings: Settings, cancel: AbortSignal): void {
  if (batch.status === 'completed' && batch.error === '') {
    core.info(
      `All ${plural(batch.reports.length, 'job')} completed after ${formatDuration(batch.elapsedMs)} and ${plural(batch.polls, 'poll')}.`
    )
  } else if (settings.failOnError || cancel.aborted) {
    core.setFailed(batch.error)
  } else {
    core.warning(`${batch.error} (fail-on-error is false, so the step succeeds; status ${batch.status})`)
  }
}

/** Fails the step, or not, as the ending and fail-on-error say. */
function conclude(report: Report, settings: Settings, cancel: AbortSignal): void {
  const { outcome } = report
  if (outcome.status === 'completed' && outcome.error === '') {
    core.info(`Job ${outcome.progressId} completed after ${formatDuration(outcome.elapsedMs)} and ${plural(outcome.polls, 'poll')}.`)
  } else if (settings.failOnError || cancel.aborted) {
    // A cancelled run always fails; a job that Cekura itself cancelled follows fail-on-error.
    core.setFailed(outcome.error)
  } else {
    core.warning(`${outcome.error} (fail-on-error is false, so the step succeeds; status ${outcome.status})`)
  }
}

/** Runs the action; resolves once outputs and summary are written. Never throws. */
export async function run(): Promise<void> {
  const redact = maskSecrets()
  try {
    const settings = readSettings()
    const startedAt = performance.now()
    const cancel = watchForCancel(line => core.info(line))
    if (settings.scenarioIds !== undefined) {
      const batch = redactBatch(await followBatch(settings, settings.scenarioIds, redact, startedAt, cancel), redact)
      await publishBatch(batch, { settings, redact, deadline: startedAt + settings.timeoutMs })
      concludeBatch(batch, settings, cancel)
      return
    }
    const report = redactReport(await follow(settings, redact, startedAt, cancel), redact)
    await publish(report, { settings, redact, deadline: startedAt + settings.timeoutMs })
    conclude(report, settings, cancel)
  } catch (error) {
    const mode = modeFromInputs(name => core.getInput(name))
    if (error instanceof InputError) {
      publishInputFailure(redact(error.message), mode)
    } else {
      // Our own bug, not the user's: a clear one-line message rather than a stack trace.
      publishInputFailure(redact(`Unexpected error in the action: ${errorMessage(error)}`), mode)
      if (error instanceof Error && error.stack) core.debug(redact(error.stack))
    }
  }
}
