import type { Outcome, Status } from '../base/types.js'
import { formatDuration } from '../base/duration.js'
import { plural } from '../base/text.js'
import { backoffDelay, MAX_CONSECUTIVE_TRANSIENT, MAX_NOT_FOUND_RETRIES, REQUEST_TIMEOUT_MS } from '../cekura/answers.js'
import type { ProgressSource } from '../cekura/client.js'
import { readProgress, type JobProgress } from '../cekura/progress.js'
import { nextPollDelay, type PollSchedule } from './schedule.js'

export interface PollDeps {
  source: ProgressSource
  /** Monotonic milliseconds. */
  now: () => number
  /** Resolves after `ms`, or early when the signal aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  random: () => number
  log: (line: string) => void
  /** Aborts the wait: the runner is cancelling the step. */
  cancel?: AbortSignal
  /** Hides secrets in response text the loop quotes in an error. */
  redact?: (text: string) => string
}

export interface PollSettings extends PollSchedule {
  progressId: string
  timeoutMs: number
  /** When the timeout started to run (on the `now` clock), if before the first poll. */
  startedAt?: number
}
/** Backoff for faults: starts around the first poll interval and is capped by the longest. */
const BACKOFF_BASE_MS = 1000

const MAX_SHOWN_RESPONSE = 500
/** An error line longer than this is cut: it goes into an output, the log and the summary. */
const MAX_ERROR = 2000

/** A response, redacted, then cut to a size that fits in one error line (in that order, so no piece of a secret is left). */
export function preview(body: unknown, redact: (text: string) => string = text => text): string {
  const text = redact(JSON.stringify(body) ?? String(body))
  return text.length > MAX_SHOWN_RESPONSE ? `${text.slice(0, MAX_SHOWN_RESPONSE)}… (${text.length} characters)` : text
}

function clip(text: string, redact: (text: string) => string = same => same): string {
  const shown = redact(text)
  return shown.length > MAX_ERROR ? `${shown.slice(0, MAX_ERROR)}… (${shown.length} characters)` : shown
}

function describe(progress: JobProgress): string {
  const parts = [progress.rawStatus ?? 'no status yet']
  if (progress.stage !== undefined && progress.stage.toLowerCase() !== progress.rawStatus?.toLowerCase()) {
    parts.push(progress.stage)
  }
  if (progress.percent !== undefined) parts.push(`${Math.round(progress.percent)}%`)
  return parts.join(', ')
}

/**
 * Follows one job until it finishes, the deadline passes or the wait is cancelled. Never throws for
 * API or network trouble: every ending is an Outcome.
 */
