export interface PollSchedule {
  pollIntervalMs: number
  maxPollIntervalMs: number
}

/** How much the wait grows with the job's age: the wait is about sqrt(GROWTH × age), in seconds. */
export const GROWTH_SECONDS = 2
/** Each wait is spread by up to this fraction either way, so many runners do not poll in step. */
export const JITTER = 0.1

/**
 * The wait before the next progress request, given how long the job has been followed.
 *
 * A job that has already run for `t` seconds is likely to run on for a time of the same order, so the
 * wait grows with the square root of `t`: short jobs are noticed within about a second of finishing
 * and long ones cost few requests. The wait starts at `pollIntervalMs` and never exceeds
 * `maxPollIntervalMs`.
 */
export function nextPollDelay(elapsedMs: number, schedule: PollSchedule, random: () => number): number {
  const grown = Math.sqrt(GROWTH_SECONDS * Math.max(0, elapsedMs) / 1000) * 1000
  const base = Math.min(schedule.maxPollIntervalMs, Math.max(schedule.pollIntervalMs, grown))
  const jittered = base * (1 + JITTER * (2 * random() - 1))
  return Math.round(Math.min(schedule.maxPollIntervalMs, Math.max(schedule.pollIntervalMs * (1 - JITTER), jittered)))
}
