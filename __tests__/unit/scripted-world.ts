// Shared by the poll and runner tests: a scripted world with a fake monotonic clock, a sleep that only
// moves that clock, and a progress source that answers from a script. Nothing really waits and
// nothing touches the network.

import type { Verdict } from '../../src/cekura/answers.js'
import type { ProgressOptions, ProgressSource, TenantScope } from '../../src/cekura/client.js'

/** The monotonic clock is not zero when the action starts. */
export const START = 1_000_000

/** One scripted answer: a verdict, optionally taking time; or a request that hangs until its own timeout. */
export type Step = Verdict | { answer: Verdict; takesMs: number } | { hang: true } | { abortDuringRequest: true }

export const RUNNING: Verdict = { kind: 'ok', body: { status: 'processing' } }
export const running = (extra: Record<string, unknown> = {}): Verdict => ({ kind: 'ok', body: { status: 'processing', ...extra } })
export const completed = (extra: Record<string, unknown> = { instructions: 'Call and ask for a refund.' }): Verdict => ({
  kind: 'ok',
  body: { status: 'completed', ...extra }
})
export const transient = (reason = 'HTTP 503', retryAfterMs?: number): Verdict =>
  retryAfterMs === undefined ? { kind: 'transient', reason } : { kind: 'transient', reason, retryAfterMs }
export const NOT_FOUND: Verdict = { kind: 'not-found', reason: 'HTTP 404: Not found.' }

function isVerdict(step: Step): step is Verdict {
  return 'kind' in step
}

export interface Clock {
  now: () => number
  /** Moves the clock, as time passing in a request, a sleep or elsewhere would. */
  advance: (ms: number) => void
}

export function fakeClock(at = START): Clock {
  let clock = at
  return {
    now: () => clock,
    advance: ms => {
      clock += ms
    }
  }
}

export interface RequestRecord {
  at: number
  progressId: string
  timeoutMs: number
  /** Time left before the deadline when the request was sent. */
  left: number
  signal: AbortSignal | undefined
  /** The tenant the request named, if any. */
  scope: TenantScope | undefined
}

export interface SleepRecord {
  at: number
  ms: number
  left: number
}

/** A progress source answering from `script`, then with `afterScript` (by default the job stays running). */
export function scriptedProgress(
  script: Step[],
  options: {
    clock: Clock
    /** The deadline the caller works to, for the records' `left`. */
    deadline: () => number
    /** Aborted by an `abortDuringRequest` step. */
    controller: AbortController
    afterScript?: Step
    requests: RequestRecord[]
  }
): ProgressSource {
  const { clock, controller, requests } = options
  const remaining = [...script]
  return {
    async getProgress(progressId: string, call: ProgressOptions): Promise<Verdict> {
      requests.push({
        at: clock.now(),
        progressId,
        timeoutMs: call.timeoutMs,
        left: options.deadline() - clock.now(),
        signal: call.signal,
        scope: call.scope
      })
      const step = remaining.length > 0 ? (remaining.shift() as Step) : (options.afterScript ?? RUNNING)
      if (isVerdict(step)) return step
      if ('hang' in step) {
        // The server never answers: the request ends at its own timeout.
        clock.advance(call.timeoutMs)
        return { kind: 'transient', reason: 'network error REQUEST_TIMEOUT' }
      }
      if ('abortDuringRequest' in step) {
        clock.advance(300)
        controller.abort()
        return { kind: 'transient', reason: 'network error: This operation was aborted' }
      }
      if (step.takesMs > call.timeoutMs) {
        clock.advance(call.timeoutMs)
        return { kind: 'transient', reason: 'network error REQUEST_TIMEOUT' }
      }
      clock.advance(step.takesMs)
      return step.answer
    }
  }
}

/** A sleep that records itself and moves the clock; `onSleep` returning true ends it early (as an abort does). */
export function fakeSleep(options: {
  clock: Clock
  deadline: () => number
  sleeps: SleepRecord[]
  /** Called before the clock moves. */
  onSleep?: (ms: number) => boolean | void
}): (ms: number, signal: AbortSignal) => Promise<void> {
  const { clock, sleeps } = options
  return async (ms, signal) => {
    sleeps.push({ at: clock.now(), ms, left: options.deadline() - clock.now() })
    if (signal.aborted) return
    if (options.onSleep?.(ms) === true) return
    clock.advance(ms)
  }
}
