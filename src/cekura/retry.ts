import { backoffDelay, REQUEST_TIMEOUT_MS } from './answers.js'
import { FaultRun } from './fault-budget.js'
import { CekuraFailure } from './failure.js'

/** What one try of a call came to. */
export type Try<T> =
  | { ok: T }
  /** Worth another try; `failure` is what the call ends with when no try is left. */
  | { retry: CekuraFailure; retryAfterMs?: number }
  | { fail: CekuraFailure }

export interface RetryContext {
  /** On the `now` clock. */
  deadline: number
  now: () => number
  sleep: (ms: number) => Promise<void>
  random: () => number
  signal?: AbortSignal | undefined
}

/** No retry is started with less time than this left: the answer could not arrive in time. */
export const MIN_RETRY_TIME_MS = 1000
const BACKOFF = { baseMs: 1000, capMs: 10_000 }

/** The timeout for one request: what is left before the deadline, at most REQUEST_TIMEOUT_MS. */
export function requestTimeout(context: Pick<RetryContext, 'deadline' | 'now'>): number {
  return Math.max(1, Math.min(REQUEST_TIMEOUT_MS, context.deadline - context.now()))
}

/** The failure, saying how long the faults lasted and how many tries they took. */
function withRun(failure: CekuraFailure, run: FaultRun, now: number): CekuraFailure {
  const message = failure.message.replace(/\.$/, '')
  return new CekuraFailure(failure.kind, `${message}; it kept failing ${run.describe(now)}.`, failure.status)
}

/**
 * Runs `once` until it succeeds or fails for good, waiting between tries with jittered backoff (or as
 * long as Retry-After asks), never past the deadline. Whether a call may be tried again at all is the
 * call's own decision (`retry` or `fail`): a POST that may have reached Cekura is never sent twice.
 * Consecutive faults are ridden out for FAULT_BUDGET_MS (a Cekura deploy), then the call fails with
 * the last one, saying how long and how many tries. Out of time, the failure becomes `timed-out`;
 * cancelled, `cancelled`.
 */
export async function withRetries<T>(once: (timeoutMs: number) => Promise<Try<T>>, context: RetryContext): Promise<T> {
  const run = new FaultRun()
  for (;;) {
    const sentAt = context.now()
    const result = await once(requestTimeout(context))
    if ('ok' in result) return result.ok
    if ('fail' in result) throw result.fail
    run.failed(sentAt)
    const now = context.now()
    if (context.signal?.aborted) throw withRun(result.retry, run, now).as('cancelled')
    const wait = run.nextWait(now, backoffDelay(run.tries, BACKOFF, context.random), result.retryAfterMs)
    if (wait === undefined) throw withRun(result.retry, run, now)
    const left = context.deadline - now
    if (left <= MIN_RETRY_TIME_MS) throw withRun(result.retry, run, now).as('timed-out')
    await context.sleep(Math.min(wait, left))
    if (context.signal?.aborted) throw withRun(result.retry, run, context.now()).as('cancelled')
  }
}
