import { JITTER, type PollSchedule } from './schedule.js'

/**
 * When a job of a batch ended, as its poller saw it: after `lowerMs` (the last answer that said it was
 * running) and by `upperMs` (the answer that said it had completed), both from the job's own start.
 */
export interface SeenEnd {
  lowerMs: number
  upperMs: number
}

/** The window in which a batch's jobs are expected to end starts this much before the earliest end seen... */
export const WINDOW_LEAD = 0.9
/** ...and ends this much after the latest: a job slower than that is an outlier, polled on the plain schedule. */
export const WINDOW_LAG = 1.25

/**
 * When a job most likely ended, for opening the window: within the last poll-interval before it was
 * seen ended, unless it was seen running later than that. Never earlier than that: the window's own
 * first poll is often the last that sees a job running, and taking such a poll as the end would pull
 * the window earlier with every job; nor as early as a first poll that happened to be the last
 * before a long wait.
 */
function likelyEnd(end: SeenEnd, schedule: PollSchedule): number {
  return Math.max(end.lowerMs, end.upperMs - schedule.pollIntervalMs)
}

/**
 * The wait before the next poll of a job that is still running, when other jobs of the same batch
 * have ended. The jobs of a batch are alike (one request, one agent, texts of a kind), so their ends
 * foretell this one's: before the window in which they ended, one wait to its start (at most
 * `maxPollIntervalMs`, so a job that ends early is still seen within that); inside it, every
 * `pollIntervalMs` (the shortest wait the inputs allow); past it, the plain schedule. With no end seen
 * yet, the plain schedule's wait. Pure.
 */
export function pacedWait(elapsedMs: number, waitMs: number, ends: readonly SeenEnd[], schedule: PollSchedule): number {
  if (ends.length === 0) return waitMs
  const opens = WINDOW_LEAD * Math.min(...ends.map(end => likelyEnd(end, schedule)))
  const closes = WINDOW_LAG * Math.max(...ends.map(end => end.upperMs))
  const shortest = schedule.pollIntervalMs * (1 - JITTER)
  if (elapsedMs < opens) return Math.round(Math.min(schedule.maxPollIntervalMs, Math.max(shortest, opens - elapsedMs)))
  if (elapsedMs <= closes) return Math.min(waitMs, schedule.pollIntervalMs)
  return waitMs
}
