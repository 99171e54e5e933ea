// Types for virtual-clock.mjs (plain JavaScript so that the benchmark runs it without a build).

export interface VirtualClock {
  /** virtual milliseconds, from 0 */
  now(): number
  /** resolves when the clock reaches now + ms, or at once when the signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** runs `action` when the clock reaches atMs */
  at(atMs: number, action: () => void): void
  /** settles with `task`, moving the clock from timer to timer whenever every task waits */
  run<T>(task: Promise<T>): Promise<T>
}

export function virtualClock(): VirtualClock
