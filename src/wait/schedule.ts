export interface PollSchedule {
  pollIntervalMs: number
  maxPollIntervalMs: number
}

/**
 * How fast the wait grows with the time followed, in seconds of squared wait per second of age: the
 * wait is sqrt(poll-interval² + GROWTH × age). Tuned with `npm run bench` (README, Performance).
 */
export const GROWTH_SECONDS = 1.5
/** Each wait is spread by up to this fraction either way, so many runners do not poll in step. */
export const JITTER = 0.1

/**
 * The wait before the next progress request, given how long the job has been followed.
 *
 * A job that has already run for `t` seconds is likely to run on for a time of the same order, and a
 * poll costs about as much as half a second of overshoot; for that trade the best wait grows with the
 * square root of `t`. The wait is sqrt(p² + GROWTH_SECONDS × t) for a `pollIntervalMs` of p seconds:
 * exactly `pollIntervalMs` at the start, growing smoothly (from 2.5 s with a 25 s cap: about 4.6 s
 * after 10 s, 9.8 s after 1 min, 13.6 s after 2 min, 25 s from about 7 min on) and never above
 * `maxPollIntervalMs`. Each wait is then jittered by up to ±JITTER and kept within
 * [`pollIntervalMs` × (1 − JITTER), `maxPollIntervalMs`].
 */
export function nextPollDelay(elapsedMs: number, schedule: PollSchedule, random: () => number): number {
  const firstSeconds = schedule.pollIntervalMs / 1000
  const ageSeconds = Math.max(0, elapsedMs) / 1000
  const grown = Math.sqrt(firstSeconds * firstSeconds + GROWTH_SECONDS * ageSeconds) * 1000
  const base = Math.min(schedule.maxPollIntervalMs, grown)
  const jittered = base * (1 + JITTER * (2 * random() - 1))
  return Math.round(Math.min(schedule.maxPollIntervalMs, Math.max(schedule.pollIntervalMs * (1 - JITTER), jittered)))
}
