export interface PollSchedule {
  pollIntervalMs: number
  maxPollIntervalMs: number
}

/**
 * How fast the wait grows with the time followed: the wait is poll-interval + √(GROWTH_SECONDS s ×
 * age). Tuned with `npm run bench` (README, Performance) against jobs of random age and jobs that
 * begin at the first poll.
 */
export const GROWTH_SECONDS = 1.1
/** Each wait is spread by up to this fraction either way, so many runners do not poll in step. */
export const JITTER = 0.1

/**
 * The wait before the next progress request, given how long the job has been followed: from the
 * first poll to the sending of the one just answered.
 *
 * A job that has already run for `t` seconds is likely to run on for a time of the same order, and a
 * poll costs about as much as half a second of overshoot; for that trade the best wait grows with the
 * square root of `t`. The wait is p + √(GROWTH_SECONDS × t) seconds for a `pollIntervalMs` of p
 * seconds: exactly `pollIntervalMs` at the start, then (from 1.25 s with a 25 s cap) about 2.3 s after
 * 1 s, 4.6 s after 10 s, 9.4 s after 1 min, 12.7 s after 2 min and 25 s from about 8.5 min on, never
 * above `maxPollIntervalMs`. Starting short and adding the square root (rather than growing from
 * poll-interval² under the root) notices a job that began at the first poll and runs a few seconds
 * within about a second, and costs long jobs no more than a few requests. Each wait is then jittered
 * by up to ±JITTER and kept within [`pollIntervalMs` × (1 − JITTER), `maxPollIntervalMs`].
 */
export function nextPollDelay(elapsedMs: number, schedule: PollSchedule, random: () => number): number {
  const ageSeconds = Math.max(0, elapsedMs) / 1000
  const grown = schedule.pollIntervalMs + Math.sqrt(GROWTH_SECONDS * ageSeconds) * 1000
  const base = Math.min(schedule.maxPollIntervalMs, grown)
  const jittered = base * (1 + JITTER * (2 * random() - 1))
  return Math.round(Math.min(schedule.maxPollIntervalMs, Math.max(schedule.pollIntervalMs * (1 - JITTER), jittered)))
}
