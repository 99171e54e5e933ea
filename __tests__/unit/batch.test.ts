// runBatch on a virtual clock against a simulated Cekura: the bound on jobs at once, the order of the
// results, one deadline and one cancel for all, and how the batch's ending is summed up.
import type { Job, Report, Status } from '../../src/base/types.js'
import { CekuraFailure } from '../../src/cekura/failure.js'
import { MIN_RETRY_TIME_MS } from '../../src/cekura/retry.js'
import { type BatchPorts, type BatchSpec, batchError, redactBatch, runBatch, summarise } from '../../src/job/batch.js'
import { type SimJob, simulatedCekura } from '../support/sim-cekura.mjs'
import { virtualClock } from '../support/virtual-clock.mjs'
import { outcome } from './fixtures.js'

const JOB: Extract<Job, { mode: 'improve' }> = {
  mode: 'improve',
  extraInstructions: 'Ask for the booking reference first.',
  requestBody: {}
}

function spec(ids: number[], overrides: Partial<BatchSpec> = {}): BatchSpec {
  return {
    scenarioIds: ids,
    job: JOB,
    apply: false,
    concurrency: 3,
    timeoutMs: 600_000,
    pollIntervalMs: 2500,
    maxPollIntervalMs: 25_000,
    ...overrides
  }
}

/** A batch against the simulation, with the ports a test may override; `ended` in the order jobs ended. */
function world(jobOf: (id: number) => SimJob) {
  const clock = virtualClock()
  const sim = simulatedCekura(clock, jobOf)
  const controller = new AbortController()
  const ended: number[] = []
  let atOnce = 0
  let peak = 0
  const api = sim.api
  const ports: BatchPorts = {
    client: {
      ...api,
      getScenario: async (id, deadline) => {
        atOnce++
        peak = Math.max(peak, atOnce)
        return api.getScenario(id, deadline)
      }
    },
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    cancel: controller.signal,
    log: () => {},
    onEnded: report => {
      if (report.outcome.progressId !== '') atOnce--
      ended.push(report.scenarioId ?? 0)
    }
  }
  return {
    clock,
    sim,
    controller,
    ports,
    ended,
    peak: () => peak,
    run: (s: BatchSpec) => clock.run(runBatch(s, ports))
  }
}

const IDS = [11, 12, 13, 14, 15, 16, 17]

