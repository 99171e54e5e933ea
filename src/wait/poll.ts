import type { Outcome, Status } from '../base/types.js'
import { formatDuration } from '../base/duration.js'
import { stringifyJson } from '../base/json.js'
import { plural } from '../base/text.js'
import { backoffDelay, MAX_NOT_FOUND_RETRIES, REQUEST_TIMEOUT_MS, type Pacing } from '../cekura/answers.js'
import type { ProgressSource, TenantScope } from '../cekura/client.js'
import { FaultRun } from '../cekura/fault-budget.js'
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
  /**
   * Adjusts the wait after an answer that says the job is still running, given how long it has been
   * followed (a batch paces its jobs by the ones that have ended). None: the schedule alone.
   */
  pace?: (elapsedMs: number, waitMs: number) => number
}

export interface PollSettings extends PollSchedule {
  progressId: string
  timeoutMs: number
  /** When the timeout started to run (on the `now` clock), if before the first poll. */
  startedAt?: number
  /** The tenant every progress request names, when one is known. */
  scope?: TenantScope | undefined
  /**
   * The step's whole timeout, when this job had only the end of it (a job of a batch started after
   * others): the messages name both, so that neither reads as the timeout input.
   */
  wholeTimeoutMs?: number | undefined
}
/**
 * No request is sent with less time than this left: no answer could come back in time, and a timer that
 * fires a hair before the monotonic clock reaches the deadline must not buy one more poll.
 */
const LAST_REQUEST_MS = 50
/** A server may ask for a shorter wait than the schedule's, but not for less than this (or poll-interval when shorter). */
const MIN_PACED_MS = 1000
/** Backoff for faults: starts around the first poll interval and is capped by the longest. */
const BACKOFF_BASE_MS = 1000

/** Unknown status words are logged and shown in the summary: this many at most, each cut to this length. */
const MAX_UNKNOWN_STATUSES = 10
const MAX_STATUS_WORD = 80

const MAX_SHOWN_RESPONSE = 500
/** An error line longer than this is cut: it goes into an output, the log and the summary. */
const MAX_ERROR = 2000

