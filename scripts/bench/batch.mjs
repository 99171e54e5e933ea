// Table 4: batches. Runs the action's own batch runner (runBatch from src/job/batch.ts, which runs the
// real runJob and poll loop per scenario, compiled into .bench/sim) against a simulated Cekura on a
// virtual clock (__tests__/support: virtual-clock.mjs, sim-cekura.mjs): every worker sleeps on the same
// clock, requests take no time, nothing really waits.
//
// A batch of JOBS scenarios whose jobs take about JOB_MS each (uniformly ±SPREAD), in a random order,
// with a concurrency of 1, 3, 5 and 10. Wall time is from the batch's start to its end (every job
// noticed as ended); the ideal is ceil(jobs ÷ concurrency) × JOB_MS, as if every job took exactly
// JOB_MS and were noticed the moment it ended. The bound is what the same jobs would take with a
// perfect pool that notices every end at once (list scheduling in the given order): what is left
// between the bound and the wall time is the action's own cost (polling), the rest is the jobs'
// spread.

import { simulatedCekura } from '../../__tests__/support/sim-cekura.mjs'
import { virtualClock } from '../../__tests__/support/virtual-clock.mjs'
import { mean, percentile, seededRandom } from './util.mjs'

export const JOBS = 20
export const JOB_MS = 10_000
export const SPREAD = 0.25
export const CONCURRENCIES = [1, 3, 5, 10]
export const BATCH_TARGET = 1.25

/**
 * The makespan of jobs of these lengths, taken in order by `concurrency` workers, each starting the
 * next job the moment it is free.
 * @param {number[]} lengths @param {number} concurrency
 */
export function listSchedule(lengths, concurrency) {
  const free = new Array(Math.min(concurrency, lengths.length)).fill(0)
  for (const length of lengths) {
    let k = 0
    for (let i = 1; i < free.length; i++) if (free[i] < free[k]) k = i
    free[k] += length
  }
  return Math.max(...free)
}

/**
 * One batch on the virtual clock.
 * @param {Function} runBatch
 * @param {{ pollIntervalMs: number, maxPollIntervalMs: number }} schedule
 * @param {number[]} lengths   job lengths, by position in the list
 * @param {number} concurrency
 * @param {() => number} random  the poll schedule's jitter
 */
export async function simulateBatch(runBatch, schedule, lengths, concurrency, random) {
  const clock = virtualClock()
  const ids = lengths.map((_, index) => 1001 + index)
  const sim = simulatedCekura(clock, id => ({ ms: /** @type {number} */ (lengths[id - 1001]) }))
  const batch = await clock.run(
    runBatch(
      {
        scenarioIds: ids,
        job: { mode: 'improve', extraInstructions: 'Ask for the booking reference first.', requestBody: {} },
        apply: false,
        concurrency,
        timeoutMs: 6 * 3_600_000,
        ...schedule
      },
      { client: sim.api, now: clock.now, sleep: clock.sleep, random, cancel: new AbortController().signal, log: () => {} }
    )
  )
  if (batch.status !== 'completed') throw new Error(`simulated batch ended ${batch.status}: ${batch.error}`)
  return { wallMs: batch.elapsedMs, requests: sim.stats.requests, polls: batch.polls, peak: sim.stats.peakRunning }
}

/**
 * @typedef {object} BatchRow
 * @property {number} concurrency
 * @property {number} idealS
 * @property {number} boundS        mean of the perfect pool's makespan for the same jobs
 * @property {number} wallS         mean wall time
 * @property {number} p95WallS
 * @property {number} ratio         mean wall ÷ ideal
 * @property {number} p95Ratio
 * @property {number} overBound     mean wall ÷ mean bound
 * @property {number} requests      mean requests per batch
 * @property {number} polls         mean progress requests per batch
 * @property {number} peak          the most jobs running at once in any run
 */

/**
 * @param {Function} runBatch
 * @param {{ pollIntervalMs: number, maxPollIntervalMs: number }} schedule
 * @param {number} runs  batches per concurrency (each with its own job lengths)
 * @param {number} seed
 * @returns {Promise<BatchRow[]>}
 */
export async function batchTable(runBatch, schedule, runs, seed) {
  // The same batches (lengths and jitter) at every concurrency, so the rows compare like with like.
  const batches = Array.from({ length: runs }, (_, run) => {
    const draw = seededRandom(seed + 7919 * (run + 1))
    return Array.from({ length: JOBS }, () => Math.round(JOB_MS * (1 - SPREAD + 2 * SPREAD * draw())))
  })
  /** @type {BatchRow[]} */
  const rows = []
  for (const concurrency of CONCURRENCIES) {
    const idealMs = Math.ceil(JOBS / concurrency) * JOB_MS
    const walls = []
    const bounds = []
    const requests = []
    const polls = []
    let peak = 0
    for (const [run, lengths] of batches.entries()) {
      const one = await simulateBatch(runBatch, schedule, lengths, concurrency, seededRandom(seed * 31 + run))
      walls.push(one.wallMs / 1000)
      bounds.push(listSchedule(lengths, concurrency) / 1000)
      requests.push(one.requests)
      polls.push(one.polls)
      peak = Math.max(peak, one.peak)
    }
    rows.push({
      concurrency,
      idealS: idealMs / 1000,
      boundS: mean(bounds),
      wallS: mean(walls),
      p95WallS: percentile(walls, 95),
      ratio: mean(walls) / (idealMs / 1000),
      p95Ratio: percentile(walls, 95) / (idealMs / 1000),
      overBound: mean(walls) / mean(bounds),
      requests: mean(requests),
      polls: mean(polls),
      peak
    })
  }
  return rows
}
