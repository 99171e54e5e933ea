// How a batch paces the polls of its running jobs by the jobs that have ended (pacedWait).
import { pacedWait, WINDOW_LAG, WINDOW_LEAD } from '../../src/wait/pace.js'
import { JITTER } from '../../src/wait/schedule.js'
import { type SimJob, simulatedCekura } from '../support/sim-cekura.mjs'
import { virtualClock } from '../support/virtual-clock.mjs'
import { runBatch } from '../../src/job/batch.js'

const SCHEDULE = { pollIntervalMs: 2500, maxPollIntervalMs: 25_000 }
const ENDS = [
  { lowerMs: 8000, upperMs: 10_000 },
  { lowerMs: 11_000, upperMs: 12_000 }
]

describe('pacedWait', () => {
  it('keeps the schedule while no job of the batch has ended', () => {
    expect(pacedWait(3000, 4321, [], SCHEDULE)).toBe(4321)
  })

  it('at the very moment the window opens, polls on the shortest interval, not on a wait of nothing', () => {
    const opens = WINDOW_LEAD * 8000
    expect(pacedWait(opens, 20_000, ENDS, SCHEDULE)).toBe(SCHEDULE.pollIntervalMs)
    expect(pacedWait(opens - 1, 20_000, ENDS, SCHEDULE)).toBe(Math.round(SCHEDULE.pollIntervalMs * (1 - JITTER)))
  })

  it('before the window the ends foretell, waits once until it opens', () => {
    const opens = WINDOW_LEAD * 8000
    expect(pacedWait(0, 2500, ENDS, SCHEDULE)).toBe(opens)
    expect(pacedWait(4000, 3000, ENDS, SCHEDULE)).toBe(opens - 4000)
  })

  it('never waits past the longest wait the inputs allow, nor less than the shortest', () => {
    expect(pacedWait(0, 2500, [{ lowerMs: 300_000, upperMs: 310_000 }], SCHEDULE)).toBe(25_000)
    expect(pacedWait(WINDOW_LEAD * 8000 - 10, 2500, ENDS, SCHEDULE)).toBe(2500 * (1 - JITTER))
  })

  it('inside the window, polls every poll-interval (or sooner, when the schedule says so)', () => {
    expect(pacedWait(9000, 4600, ENDS, SCHEDULE)).toBe(2500)
    expect(pacedWait(9000, 2300, ENDS, SCHEDULE)).toBe(2300)
    expect(pacedWait(WINDOW_LAG * 12_000, 5000, ENDS, SCHEDULE)).toBe(2500)
  })

  it('past the window, the job is an outlier: back to the schedule', () => {
    expect(pacedWait(WINDOW_LAG * 12_000 + 1, 5000, ENDS, SCHEDULE)).toBe(5000)
  })
})

describe('a batch paced by its own jobs', () => {
  it('sees each job after the first within one poll-interval of its end, with no more polls than the schedule', async () => {
    const run = async () => {
      const clock = virtualClock()
      const sim = simulatedCekura(clock, (): SimJob => ({ ms: 10_000 }))
      const batch = await clock.run(
        runBatch(
          {
            scenarioIds: [1, 2, 3, 4, 5, 6],
            job: { mode: 'improve', extraInstructions: 'x', requestBody: {} },
            apply: false,
            concurrency: 1,
            timeoutMs: 3_600_000,
            ...SCHEDULE
          },
          { client: sim.api, now: clock.now, sleep: clock.sleep, random: () => 0.5, cancel: new AbortController().signal, log: () => {} }
        )
      )
      return { batch, overshoots: batch.reports.map(report => report.outcome.elapsedMs - 10_000) }
    }
    const { batch, overshoots } = await run()
    // The first job has nothing to go by; each later one is seen within one poll-interval of its end.
    for (const overshoot of overshoots.slice(1)) expect(overshoot).toBeLessThanOrEqual(2500)
    // The plain schedule (poll-interval + √(1.1 s × age)) polls a 10 s job 4 times (at 0, 2.5, 6.7 and
    // 11.9 s), and so the first; the later ones are polled when the window opens and every poll-interval
    // after: no more polls in all.
    expect(overshoots[0]).toBeCloseTo(1864, -1)
    expect(batch.polls).toBeLessThanOrEqual(6 * 4)
  })
})