export async function pollUntilDone(settings: PollSettings, deps: PollDeps): Promise<Outcome> {
  const start = settings.startedAt ?? deps.now()
  const deadline = start + settings.timeoutMs
  const signal = deps.cancel ?? new AbortController().signal

  let polls = 0
  let transientRun = 0
  let notFound = 0
  let lastResponse: unknown = null
  let lastSeen = 'no answer yet'

  const end = (status: Status, error: string, progress?: JobProgress): Outcome => ({
    status,
    progressId: settings.progressId,
    // Only the progress of a completed job carries text (progress.ts reads it only then), and that job ends completed.
    instructions: progress?.instructions ?? '',
    expectedOutcome: progress?.expectedOutcome ?? '',
    error: clip(error, deps.redact),
    lastResponse,
    polls,
    elapsedMs: deps.now() - start
  })
  const stopped = (): Outcome | undefined => {
    if (signal.aborted) return end('cancelled', 'The run was cancelled while waiting for the job.')
    if (deps.now() >= deadline) {
      return end(
        'timed-out',
        `The job did not finish within ${formatDuration(settings.timeoutMs)} (last seen: ${lastSeen}, after ${plural(polls, 'poll')}). ` +
          'Raise the timeout input if the job needs longer.'
      )
    }
    return undefined
  }

  for (;;) {
    const early = stopped()
    if (early) return early

    polls++
    // Neither a request nor a sleep outlasts the deadline, so the step ends on time.
    const timeoutMs = Math.min(REQUEST_TIMEOUT_MS, deadline - deps.now())
    const verdict = await deps.source.getProgress(settings.progressId, { timeoutMs, signal })
    const late = stopped()
    if (late) return late

    let waitMs: number
    const elapsed = deps.now() - start
    if (verdict.kind === 'ok') {
      transientRun = 0
      notFound = 0
      lastResponse = verdict.body
      const progress = readProgress(verdict.body)
      lastSeen = describe(progress)
      if (progress.state === 'completed') {
        if (progress.instructions === undefined) {
          // Stryker disable next-line LogicalOperator,StringLiteral: a completed state always comes with its status word; the fallback is defensive
          const said = progress.rawStatus ?? 'done'
          return end(
            'failed',
            `Cekura reported the job as ${said} but sent no instructions text. Response: ${preview(verdict.body, deps.redact)}`,
            progress
          )
        }
        deps.log(`[${formatDuration(elapsed)}] ${lastSeen}: instructions received (${progress.instructions.length} characters)`)
        return end('completed', '', progress)
      }
      if (progress.state === 'failed' || progress.state === 'cancelled') {
        deps.log(`[${formatDuration(elapsed)}] ${lastSeen}`)
        const why = progress.error ?? `no error message; response: ${preview(verdict.body, deps.redact)}`
        // Stryker disable next-line LogicalOperator: a failed or cancelled state always comes with its status word; the fallback is defensive
        return end(progress.state, `Cekura reported the job as ${progress.rawStatus ?? progress.state}: ${why}`, progress)
      }
      waitMs = nextPollDelay(elapsed, settings, deps.random)
      deps.log(`[${formatDuration(elapsed)}] ${lastSeen}; next poll in ${formatDuration(waitMs)}`)
    } else if (verdict.kind === 'fatal') {
      deps.log(`[${formatDuration(elapsed)}] ${verdict.message}`)
      return end('failed', verdict.message)
    } else if (verdict.kind === 'not-found') {
      notFound++
      lastSeen = verdict.reason
      if (notFound > MAX_NOT_FOUND_RETRIES) {
        const message =
          `Cekura does not know the progress id '${settings.progressId}' (${verdict.reason}, ${notFound} times). ` +
          'Check the progress-id input: it must be the progress_id that the generate or improve call returned, ' +
          'from the same Cekura account as the api-key.'
        deps.log(`[${formatDuration(elapsed)}] ${message}`)
        return end('failed', message)
      }
      waitMs = backoffDelay(notFound, { baseMs: BACKOFF_BASE_MS, capMs: settings.maxPollIntervalMs }, deps.random)
      deps.log(`[${formatDuration(elapsed)}] ${verdict.reason}: the job may not be visible yet; retry in ${formatDuration(waitMs)}`)
    } else {
      transientRun++
      lastSeen = verdict.reason
      if (transientRun >= MAX_CONSECUTIVE_TRANSIENT) {
        const message = `Gave up after ${transientRun} failed progress requests in a row; the last: ${verdict.reason}. Cekura or the network to it is having trouble.`
        deps.log(`[${formatDuration(elapsed)}] ${message}`)
        return end('failed', message)
      }
      waitMs =
        verdict.retryAfterMs ?? backoffDelay(transientRun, { baseMs: BACKOFF_BASE_MS, capMs: settings.maxPollIntervalMs }, deps.random)
      deps.log(
        `[${formatDuration(elapsed)}] ${verdict.reason} (${transientRun} of ${MAX_CONSECUTIVE_TRANSIENT} tries in a row); ` +
          `retry in ${formatDuration(waitMs)}${verdict.retryAfterMs !== undefined ? ' as Retry-After asks' : ''}`
      )
    }

    const left = deadline - deps.now()
    await deps.sleep(Math.max(0, Math.min(waitMs, left)), signal)
  }
}