/** A response, redacted, then cut to a size that fits in one error line (in that order, so no piece of a secret is left). */
export function preview(body: unknown, redact: (text: string) => string = text => text): string {
  const text = redact(body === undefined ? 'undefined' : stringifyJson(body))
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

/** How long the job was given, as its time-out message says it: `10s`, or the batch's timeout and this job's share. */
export function timeoutWords(timeoutMs: number, wholeTimeoutMs?: number): string {
  const share = formatDuration(timeoutMs)
  // The first jobs of a batch start a few milliseconds in: their share reads as the whole.
  if (wholeTimeoutMs === undefined || formatDuration(wholeTimeoutMs) === share) return share
  return `the batch's timeout of ${formatDuration(wholeTimeoutMs)}, of which it had the last ${share}`
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
  let firstSentAt: number | undefined
  const faults = new FaultRun()
  let notFound = 0
  let lastResponse: unknown = null
  let lastSeen = 'no answer yet'
  const unknownStatuses: string[] = []

  const end = (status: Status, error: string, progress?: JobProgress): Outcome => ({
    status,
    progressId: settings.progressId,
    // Only the progress of a completed job carries text (progress.ts reads it only then), and that job ends completed.
    instructions: progress?.instructions ?? '',
    expectedOutcome: progress?.expectedOutcome ?? '',
    error: clip(error, deps.redact),
    lastResponse,
    polls,
    elapsedMs: deps.now() - start,
    ...(unknownStatuses.length > 0 ? { unknownStatuses: [...unknownStatuses] } : {})
  })
  /** The ending, once cancelled or out of time; `marginMs` before the deadline counts as out of time. */
  const stopped = (marginMs = 0): Outcome | undefined => {
    if (signal.aborted) return end('cancelled', 'The run was cancelled while waiting for the job.')
    if (deps.now() >= deadline - marginMs) {
      const what = faults.active
        ? `Cekura or the network to it kept failing ${faults.describe(deps.now())}; the last: ${lastSeen}`
        : `last seen: ${lastSeen}, after ${plural(polls, 'poll')}`
      return end(
        'timed-out',
        `The job did not finish within ${timeoutWords(settings.timeoutMs, settings.wholeTimeoutMs)} (${what}). Raise the timeout input if the job needs longer.`
      )
    }
    return undefined
  }

  for (;;) {
    const early = stopped(LAST_REQUEST_MS)
    if (early) return early

    polls++
    const sentAt = deps.now()
    firstSentAt ??= sentAt
    // Neither a request nor a sleep outlasts the deadline, so the step ends on time.
    const timeoutMs = Math.min(REQUEST_TIMEOUT_MS, deadline - sentAt)
    const verdict = await deps.source.getProgress(settings.progressId, {
      timeoutMs,
      signal,
      ...(settings.scope ? { scope: settings.scope } : {})
    })
    // Counted before the deadline is checked, so that a time-out says how many tries failed.
    if (verdict.kind === 'transient') {
      faults.failed(sentAt)
      lastSeen = verdict.reason
    }
    const late = stopped()
    if (late) return late

    let waitMs: number
    const elapsed = deps.now() - start
    const at = `[${formatDuration(elapsed)}]`
    if (verdict.kind === 'ok') {
      faults.clear()
      notFound = 0
      lastResponse = verdict.body
      const progress = readProgress(verdict.body)
      lastSeen = describe(progress)
      const unknown = progress.unknownStatus?.slice(0, MAX_STATUS_WORD)
      if (unknown !== undefined && !unknownStatuses.includes(unknown) && unknownStatuses.length < MAX_UNKNOWN_STATUSES) {
        unknownStatuses.push(unknown)
        deps.log(`${at} Cekura sent the status '${unknown}', which this action does not know; the job is taken to be still running.`)
      }
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
        deps.log(`${at} ${lastSeen}: instructions received (${progress.instructions.length} characters)`)
        return end('completed', '', progress)
      }
      if (progress.waitsForPerson) {
        deps.log(`${at} ${lastSeen}`)
        return end('failed', waitsForPerson(settings.progressId, progress, verdict.body, deps.redact), progress)
      }
      if (progress.state === 'failed' || progress.state === 'cancelled') {
        deps.log(`${at} ${lastSeen}`)
        const why = progress.error ?? `no error message; response: ${preview(verdict.body, deps.redact)}`
        // Stryker disable next-line LogicalOperator: a failed or cancelled state always comes with its status word; the fallback is defensive
        return end(progress.state, `Cekura reported the job as ${progress.rawStatus ?? progress.state}: ${why}`, progress)
      }
      // The age the schedule grows with: from the first poll to this one's sending, so that the time the
      // start and each answer take (a few ms that the square root near 0 would turn into a tenth of a
      // second) does not lengthen the waits.
      waitMs = nextPollDelay(sentAt - firstSentAt, settings, deps.random)
      let why = ''
      if (verdict.pacing !== undefined) {
        waitMs = paced(verdict.pacing, settings)
        why = pacingNote(verdict.pacing, waitMs)
      } else if (deps.pace) {
        waitMs = deps.pace(elapsed, waitMs)
      }
      deps.log(`${at} ${lastSeen}; next poll in ${formatDuration(waitMs)}${why}`)
    } else if (verdict.kind === 'fatal') {
      deps.log(`${at} ${verdict.message}`)
      return end('failed', verdict.message)
    } else if (verdict.kind === 'not-found') {
      notFound++
      lastSeen = verdict.reason
      if (notFound > MAX_NOT_FOUND_RETRIES) {
        const message =
          `Cekura does not know the progress id '${settings.progressId}' (${verdict.reason}, ${notFound} times). ` +
          'Check the progress-id input: it must be the progress_id that the generate or improve call returned, ' +
          'from the same Cekura account as the api-key.'
        deps.log(`${at} ${message}`)
        return end('failed', message)
      }
      waitMs = backoffDelay(notFound, { baseMs: BACKOFF_BASE_MS, capMs: settings.maxPollIntervalMs }, deps.random)
      deps.log(`${at} ${verdict.reason}: the job may not be visible yet; retry in ${formatDuration(waitMs)}`)
    } else {
      const backoff = backoffDelay(faults.tries, { baseMs: BACKOFF_BASE_MS, capMs: settings.maxPollIntervalMs }, deps.random)
      const next = faults.nextWait(deps.now(), backoff, verdict.retryAfterMs)
      if (next === undefined) {
        const message =
          `Gave up: Cekura or the network to it kept failing ${faults.describe(deps.now())}; the last: ${verdict.reason}. ` +
          `Cekura may be deploying or down: re-run later, or follow the job with progress-id ${settings.progressId} in poll mode.`
        deps.log(`${at} ${message}`)
        return end('failed', message)
      }
      waitMs = next
      deps.log(
        `${at} ${verdict.reason} (failing ${faults.describe(deps.now())}); ` +
          `retry in ${formatDuration(waitMs)}${verdict.retryAfterMs !== undefined ? ' as Retry-After asks' : ''}`
      )
    }

    const left = deadline - deps.now()
    await deps.sleep(Math.max(0, Math.min(waitMs, left)), signal)
  }
}

/** The wait a server asked for, kept within [min(poll-interval, 1 s), max-poll-interval]; the deadline caps every sleep anyway. */
function paced(pacing: Pacing, settings: PollSettings): number {
  const floor = Math.min(settings.pollIntervalMs, MIN_PACED_MS)
  return Math.round(Math.min(settings.maxPollIntervalMs, Math.max(floor, pacing.ms)))
}

function pacingNote(pacing: Pacing, waitMs: number): string {
  if (waitMs === pacing.ms) return `, as ${pacing.header} asks`
  // Stryker disable next-line EqualityOperator: an equal wait was answered above
  const bound = waitMs < pacing.ms ? 'max-poll-interval' : 'the shortest wait'
  return `; ${pacing.header} asked for ${formatDuration(pacing.ms)}, kept to ${bound}`
}

/** The error of a job that waits for a person: what it asks, and what to do. */
function waitsForPerson(progressId: string, progress: JobProgress, body: unknown, redact?: (text: string) => string): string {
  const said = progress.error !== undefined ? `: "${progress.error}"` : `; response: ${preview(body, redact)}`
  // Stryker disable next-line LogicalOperator,StringLiteral: a job waiting for a person always comes with its status word; the fallback is defensive
  const status = progress.rawStatus ?? 'needs_*'
  return (
    `The Cekura job is waiting for a person (status ${status})${said}. ` +
    'It cannot finish on its own: answer it in the Cekura dashboard, then follow it again with ' +
    `progress-id ${progressId} in poll mode, or start a new job with a clearer request.`
  )
}