describe('runBatch', () => {
  it('runs at most `concurrency` jobs at once, starts the next when one ends, and keeps the order given', async () => {
    // Lengths chosen so that jobs end out of order.
    const lengths: Record<number, number> = { 11: 30_000, 12: 5000, 13: 12_000, 14: 8000, 15: 20_000, 16: 3000, 17: 9000 }
    const w = world(id => ({ ms: lengths[id] ?? 1000 }))
    const batch = await w.run(spec(IDS, { concurrency: 3 }))

    expect(w.peak()).toBe(3)
    expect(w.sim.stats.peakRunning).toBe(3)
    expect(w.sim.stats.startOrder).toEqual(IDS)
    expect(w.ended).not.toEqual(IDS)
    expect(batch.reports.map(report => report.scenarioId)).toEqual(IDS)
    expect(batch.reports.map(report => report.outcome.status)).toEqual(IDS.map(() => 'completed'))
    expect(batch.reports.map(report => report.outcome.instructions)).toEqual(
      IDS.map(id => `New instructions of scenario ${id}.\nBe polite.`)
    )
    // Each job's own time, from its own start, not from the batch's.
    const own = batch.reports.map(report => report.outcome.elapsedMs)
    for (const [index, id] of IDS.entries()) {
      expect(own[index]).toBeGreaterThanOrEqual(lengths[id] ?? 0)
      expect(own[index]).toBeLessThan((lengths[id] ?? 0) + 10_000)
    }
    expect(batch.status).toBe('completed')
    expect(batch.error).toBe('')
    expect(batch.polls).toBe(w.sim.stats.polls)
    expect(batch.applied).toBe(false)
    expect(Object.isFrozen(batch)).toBe(true)
  })

  it.each([1, 2, 5, 10])('never runs more than %d at once, and uses them all', async concurrency => {
    const w = world(id => ({ ms: 2000 + (id % 4) * 1500 }))
    const batch = await w.run(spec(IDS, { concurrency }))
    expect(w.peak()).toBe(Math.min(concurrency, IDS.length))
    expect(batch.reports).toHaveLength(IDS.length)
  })

  it('keeps going when a job fails, and the batch ends failed with every result', async () => {
    const w = world(id => (id === 13 ? { ms: 4000, fail: 'LLM quota exceeded' } : { ms: 6000 }))
    const batch = await w.run(spec(IDS, { apply: true }))

    expect(batch.reports.map(report => [report.scenarioId, report.outcome.status, report.applied])).toEqual(
      IDS.map(id => [id, id === 13 ? 'failed' : 'completed', id !== 13])
    )
    expect([...w.sim.stats.saved.keys()].sort()).toEqual(IDS.filter(id => id !== 13))
    expect(batch.status).toBe('failed')
    expect(batch.applied).toBe(false)
    expect(batch.error).toBe('1 of 7 jobs failed: 13 (Cekura reported the job as failed: LLM quota exceeded)')
  })

  it('one deadline for all: running jobs time out, and jobs never started send no request', async () => {
    const w = world(() => ({ ms: 40_000 }))
    const batch = await w.run(spec(IDS, { concurrency: 2, timeoutMs: 60_000 }))

    // 11 and 12 end at about 40 s, 13 and 14 start then and time out at 60 s; the rest never start.
    expect(batch.reports.map(report => report.outcome.status)).toEqual([
      'completed',
      'completed',
      'timed-out',
      'timed-out',
      'timed-out',
      'timed-out',
      'timed-out'
    ])
    expect(w.sim.stats.reads).toBe(4)
    expect(w.sim.stats.startOrder).toEqual([11, 12, 13, 14])
    // A job started 40 s in had about the last 20 s of the step's minute, and says both.
    for (const report of batch.reports.slice(2, 4)) {
      expect(report.outcome.error).toMatch(
        /^The job did not finish within the batch's timeout of 1m, of which it had the last 1\d(\.\d)?s \(last seen: /
      )
    }
    for (const report of batch.reports.slice(4)) {
      expect(report.outcome.progressId).toBe('')
      expect(report.outcome.polls).toBe(0)
      expect(report.outcome.error).toMatch(/ran out before this job was started/)
    }
    expect(batch.elapsedMs).toBe(60_000)
    expect(batch.status).toBe('timed-out')
    expect(batch.error).toMatch(/^5 of 7 jobs timed out: 13 \(.*\), 14 \(.*\), 15 \(.*\), 16 \(.*\), 17 \(/)
  })

  it('one cancel for all: running jobs and jobs not started end cancelled', async () => {
    const w = world(() => ({ ms: 10_000 }))
    w.clock.at(15_000, () => w.controller.abort())
    const batch = await w.run(spec(IDS, { concurrency: 2 }))

    expect(batch.reports.map(report => report.outcome.status)).toEqual([
      'completed',
      'completed',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled'
    ])
    expect(w.sim.stats.startOrder).toEqual([11, 12, 13, 14])
    expect(batch.reports.slice(4).map(report => report.outcome.error)).toEqual(
      [15, 16, 17].map(() => 'The run was cancelled before this job was started.')
    )
    expect(batch.elapsedMs).toBeLessThan(16_000)
    expect(batch.status).toBe('cancelled')
    expect(batch.error).toMatch(/^5 of 7 jobs were cancelled: 13 \(/)
  })

  it('a bug in one job fails that job only', async () => {
    const w = world(() => ({ ms: 3000 }))
    const getScenario = w.ports.client.getScenario
    w.ports.client = {
      ...w.ports.client,
      getScenario: async (id, deadline) => {
        if (id === 12) throw new TypeError('oops')
        return getScenario(id, deadline)
      }
    }
    const batch = await w.run(spec([11, 12, 13]))
    expect(batch.reports.map(report => report.outcome.status)).toEqual(['completed', 'failed', 'completed'])
    expect(batch.reports[1]?.outcome.error).toBe('Unexpected error in the action: oops')
  })

  it('a scenario Cekura does not know fails that job only, naming it', async () => {
    const w = world(() => ({ ms: 3000 }))
    const getScenario = w.ports.client.getScenario
    w.ports.client = {
      ...w.ports.client,
      getScenario: async (id, deadline) => {
        if (id === 12) throw new CekuraFailure('not-found', 'Could not read scenario 12: Cekura has no such scenario (HTTP 404).', 404)
        return getScenario(id, deadline)
      }
    }
    const batch = await w.run(spec([11, 12, 13]))
    expect(batch.error).toBe('1 of 3 jobs failed: 12 (Could not read scenario 12: Cekura has no such scenario (HTTP 404).)')
  })

  it('a list shorter than the concurrency runs every job at once', async () => {
    const w = world(() => ({ ms: 3000 }))
    const batch = await w.run(spec([11, 12], { concurrency: 10 }))
    expect(w.peak()).toBe(2)
    expect(batch.status).toBe('completed')
  })
})

function report(scenarioId: number, status: Status, error = '', extra: Partial<Report> = {}): Report {
  return { mode: 'improve', scenarioId, outcome: outcome({ status, error, polls: 2 }), ...extra }
}

describe('summarise', () => {
  const sum = (reports: Report[], apply = false) => summarise(reports, { apply, concurrency: 3, job: JOB }, 1234)

  it.each<[Status[], Status]>([
    [['completed', 'completed'], 'completed'],
    [['completed', 'timed-out'], 'timed-out'],
    [['timed-out', 'failed', 'completed'], 'failed'],
    [['failed', 'cancelled', 'timed-out'], 'cancelled'],
    [['cancelled', 'completed'], 'cancelled']
  ])('%j ends %s: the most serious ending, cancelled before failed before timed out', (statuses, expected) => {
    expect(sum(statuses.map((status, index) => report(index + 1, status, status === 'completed' ? '' : 'why'))).status).toBe(expected)
  })

  it('adds up the polls, and applied only when every job was saved', () => {
    const all = sum([report(1, 'completed', '', { applied: true }), report(2, 'completed', '', { applied: true })], true)
    expect(all.polls).toBe(4)
    expect(all.applied).toBe(true)
    expect(all.error).toBe('')
    const one = sum(
      [report(1, 'completed', '', { applied: true }), report(2, 'completed', 'not saved: HTTP 500', { applied: false })],
      true
    )
    expect(one.applied).toBe(false)
    expect(one.status).toBe('completed')
    expect(one.error).toBe('1 of 2 jobs completed but was not saved: 2 (not saved: HTTP 500)')
  })
})

describe('batchError', () => {
  it('names each job that did not complete, grouped by ending, each error on one short line', () => {
    const long = `line one\nline two ${'x'.repeat(300)}`
    const error = batchError(
      [
        report(101, 'failed', 'LLM quota exceeded'),
        report(102, 'completed'),
        report(117, 'failed', long),
        report(130, 'timed-out', 'too slow')
      ],
      false
    )
    expect(error).toMatch(/^2 of 4 jobs failed: 101 \(LLM quota exceeded\), 117 \(line one line two x+…\); 1 timed out: 130 \(too slow\)$/)
    expect(error).not.toContain('\n')
    expect(error.length).toBeLessThan(300)
  })

  it('names at most ten jobs per ending', () => {
    const reports = Array.from({ length: 25 }, (_, index) => report(index + 1, 'failed', 'boom'))
    const error = batchError(reports, false)
    expect(error).toMatch(/^25 of 25 jobs failed: 1 \(boom\), .*, 10 \(boom\) and 15 more$/)
  })

  it('is empty when every job completed', () => {
    expect(batchError([report(1, 'completed')], false)).toBe('')
  })
})

describe('redactBatch', () => {
  it('redacts every text of every job and of the batch', () => {
    const secret = 'sk-secret'
    const batch = summarise(
      [report(1, 'failed', `key ${secret} refused`, { extraInstructions: secret })],
      { apply: false, concurrency: 1, job: { ...JOB, extraInstructions: `say ${secret}` } },
      1
    )
    const redacted = redactBatch(batch, text => text.split(secret).join('***'))
    expect(JSON.stringify(redacted)).not.toContain(secret)
    expect(redacted.error).toBe('1 of 1 job failed: 1 (key *** refused)')
  })
})

// The edges mutation testing found unpinned: what a job never started reports, the last moment a job
// may start, what one job's log lines and start look like from outside, and which jobs pace the others.
describe('runBatch, job by job', () => {
  it('a job never started reports nothing but why: no time, no polls, no text, and applied false only under apply', async () => {
    const w = world(() => ({ ms: 3000 }))
    w.controller.abort()
    const job = { ...JOB, agentId: 77 }
    const applied = await w.run(spec([11], { apply: true, job }))
    expect(applied.reports[0]).toStrictEqual({
      mode: 'improve',
      outcome: {
        status: 'cancelled',
        progressId: '',
        instructions: '',
        expectedOutcome: '',
        error: 'The run was cancelled before this job was started.',
        lastResponse: null,
        polls: 0,
        elapsedMs: 0
      },
      scenarioId: 11,
      extraInstructions: JOB.extraInstructions,
      agentId: 77,
      applied: false
    })
    const plain = await w.run(spec([11]))
    expect(Object.keys(plain.reports[0] ?? {}).sort()).toEqual(['extraInstructions', 'mode', 'outcome', 'scenarioId'])
  })

  it('starts a job with more than MIN_RETRY_TIME_MS left, and not one with exactly that', async () => {
    const w = world(() => ({ ms: 500 }))
    const timeoutMs = 600_000
    const exactly = await w.run(spec([11], { timeoutMs, startedAt: w.clock.now() - (timeoutMs - MIN_RETRY_TIME_MS) }))
    expect(exactly.reports[0]?.outcome.status).toBe('timed-out')
    expect(exactly.reports[0]?.outcome.error).toBe(
      'The timeout (10m) ran out before this job was started: the jobs before it took the time. ' +
        'Raise the timeout input, or the concurrency input to run more jobs at once.'
    )
    expect(exactly.reports[0]?.outcome.elapsedMs).toBe(0)
    expect(w.sim.stats.requests).toBe(0)
    const more = await w.run(spec([11], { timeoutMs, startedAt: w.clock.now() - (timeoutMs - MIN_RETRY_TIME_MS) + 1 }))
    expect(more.reports[0]?.outcome.progressId).not.toBe('')
    expect(w.sim.stats.starts).toBe(1)
  })

  it("counts the batch's time from the given start, not from when runBatch was called", async () => {
    const w = world(() => ({ ms: 3000 }))
    await w.clock.run(w.clock.sleep(10_000))
    const batch = await w.run(spec([11], { startedAt: w.clock.now() - 4000 }))
    // The job's own clock starts when it does; the batch's 4 s earlier.
    expect(batch.elapsedMs).toBe((batch.reports[0]?.outcome.elapsedMs ?? Number.NaN) + 4000)
  })

  it("prefixes each of a job's log lines with its scenario, and tells onStarted which scenario started which job", async () => {
    const w = world(() => ({ ms: 3000 }))
    const lines: string[] = []
    const started: Array<[number, string]> = []
    w.ports.log = line => lines.push(line)
    w.ports.onStarted = (scenarioId, progressId) => started.push([scenarioId, progressId])
    const batch = await w.run(spec([11, 12]))
    expect(lines.length).toBeGreaterThan(4)
    for (const line of lines) expect(line).toMatch(/^Scenario 1[12]: \S/)
    expect(started).toEqual(batch.reports.map(report => [report.scenarioId, report.outcome.progressId]))
  })

  it('a bug in one job is logged under its scenario, and its report keeps the time the job took to fail', async () => {
    const w = world(() => ({ ms: 3000 }))
    // The job starts 5 s into the clock, so its time is told from its own start.
    await w.clock.run(w.clock.sleep(5000))
    const lines: string[] = []
    w.ports.log = line => lines.push(line)
    w.ports.client = {
      ...w.ports.client,
      getScenario: async () => {
        await w.clock.sleep(1500)
        throw new TypeError('oops')
      }
    }
    const batch = await w.run(spec([12]))
    expect(lines).toContain('Scenario 12: Unexpected error in the action: oops')
    expect(batch.reports[0]?.outcome).toMatchObject({ status: 'failed', elapsedMs: 1500, polls: 0 })
  })

  it('a completed job paces the polls of the jobs after it; a failed one does not', async () => {
    const alone = await world(() => ({ ms: 20_000 })).run(spec([12], { concurrency: 1 }))
    const lone = alone.reports[0]?.outcome
    expect([lone?.polls, lone?.elapsedMs]).toEqual([6, 24_924])

    // The job before ended about 20 s in: the next one waits that long, then polls often, and is seen
    // done within a poll interval of its end, in two polls.
    const afterCompleted = await world(() => ({ ms: 20_000 })).run(spec([11, 12], { concurrency: 1 }))
    const paced = afterCompleted.reports[1]?.outcome
    expect([paced?.polls, paced?.elapsedMs]).toEqual([2, 20_182])

    const afterFailed = await world(id => (id === 11 ? { ms: 4000, fail: 'x' } : { ms: 20_000 })).run(spec([11, 12], { concurrency: 1 }))
    const unpaced = afterFailed.reports[1]?.outcome
    expect([unpaced?.polls, unpaced?.elapsedMs]).toEqual([6, 24_924])
  })
})

describe('summarise and batchError, at their edges', () => {
  const sum = (reports: Report[], apply: boolean) => summarise(reports, { apply, concurrency: 3, job: JOB }, 1234)

  it('applied is false without apply even when every job says saved, and false for no jobs at all', () => {
    expect(sum([report(1, 'completed', '', { applied: true })], false).applied).toBe(false)
    expect(sum([], true).applied).toBe(false)
    expect(sum([report(1, 'completed', '', { applied: true })], true).applied).toBe(true)
  })

  it('says "was" for one cancelled job and "were" for more', () => {
    expect(batchError([report(1, 'cancelled', 'stop'), report(2, 'completed')], false)).toBe('1 of 2 jobs was cancelled: 1 (stop)')
    expect(batchError([report(1, 'cancelled', 'stop'), report(2, 'cancelled', 'stop')], false)).toBe(
      '2 of 2 jobs were cancelled: 1 (stop), 2 (stop)'
    )
  })

  it('counts a completed job as not saved when it has an error, or when apply did not save it', () => {
    expect(batchError([report(1, 'completed', '', { applied: false })], true)).toBe(
      '1 of 1 job completed but was not saved: 1 (no error message)'
    )
    expect(batchError([report(1, 'completed', '', { applied: false })], false)).toBe('')
    expect(batchError([report(1, 'completed', '', { applied: true })], true)).toBe('')
    expect(batchError([report(1, 'completed', 'HTTP 500'), report(2, 'completed', 'HTTP 502')], false)).toBe(
      '2 of 2 jobs completed but were not saved: 1 (HTTP 500), 2 (HTTP 502)'
    )
  })

  it('names a job without a scenario id as ?, trims its error, and cuts it after 120 characters', () => {
    const unnamed: Report = { mode: 'improve', outcome: outcome({ status: 'failed', error: '  boom  ' }) }
    expect(batchError([unnamed], false)).toBe('1 of 1 job failed: ? (boom)')
    const exact = 'e'.repeat(120)
    expect(batchError([report(1, 'failed', exact)], false)).toBe(`1 of 1 job failed: 1 (${exact})`)
    expect(batchError([report(1, 'failed', `${exact}f`)], false)).toBe(`1 of 1 job failed: 1 (${'e'.repeat(119)}…)`)
  })

  it('names exactly ten jobs of an ending without saying "and 0 more"', () => {
    const reports = Array.from({ length: 10 }, (_, index) => report(index + 1, 'timed-out', 'slow'))
    expect(batchError(reports, false)).toMatch(/^10 of 10 jobs timed out: 1 \(slow\), .*, 10 \(slow\)$/)
  })
})
