// Table 1: polling efficiency. Runs the action's own poll loop (pollUntilDone from src/wait/poll.ts, compiled
// into .bench/sim) against a simulated job on a virtual clock: sleeping moves the clock, requests take
// no time, nothing really waits.
//
// Two job models, each a distribution of the time R from the action's first poll to the job's end:
//
// 1a, random age. A job starts at time 0 and finishes after its duration D. The action starts a random
// time φ later, uniform in [0, min(D/2, 30 s)): the step before it started the job, and between the two
// there may be a queued runner, a checkout or a slow earlier step. So R = D − φ. That spread is what
// makes the comparison fair: with φ uniform in 0–2 s only, a 30 s job would end just after a fixed 10 s
// or 30 s poller's third or second poll every time and those pollers would look perfect at exactly the
// durations in the table, which no real job would oblige. The spread is at least one interval of every
// fixed poller that polls more than once before the end, so the end falls at a random point of its cycle.
//
// 1b, begins at the first poll. The action started the job itself (generate and improve modes), or the
// step before it did a moment earlier: R = D × U(0.75, 1.25), the length varying by ±25 % from run to
// run, so that no fixed poller wins by landing exactly on the end.

import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { mean, percentile, seededRandom } from './util.mjs'

export const DURATIONS_MS = [3, 10, 30, 60, 120, 300, 600].map(s => s * 1000)
export const FIXED_MS = [2, 5, 10, 30].map(s => s * 1000)
/** Cost of one request, in seconds of overshoot: cost = mean overshoot + REQUEST_COST_S × mean requests. */
export const REQUEST_COST_S = 0.5
/** The longest head start of the job over the action. */
export const MAX_PHASE_MS = 30_000
/** Longer than any job in the table, so the deadline never ends a simulated wait. */
const SIM_TIMEOUT_MS = 6 * 3_600_000

/**
 * The head start of the job over the action is uniform in [0, phaseLimit(D)). The default is
 * min(D/2, 30 s); `fixedPhase(ms)` gives a constant limit instead (e.g. 0–2 s), to show how the
 * comparison depends on it.
 * @typedef {{ text: string, maxMs: (durationMs: number) => number }} Phase
 */

/** @type {Phase} */
export const DEFAULT_PHASE = {
  text: 'phase: the action starts uniformly at random 0 to min(D/2, 30 s) after the job, so it sees D minus that',
  maxMs: durationMs => Math.min(durationMs / 2, MAX_PHASE_MS)
}

/** @param {number} ms @returns {Phase} */
export function fixedPhase(ms) {
  return {
    text: `phase: the action starts uniformly at random 0 to ${ms / 1000} s after the job (NOT the default phase model)`,
    maxMs: durationMs => Math.min(ms, durationMs)
  }
}

/**
 * A job model: how long the job runs on after the action's first poll, for a job of duration D.
 * @typedef {{ text: string, remainingMs: (durationMs: number, random: () => number) => number }} JobModel
 */

/** @param {Phase} phase @returns {JobModel} */
export function randomAge(phase = DEFAULT_PHASE) {
  return { text: phase.text, remainingMs: (durationMs, random) => durationMs - random() * phase.maxMs(durationMs) }
}

/** The spread of a job's length around D in table 1b: ±SPREAD × D, uniform. */
export const SPREAD = 0.25

/** @type {JobModel} */
export const BEGINS_AT_FIRST_POLL = {
  text: `the job begins at the action's first poll and runs D × U(${1 - SPREAD}, ${1 + SPREAD}) (its length varies by ±${SPREAD * 100} % from run to run)`,
  remainingMs: (durationMs, random) => durationMs * (1 - SPREAD + 2 * SPREAD * random())
}

/**
 * @param {string} simDir  .bench/sim
 * @returns {Promise<{ pollUntilDone: Function, runBatch: Function, parseDuration: (text: string) => number | undefined, GROWTH_SECONDS: number, JITTER: number }>}
 */
export async function loadSimulation(simDir) {
  const poll = await import(pathToFileURL(join(simDir, 'wait', 'poll.js')).href)
  const schedule = await import(pathToFileURL(join(simDir, 'wait', 'schedule.js')).href)
  const duration = await import(pathToFileURL(join(simDir, 'base', 'duration.js')).href)
  const batch = await import(pathToFileURL(join(simDir, 'job', 'batch.js')).href)
  return {
    pollUntilDone: poll.pollUntilDone,
    runBatch: batch.runBatch,
    parseDuration: duration.parseDuration,
    GROWTH_SECONDS: schedule.GROWTH_SECONDS,
    JITTER: schedule.JITTER
  }
}

/**
 * One wait, on a virtual clock, for a job that finishes `remainingMs` after the action's first poll.
 * @param {Function} pollUntilDone
 * @param {{ pollIntervalMs: number, maxPollIntervalMs: number }} schedule
 * @param {number} remainingMs
 * @param {() => number} random  the schedule's jitter
 * @returns {Promise<{ overshootMs: number, requests: number }>}
 */
