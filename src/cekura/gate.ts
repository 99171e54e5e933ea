import { headerValue, type HttpAnswer } from './http.js'
import { parseRetryAfter } from './answers.js'

/**
 * One "hold back until" for several callers that share an account's rate limit (the workers of a
 * batch). Any caller that is told to slow down (HTTP 429, or Retry-After on an error) holds back every
 * caller's next request until then. A lone job has no gate: it keeps its own pace, as it always did.
 */
export interface RequestGate {
  /**
   * Waits until requests may go again, but at most `maxMs` and not past an abort. Returns how long it
   * waited.
   */
  wait(maxMs: number, signal?: AbortSignal): Promise<number>
  /** Hears of an answer; one that asks to slow down holds back every request. */
  heard(answer: HttpAnswer): void
  /** How long requests are still held back; 0 when they may go now. */
  heldFor(): number
}

export interface GateClock {
  /** Monotonic milliseconds. */
  now: () => number
  /** Resolves after `ms`, or at once when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Wall-clock milliseconds since the epoch, for Retry-After given as an HTTP date. */
  epochNow?: () => number
}

/** A 429 without Retry-After still holds everyone back this long: the limit is shared, so hitting it again is likely. */
export const DEFAULT_429_HOLD_MS = 1000

/** The network code of a request the gate held back until its time ran out: it was never sent. */
// Stryker disable next-line StringLiteral: only the code's identity is used (no other error has it), never its text
export const HELD_BACK = 'ERR_HELD_BACK'

/** How long an answer asks every request to hold back, or undefined when it does not. Pure. */
export function holdFor(answer: Pick<HttpAnswer, 'status' | 'headers'>, nowEpochMs: number): number | undefined {
  if (answer.status >= 200 && answer.status < 300) return undefined
  const retryAfterMs = parseRetryAfter(headerValue(answer as HttpAnswer, 'retry-after'), nowEpochMs)
  if (answer.status === 429) return retryAfterMs ?? DEFAULT_429_HOLD_MS
  return retryAfterMs
}

export function createGate(clock: GateClock): RequestGate {
  const epochNow = clock.epochNow ?? Date.now
  let until = Number.NEGATIVE_INFINITY
  return {
    async wait(maxMs, signal) {
      const start = clock.now()
      // A loop, since another caller may push the time further out while this one waits.
      for (;;) {
        if (signal?.aborted) break
        const left = Math.min(until, start + maxMs) - clock.now()
        if (left <= 0) break
        await clock.sleep(left, signal)
      }
      return clock.now() - start
    },
    heard(answer) {
      // No hold is a hold that ends now: it never moves `until` past a later one.
      until = Math.max(until, clock.now() + (holdFor(answer, epochNow()) ?? 0))
    },
    heldFor() {
      return Math.max(0, until - clock.now())
    }
  }
}
