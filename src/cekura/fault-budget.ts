import { formatDuration } from '../base/duration.js'
import { plural } from '../base/text.js'

/**
 * How long consecutive transient faults (network errors, 408, 425, 429, 5xx, a body that is not JSON)
 * are ridden out before a call gives up. A Cekura deploy makes the API fail for about 90 s; this
 * outlasts one. The run's deadline still comes first. The one definition for the poll loop and for
 * the retries of every other call.
 */
export const FAULT_BUDGET_MS = 120_000

/**
 * One run of consecutive transient faults: when its first failed try was sent and how many tries it
 * has taken. An answer that is not a transient fault ends the run (`clear`).
 */
export class FaultRun {
  private firstSentAt: number | undefined
  private count = 0

  /** Records one more failed try, sent at `sentAt` (on the caller's monotonic clock). */
  failed(sentAt: number): void {
    this.firstSentAt ??= sentAt
    this.count++
  }

  clear(): void {
    this.firstSentAt = undefined
    this.count = 0
  }

  get tries(): number {
    return this.count
  }

  get active(): boolean {
    return this.count > 0
  }

  /**
   * The wait before the next try, or undefined when the budget is spent. A Retry-After the server
   * sent is obeyed as it is; otherwise the backoff is cut so that the last try falls at the end of
   * the budget rather than after it. The caller still keeps the wait within its deadline.
   */
  nextWait(now: number, backoffMs: number, retryAfterMs?: number): number | undefined {
    const left = (this.firstSentAt ?? now) + FAULT_BUDGET_MS - now
    if (left <= 0) return undefined
    return retryAfterMs ?? Math.min(backoffMs, left)
  }

  /** How long and how many tries, for an error line: `for 2m 01s (14 tries in a row)`. */
  describe(now: number): string {
    const lasted = this.firstSentAt === undefined ? 0 : now - this.firstSentAt
    return `for ${formatDuration(lasted)} (${plural(this.count, 'try', 'tries')} in a row)`
  }
}