export async function simulateOnce(pollUntilDone, schedule, remainingMs, random) {
  let now = 0
  const running = { kind: 'ok', body: { status: 'in_progress', progress: 50 } }
  const done = { kind: 'ok', body: { status: 'completed', instructions: 'Simulated instructions.' } }
  const outcome = await pollUntilDone(
    { progressId: 'simulated', timeoutMs: SIM_TIMEOUT_MS, ...schedule },
    {
      source: { getProgress: async () => (now >= remainingMs ? done : running) },
      now: () => now,
      sleep: async (/** @type {number} */ ms) => {
        now += ms
      },
      random,
      log: () => {}
    }
  )
  if (outcome.status !== 'completed') throw new Error(`simulated wait ended ${outcome.status}: ${outcome.error}`)
  return { overshootMs: outcome.elapsedMs - remainingMs, requests: outcome.polls }
}

/**
 * @typedef {object} Cell
 * @property {string} name
 * @property {boolean} fixed
 * @property {number} durationMs
 * @property {number} meanOvershootS
 * @property {number} p95OvershootS
 * @property {number} meanRequests
 * @property {number} cost
 * @property {number[]} costs  per run, for the ratio's error
 * @property {number} [ratio]
 * @property {number} [ratioError]  one standard error, from the paired runs
 * @property {boolean} [best]       the lowest-cost fixed poller at this duration
 */

/**
 * @param {Function} pollUntilDone
 * @param {{ name: string, pollIntervalMs: number, maxPollIntervalMs: number }} ours
 * @param {number} runs
 * @param {number} seed
 * @param {JobModel} [model]
 * @returns {Promise<Cell[][]>} one list per duration: ours first, then the fixed pollers
 */
export async function pollingTable(pollUntilDone, ours, runs, seed, model = randomAge()) {
  /** @type {Cell[][]} */
  const table = []
  for (const durationMs of DURATIONS_MS) {
    // The same jobs for every schedule (common random numbers), so that the ratios compare like with like.
    const jobRandom = seededRandom(seed ^ durationMs)
    const remaining = Array.from({ length: runs }, () => model.remainingMs(durationMs, jobRandom))
    const schedules = [
      { name: ours.name, fixed: false, schedule: ours, random: seededRandom(seed * 31 + durationMs) },
      // A fixed poller: both intervals equal; the middle value of random() means no jitter, as those
      // clients have none.
      ...FIXED_MS.map(ms => ({
        name: `fixed ${ms / 1000} s`,
        fixed: true,
        schedule: { pollIntervalMs: ms, maxPollIntervalMs: ms },
        random: () => 0.5
      }))
    ]
    /** @type {Cell[]} */
    const row = []
    for (const { name, fixed, schedule, random } of schedules) {
      const overshoots = []
      const requests = []
      for (const remainingMs of remaining) {
        const one = await simulateOnce(pollUntilDone, schedule, remainingMs, random)
        overshoots.push(one.overshootMs / 1000)
        requests.push(one.requests)
      }
      const costs = overshoots.map((o, i) => o + REQUEST_COST_S * /** @type {number} */ (requests[i]))
      row.push({
        name,
        fixed,
        durationMs,
        meanOvershootS: mean(overshoots),
        p95OvershootS: percentile(overshoots, 95),
        meanRequests: mean(requests),
        cost: mean(costs),
        costs
      })
    }
    const fixedCells = row.filter(cell => cell.fixed)
    const best = fixedCells.reduce((a, b) => (b.cost < a.cost ? b : a))
    best.best = true
    for (const cell of row) {
      cell.ratio = cell.cost / best.cost
      cell.ratioError = pairedRatioError(cell.costs, best.costs)
    }
    table.push(row)
  }
  return table
}

/**
 * Standard error of mean(a) / mean(b) for paired samples (delta method): the error of
 * mean(a − r·b) / mean(b). Zero for a against itself.
 * @param {number[]} a @param {number[]} b
 */
function pairedRatioError(a, b) {
  const mb = mean(b)
  const r = mean(a) / mb
  const d = a.map((x, i) => x - r * /** @type {number} */ (b[i]))
  const md = mean(d)
  const variance = d.reduce((sum, x) => sum + (x - md) ** 2, 0) / (d.length - 1)
  return Math.sqrt(variance / d.length) / mb
}

/**
 * Polls and overshoot the simulation predicts for a job that finishes exactly `durationMs` after the
 * first poll (how the fake server's timed jobs behave), over `runs` jitter draws.
 * @param {Function} pollUntilDone
 * @param {{ pollIntervalMs: number, maxPollIntervalMs: number }} schedule
 * @param {number} durationMs @param {number} runs @param {number} seed
 */
export async function predict(pollUntilDone, schedule, durationMs, runs, seed) {
  const random = seededRandom(seed + durationMs)
  const polls = []
  const overshoots = []
  for (let i = 0; i < runs; i++) {
    const one = await simulateOnce(pollUntilDone, schedule, durationMs, random)
    polls.push(one.requests)
    overshoots.push(one.overshootMs / 1000)
  }
  return {
    meanPolls: mean(polls),
    minPolls: Math.min(...polls),
    maxPolls: Math.max(...polls),
    meanOvershootS: mean(overshoots),
    p5OvershootS: percentile(overshoots, 5),
    p95OvershootS: percentile(overshoots, 95)
  }
}
