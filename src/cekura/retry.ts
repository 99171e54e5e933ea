import { backoffDelay, MAX_CONSECUTIVE_TRANSIENT, REQUEST_TIMEOUT_MS } from './answers.js'
import type { CekuraFailure } from './failure.js'

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

/**
 * Runs `once` until it succeeds or fails for good, waiting between tries with jittered backoff (or as
 * long as Retry-After asks), never past the deadline. Whether a call may be tried again at all is the
 * call's own decision (`retry` or `fail`): a POST that may have reached Cekura is never sent twice.
 * Out of time, the failure becomes `timed-out`; cancelled, `cancelled`.
 */
export async function withRetries<T>(once: (timeoutMs: number) => Promise<Try<T>>, context: RetryContext): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const result = await once(requestTimeout(context))
    if ('ok' in result) return result.ok
    if ('fail' in result) throw result.fail
    if (context.signal?.aborted) throw result.retry.as('cancelled')
    if (attempt >= MAX_CONSECUTIVE_TRANSIENT) throw result.retry
    const left = context.deadline - context.now()
    if (left <= MIN_RETRY_TIME_MS) throw result.retry.as('timed-out')
    await context.sleep(Math.min(result.retryAfterMs ?? backoffDelay(attempt, BACKOFF, context.random), left))
    if (context.signal?.aborted) throw result.retry.as('cancelled')
  }
}
