// Types only: erased from the build.
import type { getOctokit } from '@actions/github'
import { formatDuration } from '../base/duration.js'
import { sleep as realSleep } from '../base/sleep.js'
import { oneLine } from '../base/text.js'

/**
 * GitHub's rate limits, waited out within the comment's time budget.
 *
 * - Primary limit: the token's hourly quota is used up. GitHub answers 403 or 429 with
 *   `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds); requests work again after the reset.
 * - Secondary limit: too many requests too fast. GitHub answers 403 or 429, with `retry-after`
 *   (seconds) when it says how long to wait, else the advice is to wait at least a minute.
 *
 * Any other 403 is a permission problem and is not retried.
 */

export type RateLimitKind = 'primary' | 'secondary'

export interface RateLimitWait {
  kind: RateLimitKind
  /** How long to wait before the next try. */
  waitMs: number
  /** For a primary limit: when the quota comes back, in epoch milliseconds. */
  resetAtMs?: number
}

/** Without a `retry-after`, GitHub's advice for a secondary limit: wait at least a minute. */
export const SECONDARY_DEFAULT_WAIT_MS = 60_000
/** A margin after `x-ratelimit-reset`, for the clocks of the runner and GitHub to disagree a little. */
const RESET_MARGIN_MS = 1000
/** Time a retried request itself needs, so that a wait that leaves less is not worth starting. */
const REQUEST_ROOM_MS = 500
/** More rate limits than this in one comment, and GitHub is not going to let us through. */
export const MAX_RATE_LIMIT_RETRIES = 5

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name]
  return value === undefined || value === null ? undefined : String(value).trim()
}

/**
 * Whether an answer is a rate limit, and how long to wait: pure, from the status, the headers
 * (lowercase names), the message and the current time in epoch milliseconds.
 */
export function rateLimitWait(status: number, headers: Record<string, unknown>, message: string, nowMs: number): RateLimitWait | undefined {
  if (status !== 403 && status !== 429) return undefined
  const remaining = header(headers, 'x-ratelimit-remaining')
  const retryAfter = header(headers, 'retry-after')
  const reset = Number(header(headers, 'x-ratelimit-reset'))
  const primary = remaining === '0'

  if (retryAfter !== undefined && retryAfter !== '') {
    let waitMs: number | undefined
    if (/^\d+(\.\d+)?$/.test(retryAfter)) waitMs = Number(retryAfter) * 1000
    else if (!Number.isNaN(Date.parse(retryAfter))) waitMs = Math.max(0, Date.parse(retryAfter) - nowMs)
    if (waitMs !== undefined) return { kind: primary ? 'primary' : 'secondary', waitMs }
  }
  if (primary && Number.isFinite(reset) && reset > 0) {
    const resetAtMs = reset * 1000
    return { kind: 'primary', waitMs: Math.max(0, resetAtMs - nowMs) + RESET_MARGIN_MS, resetAtMs }
  }
  if (primary) return { kind: 'primary', waitMs: SECONDARY_DEFAULT_WAIT_MS }
  if (status === 429 || /secondary rate limit|abuse detection/i.test(message)) {
    return { kind: 'secondary', waitMs: SECONDARY_DEFAULT_WAIT_MS }
  }
  return undefined
}

/** The clock time of an epoch instant as people read it in a log: `14:05:09 UTC`. */
function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`
}

/** A rate limit that lasts past the comment's time budget: the comment is given up. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError'
  constructor(
    readonly wait: RateLimitWait,
    leftMs: number,
    nowMs: number
  ) {
    const until =
      wait.resetAtMs === undefined
        ? `asks to wait ${formatDuration(wait.waitMs)}`
        : `is used up until ${clockTime(wait.resetAtMs)} (${formatDuration(Math.max(0, wait.resetAtMs - nowMs))} from now)`
    super(
      `GitHub's ${wait.kind} rate limit ${until}, more than the ${formatDuration(Math.max(0, leftMs))} left for the comment, so it was given up`
    )
  }
}

export interface RateLimitPolicy {
  /** When the comment's time is up, on the monotonic clock. */
  deadline: number
  /** Ends a wait early (the comment's time-out, or a cancel). */
  signal: AbortSignal
  /** Says how long it waits, and why. */
  info: (message: string) => void
  /** Injected in tests. */
  now?: () => number
  epochNow?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** The part of an Octokit this needs. */
type HookedOctokit = Pick<ReturnType<typeof getOctokit>, 'hook'>

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The rate limit an Octokit error reports, if any. */
export function rateLimitOf(error: unknown, nowMs: number): RateLimitWait | undefined {
  if (!isRecord(error) || typeof error.status !== 'number' || !isRecord(error.response)) return undefined
  const headers = isRecord(error.response.headers) ? error.response.headers : {}
  const message = typeof error.message === 'string' ? error.message : ''
  return rateLimitWait(error.status, headers, message, nowMs)
}

/**
 * Makes every request of this Octokit (REST and GraphQL alike) wait out a rate limit and try again,
 * as long as the wait ends within the comment's time budget; a longer limit throws RateLimitedError.
 */
export function retryRateLimits(octokit: HookedOctokit, policy: RateLimitPolicy): void {
  const now = policy.now ?? (() => performance.now())
  const epochNow = policy.epochNow ?? Date.now
  const wait = policy.sleep ?? realSleep
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options)
      } catch (error) {
        const limit = rateLimitOf(error, epochNow())
        if (limit === undefined) throw error
        const leftMs = policy.deadline - now()
        if (attempt > MAX_RATE_LIMIT_RETRIES || limit.waitMs > leftMs - REQUEST_ROOM_MS || policy.signal.aborted) {
          throw new RateLimitedError(limit, leftMs, epochNow())
        }
        policy.info(
          oneLine(
            `GitHub's ${limit.kind} rate limit answered ${options.method} ${options.url}; waiting ${formatDuration(limit.waitMs)} before trying again.`
          )
        )
        await wait(limit.waitMs, policy.signal)
        if (policy.signal.aborted) throw new RateLimitedError(limit, policy.deadline - now(), epochNow())
      }
    }
  })
}
