import { FAULT_BUDGET_MS } from '../../src/cekura/fault-budget.js'
import type { Outcome } from '../../src/base/types.js'
import { REQUEST_TIMEOUT_MS, type Verdict } from '../../src/cekura/answers.js'
import { pollUntilDone, preview, type PollDeps, type PollSettings } from '../../src/wait/poll.js'
import { redactor } from '../../src/base/redact.js'
import {
  completed,
  fakeClock,
  fakeSleep,
  NOT_FOUND,
  RUNNING,
  running,
  scriptedProgress,
  START,
  transient,
  type RequestRecord,
  type SleepRecord,
  type Step
} from './scripted-world.js'

// ---------------------------------------------------------------------------------------------
// A scripted world (./scripted-world.ts): a fake monotonic clock, a sleep that only moves that
// clock, and a progress source that answers from a script. Nothing really waits and nothing
// touches the network.
// ---------------------------------------------------------------------------------------------

interface World {
  settings: PollSettings
  deps: PollDeps
  controller: AbortController
  requests: RequestRecord[]
  sleeps: SleepRecord[]
  logs: string[]
  readonly clock: number
  /** Moves the fake clock, as time passing outside a sleep or request would. */
  advance: (ms: number) => void
  start: number
  deadline: number
}

function world(
  script: Step[],
  options: {
    settings?: Partial<PollSettings>
    random?: () => number
    /** Called at each sleep before the clock moves; return true to stop the sleep early (as an abort does). */
    onSleep?: (w: World, ms: number) => boolean | void
    /** What the source answers once the script is used up; by default the job stays running. */
    afterScript?: Step
  } = {}
): World {
  const clock = fakeClock(START)
  const controller = new AbortController()
  const settings: PollSettings = {
    progressId: 'prog-123',
    timeoutMs: 600_000,
    pollIntervalMs: 2000,
    maxPollIntervalMs: 30_000,
    ...options.settings
  }
  const start = settings.startedAt ?? START
  const w: World = {
    settings,
    controller,
    requests: [],
    sleeps: [],
    logs: [],
    get clock() {
      return clock.now()
    },
    advance: clock.advance,
    start,
    deadline: start + settings.timeoutMs,
    deps: undefined as unknown as PollDeps
  }
  const deadline = (): number => w.deadline

  w.deps = {
    source: scriptedProgress(script, {
      clock,
      deadline,
      controller,
      requests: w.requests,
      ...(options.afterScript ? { afterScript: options.afterScript } : {})
    }),
    now: clock.now,
    sleep: fakeSleep({ clock, deadline, sleeps: w.sleeps, onSleep: ms => options.onSleep?.(w, ms) }),
    random: options.random ?? (() => 0.5),
    log: line => w.logs.push(line),
    cancel: controller.signal
  }
  return w
}

async function run(w: World): Promise<Outcome> {
  return pollUntilDone(w.settings, w.deps)
}

/** The invariants of every run: nothing waits past the deadline, no request outlives 30 s or the deadline. */
function expectDeadlineRespected(w: World): void {
  for (const sleep of w.sleeps) {
    expect(sleep.ms).toBeGreaterThanOrEqual(0)
    expect(sleep.ms).toBeLessThanOrEqual(sleep.left)
  }
  for (const request of w.requests) {
    expect(request.left).toBeGreaterThan(0)
    expect(request.timeoutMs).toBeGreaterThan(0)
    expect(request.timeoutMs).toBe(Math.min(REQUEST_TIMEOUT_MS, request.left))
  }
}

// ---------------------------------------------------------------------------------------------

describe('pollUntilDone: the job finishes', () => {
  it('completes after N polls, the first one immediate, with the text and expected outcome', async () => {
    const w = world([RUNNING, RUNNING, RUNNING, completed({ instructions: 'Be rude.', expected_outcome_prompt: 'Agent stays calm.' })])
    const outcome = await run(w)
    expect(outcome).toEqual({
      status: 'completed',
      progressId: 'prog-123',
      instructions: 'Be rude.',
      expectedOutcome: 'Agent stays calm.',
      error: '',
      lastResponse: { status: 'completed', instructions: 'Be rude.', expected_outcome_prompt: 'Agent stays calm.' },
      polls: 4,
      // waits of 2 s + sqrt(1.1 × age in s): 2 s, 3.483 s, 4.456 s (no jitter at random 0.5)
      elapsedMs: 9939
    })
    expect(w.requests[0]?.at).toBe(START)
    expect(w.sleeps.map(s => s.ms)).toEqual([2000, 3483, 4456])
    expect(w.requests.map(r => r.progressId)).toEqual(['prog-123', 'prog-123', 'prog-123', 'prog-123'])
    expectDeadlineRespected(w)
  })

  it('completes on the first poll without sleeping', async () => {
    const w = world([completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(1)
    expect(outcome.elapsedMs).toBe(0)
    expect(w.sleeps).toHaveLength(0)
  })

  it('reads nested results and tolerant status words', async () => {
    const w = world([running({ status: 'QUEUED' }), completed({ status: 'Succeeded', result: { instructions: 'nested text' } })])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.instructions).toBe('nested text')
    expect(outcome.expectedOutcome).toBe('')
  })

  it('counts the time a request takes in the elapsed time', async () => {
    const w = world([
      { answer: RUNNING, takesMs: 700 },
      { answer: completed(), takesMs: 1300 }
    ])
    const outcome = await run(w)
    // 700 ms request, the first wait (2 s: the schedule's age is counted from the first poll's sending
    // to this one's, 0 here), then 1300 ms
    expect(outcome.elapsedMs).toBe(700 + 2000 + 1300)
  })

  it('grows the waits with the time since the first poll was sent, not with the time before it', async () => {
    // The timeout began 5 s before the first poll (reading a scenario, starting the job): the first wait
    // is still poll-interval, and the second follows 2 s of age (2 + sqrt(1.1 × 2) = 3.483 s).
    const w = world([RUNNING, RUNNING, completed()], { settings: { startedAt: START - 5000 } })
    await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([2000, 3483])
  })

  it('logs one readable line per poll: elapsed, status, stage and percentage, next poll', async () => {
    const w = world([running({ stage: 'drafting', progress: 40 }), running({ status: 'processing' }), completed()])
    await run(w)
    expect(w.logs).toHaveLength(3)
    expect(w.logs[0]).toMatch(/^\[0ms\] processing, drafting, 40%; next poll in 2s$/)
    expect(w.logs[1]).toMatch(/^\[2s\] processing; next poll in 3.5s$/)
    expect(w.logs[2]).toMatch(/^\[5.5s\] completed.*instructions received/)
  })

  it('passes the cancel signal to every request, so a cancel also stops a request in flight', async () => {
    const w = world([RUNNING, completed()])
    await run(w)
    for (const request of w.requests) expect(request.signal).toBe(w.controller.signal)
  })
})

describe('pollUntilDone: the job ends badly', () => {
  it('fails when Cekura reports the job failed, with its error', async () => {
    const w = world([RUNNING, RUNNING, { kind: 'ok', body: { status: 'failed', error: 'The LLM refused the request.' } }])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.polls).toBe(3)
    expect(outcome.instructions).toBe('')
    expect(outcome.error).toContain('The LLM refused the request.')
    expect(outcome.error).toContain('failed')
    expect(outcome.lastResponse).toEqual({ status: 'failed', error: 'The LLM refused the request.' })
    expect(outcome.elapsedMs).toBe(2000 + 3483)
  })

  it('shows the response when a failed job gives no reason', async () => {
    const w = world([{ kind: 'ok', body: { status: 'error', job: 'j-77' } }])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toContain('j-77')
  })

  it('ends as cancelled when Cekura reports the job cancelled', async () => {
    const w = world([RUNNING, { kind: 'ok', body: { status: 'canceled', detail: 'Cancelled by a user.' } }])
    const outcome = await run(w)
    expect(outcome.status).toBe('cancelled')
    expect(outcome.polls).toBe(2)
    expect(outcome.error).toContain('Cancelled by a user.')
    expect(outcome.instructions).toBe('')
  })

  it('fails when a finished job sent no text, showing the response', async () => {
    const w = world([RUNNING, completed({ note: 'nothing here', result: { other: 1 } })])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.polls).toBe(2)
    expect(outcome.instructions).toBe('')
    expect(outcome.error).toMatch(/no instructions/)
    expect(outcome.error).toContain('nothing here')
    expect(outcome.lastResponse).toEqual({ status: 'completed', note: 'nothing here', result: { other: 1 } })
  })

  it('cuts a huge error from the job to a readable length', async () => {
    const w = world([{ kind: 'ok', body: { status: 'failed', error: 'E'.repeat(100_000) } }])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.error.length).toBeLessThan(2100)
    expect(outcome.error.startsWith('Cekura reported the job as failed: EEE')).toBe(true)
  })

  it('redacts the error with deps.redact, the key echoed whole or cut', async () => {
    const key = 'ck_live_0a1b2c3d4e5f6a7b8c9d'
    const w = world([{ kind: 'ok', body: { status: 'failed', error: `invalid key ${key} sent` } }])
    const outcome = await pollUntilDone(w.settings, { ...w.deps, redact: redactor(key) })
    expect(outcome.error).toContain('invalid key *** sent')
    expect(outcome.error).not.toContain(key)
  })

  it('cuts a large response shown in the error', async () => {
    const w = world([completed({ junk: 'x'.repeat(100_000) })])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.error.length).toBeLessThan(1000)
    expect(outcome.error).toMatch(/100\d{3} characters/)
  })

  // Regression (found by this test): "A finished job with no text is an error ... never a silent
  // empty output" (API notes); an empty instructions field once ended as completed with empty output.
  it('fails when a finished job sent an empty text', async () => {
    const w = world([completed({ instructions: '' })])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.error).not.toBe('')
  })
})

describe('pollUntilDone: the deadline', () => {
  it('times out a job that never finishes at exactly the deadline, with the right poll count', async () => {
    const w = world([], { settings: { timeoutMs: 30_000 } })
    const outcome = await run(w)
    expect(outcome.status).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(30_000)
    // Polls at 0, 2, 5.483, 9.939, 15.245, 21.34 and 28.185 s: each wait is 2 s + sqrt(1.1 × age in s).
    expect(w.requests.map(r => r.at - START)).toEqual([0, 2000, 5483, 9939, 15_245, 21_340, 28_185])
    expect(outcome.polls).toBe(7)
    // The last wait would be 7.568 s, but only 1.815 s were left.
    expect(w.sleeps.at(-1)).toEqual({ at: START + 28_185, ms: 1815, left: 1815 })
    expect(w.clock).toBe(w.deadline)
    expect(outcome.error).toContain('30s')
    expect(outcome.error).toMatch(/timeout/)
    expect(outcome.error).toContain('7 polls')
    expect(outcome.lastResponse).toEqual({ status: 'processing' })
    expect(outcome.instructions).toBe('')
    expectDeadlineRespected(w)
  })

  it.each([
    [1000, 0],
    [10_000, 0.999999],
    [59_000, 0],
    [120_000, 0.3],
    [601_000, 0.999999],
    [3_600_000, 0.5]
  ])('never sleeps or waits on a request past a %d ms deadline (random %d)', async (timeoutMs, r) => {
    const w = world([], { settings: { timeoutMs }, random: () => r })
    const outcome = await run(w)
    expect(outcome.status).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(timeoutMs)
    expect(outcome.polls).toBe(w.requests.length)
    expectDeadlineRespected(w)
  })

  it('ends at the deadline while a request hangs, having given it only the time left', async () => {
    const w = world([{ hang: true }], { settings: { timeoutMs: 10_000 } })
    const outcome = await run(w)
    expect(w.requests).toHaveLength(1)
    expect(w.requests[0]?.timeoutMs).toBe(10_000)
    expect(outcome.status).toBe('timed-out')
    expect(outcome.polls).toBe(1)
    expect(outcome.elapsedMs).toBe(10_000)
    expect(w.sleeps).toHaveLength(0)
  })

  it('gives each request min(30 s, time left)', async () => {
    const w = world([RUNNING, { hang: true }, { hang: true }], { settings: { timeoutMs: 45_000 } })
    const outcome = await run(w)
    // t=0 ok (30 s of 45); t=2 s hangs for 30 s; backoff 0.5 s; t=32.5 s hangs for the 12.5 s left
    expect(w.requests.map(r => [r.at - START, r.timeoutMs])).toEqual([
      [0, 30_000],
      [2000, 30_000],
      [32_500, 12_500]
    ])
    expect(outcome.status).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(45_000)
    expectDeadlineRespected(w)
  })

  it('gives a short timeout its whole length for the first request', async () => {
    const w = world([completed()], { settings: { timeoutMs: 20_000 } })
    await run(w)
    expect(w.requests[0]?.timeoutMs).toBe(20_000)
    const long = world([completed()], { settings: { timeoutMs: 600_000 } })
    await run(long)
    expect(long.requests[0]?.timeoutMs).toBe(30_000)
  })

  it('counts the deadline from startedAt when the timeout began before the first poll', async () => {
    const w = world([], { settings: { timeoutMs: 10_000, startedAt: START - 8000 } })
    const outcome = await run(w)
    expect(w.requests[0]?.timeoutMs).toBe(2000)
    expect(outcome.status).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(10_000)
    expectDeadlineRespected(w)
  })
})

describe('pollUntilDone: transient faults', () => {
  it('rides out faults for 2 minutes, then fails saying for how long, how many tries and what kept failing', async () => {
    expect(FAULT_BUDGET_MS).toBe(120_000)
    const w = world([], { random: () => 1, afterScript: transient('HTTP 502') })
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    // exponential backoff with full jitter (here at its top), capped by max-poll-interval; the last
    // wait is cut so that the last try falls at the end of the 2 minutes
    expect(w.sleeps.map(s => s.ms)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 29_000])
    expect(w.requests.map(r => r.at - START)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000, 61_000, 91_000, 120_000])
    expect(outcome.polls).toBe(9)
    expect(outcome.elapsedMs).toBe(120_000)
    expect(outcome.error).toContain('HTTP 502')
    expect(outcome.error).toContain('for 2m (9 tries in a row)')
    expect(outcome.error).toContain('prog-123')
    expect(outcome.lastResponse).toBeNull()
    expectDeadlineRespected(w)
  })

  it('rides out 90 s of faults (a Cekura deploy) and completes', async () => {
    // at random 0.5 the waits are half the ceilings: tries at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 30.5, 45.5, 60.5, 75.5 and 90.5 s
    const w = world([...Array.from({ length: 10 }, () => transient('HTTP 503')), completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(11)
    expect(outcome.elapsedMs).toBe(90_500)
    expect(w.logs[9]).toMatch(/^\[1m 16s\] HTTP 503 \(failing for 1m 16s \(10 tries in a row\)\); retry in 15s$/)
  })

  it('never rides out faults past the deadline: timed out, saying for how long and how many tries', async () => {
    const w = world([], { settings: { timeoutMs: 20_000 }, afterScript: transient('HTTP 503') })
    const outcome = await run(w)
    expect(outcome.status).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(20_000)
    expect(outcome.polls).toBe(6)
    expect(outcome.error).toContain('kept failing for 20s (6 tries in a row); the last: HTTP 503')
    expectDeadlineRespected(w)
  })

  it('counts the budget from the first failed try: an answer in between starts it afresh', async () => {
    // Four slow faults (25 s each, waits of 0.5, 1, 2 and 4 s between) take 107.5 s: less than 2 minutes.
    const slowFaults = Array.from({ length: 4 }, (): Step => ({ answer: transient(), takesMs: 25_000 }))
    const w = world([...slowFaults, RUNNING, ...slowFaults, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(10)
    expect(outcome.elapsedMs).toBeGreaterThan(FAULT_BUDGET_MS)
  })

  it('obeys a Retry-After that reaches past the budget, then gives up when that try fails too', async () => {
    // Four slow faults end at 103.5 s; the 429 at 107.5 s asks for 30 s, past the 2 minutes.
    const slowFaults = Array.from({ length: 4 }, (): Step => ({ answer: transient('HTTP 503'), takesMs: 25_000 }))
    const w = world([...slowFaults, transient('HTTP 429', 30_000), transient('HTTP 503'), completed()])
    const outcome = await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([500, 1000, 2000, 4000, 30_000])
    expect(outcome.status).toBe('failed')
    expect(outcome.polls).toBe(6)
    expect(outcome.elapsedMs).toBe(137_500)
    expect(outcome.error).toContain('for 2m 18s (6 tries in a row)')
  })

  it('completes after 6 transient faults then an answer', async () => {
    const w = world([...Array.from({ length: 6 }, () => transient()), completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(7)
    expect(outcome.instructions).toBe('Call and ask for a refund.')
  })

  it('counts only faults in a row: an answer in between starts the count again', async () => {
    const six = Array.from({ length: 6 }, () => transient('network error ECONNRESET'))
    const w = world([...six, RUNNING, ...six, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(14)
    expect(w.logs[7]).toContain('(1 try in a row)')
  })

  it('keeps the backoff within full jitter bounds', async () => {
    const w = world(Array.from({ length: 6 }, () => transient()).concat([completed()]), { random: () => 0 })
    await run(w)
    // at random 0 each wait is the floor, a tenth of the 1 s base
    expect(w.sleeps.map(s => s.ms)).toEqual([100, 100, 100, 100, 100, 100])
  })

  it('honours Retry-After', async () => {
    const w = world([transient('HTTP 429', 7000), completed()], { random: () => 0 })
    const outcome = await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([7000])
    expect(outcome.status).toBe('completed')
    expect(outcome.elapsedMs).toBe(7000)
    expect(w.logs[0]).toMatch(/Retry-After/)
  })

  it('honours a Retry-After longer than max-poll-interval', async () => {
    const w = world([transient('HTTP 429', 45_000), completed()])
    await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([45_000])
  })

  it('caps Retry-After at the time left, then times out at the deadline', async () => {
    const w = world([transient('HTTP 429', 3_600_000)], { settings: { timeoutMs: 10_000 } })
    const outcome = await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([10_000])
    expect(outcome.status).toBe('timed-out')
    expect(outcome.polls).toBe(1)
    expect(outcome.elapsedMs).toBe(10_000)
    expect(outcome.error).toContain('HTTP 429')
    expectDeadlineRespected(w)
  })
})

describe('pollUntilDone: 404 and fatal answers', () => {
  it('retries a 404 three times, then fails naming the progress id', async () => {
    const w = world([NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.polls).toBe(4)
    expect(w.sleeps).toHaveLength(3)
    expect(outcome.error).toContain("'prog-123'")
    expect(outcome.error).toContain('progress-id')
    expect(outcome.error).toContain('HTTP 404')
  })

  it('completes when a 404 is followed by an answer', async () => {
    const w = world([NOT_FOUND, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(2)
  })

  it('completes after three 404s then an answer', async () => {
    const w = world([NOT_FOUND, NOT_FOUND, NOT_FOUND, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.polls).toBe(4)
  })

  it('fails at once on a fatal answer, after one poll and no sleep', async () => {
    const message = 'Cekura refused the API key (HTTP 401). Check the api-key secret.'
    const w = world([{ kind: 'fatal', message }, completed()])
    const outcome = await run(w)
    expect(outcome).toMatchObject({ status: 'failed', polls: 1, error: message, elapsedMs: 0, instructions: '' })
    expect(w.sleeps).toHaveLength(0)
    expect(w.requests).toHaveLength(1)
  })

  it('fails at once on a fatal answer after earlier progress, keeping the last response', async () => {
    const w = world([running({ stage: 'drafting' }), { kind: 'fatal', message: 'Cekura rejected the request (HTTP 400).' }])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.polls).toBe(2)
    expect(outcome.lastResponse).toEqual({ status: 'processing', stage: 'drafting' })
  })
})

describe('pollUntilDone: cancellation', () => {
  it('ends as cancelled without a request when the signal is already aborted', async () => {
    const w = world([completed()])
    w.controller.abort()
    const outcome = await run(w)
    expect(outcome.status).toBe('cancelled')
    expect(outcome.polls).toBe(0)
    expect(outcome.elapsedMs).toBe(0)
    expect(w.requests).toHaveLength(0)
    expect(outcome.error).toMatch(/cancel/)
    expect(outcome.lastResponse).toBeNull()
  })

  it('ends as cancelled when the signal aborts during a sleep', async () => {
    const w = world([], {
      onSleep: (current, ms) => {
        if (current.sleeps.length !== 3) return false
        // The runner cancels half-way through the third wait, which then ends early.
        current.advance(ms / 2)
        current.controller.abort()
        return true
      }
    })
    const outcome = await run(w)
    expect(outcome.status).toBe('cancelled')
    expect(outcome.polls).toBe(3)
    expect(w.requests).toHaveLength(3)
    // polls at 0, 2 and 5.483 s; the third wait (4.456 s) is cut at its half
    expect(outcome.elapsedMs).toBe(5483 + 2228)
    expect(outcome.lastResponse).toEqual({ status: 'processing' })
  })

  it('ends as cancelled when the signal aborts during a request, without sleeping', async () => {
    const w = world([RUNNING, { abortDuringRequest: true }, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('cancelled')
    expect(outcome.polls).toBe(2)
    expect(outcome.elapsedMs).toBe(2300)
    expect(w.sleeps).toHaveLength(1)
  })

  it('passes the cancel signal to every sleep', async () => {
    const seen: AbortSignal[] = []
    const w = world([RUNNING, RUNNING, completed()])
    const sleep = w.deps.sleep
    w.deps.sleep = async (ms, signal) => {
      seen.push(signal)
      return sleep(ms, signal)
    }
    await run(w)
    expect(seen).toHaveLength(2)
    for (const signal of seen) expect(signal).toBe(w.controller.signal)
  })

  it('works without a cancel signal', async () => {
    const w = world([RUNNING, completed()])
    delete w.deps.cancel
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(w.requests[0]?.signal).toBeInstanceOf(AbortSignal)
  })
})

describe('preview', () => {
  it('shows a small response whole, as JSON', () => {
    expect(preview({ status: 'completed', n: 1 })).toBe('{"status":"completed","n":1}')
  })

  it('cuts a large response and says how long it was', () => {
    const text = preview({ junk: 'y'.repeat(2000) })
    expect(text.length).toBeLessThan(600)
    expect(text).toMatch(/2011 characters\)$/)
  })

  it('copes with values JSON cannot show', () => {
    expect(preview(undefined)).toBe('undefined')
  })

  it('redacts before it cuts', () => {
    const key = 'k'.repeat(40)
    const body = { echo: `${'p'.repeat(480)}${key}` }
    const text = preview(body, redactor(key))
    expect(text).not.toContain('kkkk')
    expect(text).toContain('***')
    expect(text.length).toBeLessThan(600)
  })

  // Regression (found by this test): the response was cut before it was redacted, so an echoed key
  // straddling the cut left its first characters in the error output, the log and the summary. The
  // API notes ask for the "(redacted, truncated)" response, in that order; main.ts passes its
  // redactor in deps.redact.
  it('leaves no piece of an echoed key that straddles the cut', async () => {
    const key = 'ck_live_7f3a9b2c4d5e6f708192a3b4c5d6e7f8'
    const padding = 'p'.repeat(500 - '{"status":"completed","echo":"'.length - 12)
    const w = world([completed({ echo: `${padding}${key}` })])
    const redact = redactor(key)
    const outcome = await pollUntilDone(w.settings, { ...w.deps, redact })
    const shown = redact(outcome.error)
    expect(shown).not.toContain(key.slice(0, 8))
  })
})

describe('pollUntilDone: server pacing', () => {
  const paced = (ms: number, header: 'Retry-After' | 'X-Poll-Interval' = 'Retry-After'): Verdict => ({
    kind: 'ok',
    body: { status: 'processing' },
    pacing: { ms, header }
  })

  it('waits as long as Retry-After on an unfinished answer asks, and says so', async () => {
    const w = world([paced(4000), completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(w.sleeps.map(s => s.ms)).toEqual([4000])
    expect(w.logs[0]).toBe('[0ms] processing; next poll in 4s, as Retry-After asks')
  })

  it('follows X-Poll-Interval the same way, shorter than the schedule too', async () => {
    const w = world([RUNNING, RUNNING, paced(1500, 'X-Poll-Interval'), completed()])
    await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([2000, 3483, 1500])
    expect(w.logs[2]).toMatch(/next poll in 1.5s, as X-Poll-Interval asks$/)
  })

  it('keeps the wait within max-poll-interval', async () => {
    const w = world([paced(120_000, 'X-Poll-Interval'), completed()])
    await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([30_000])
    expect(w.logs[0]).toBe('[0ms] processing; next poll in 30s; X-Poll-Interval asked for 2m, kept to max-poll-interval')
  })

  it('waits at least a second (or poll-interval when shorter), whatever the server asks', async () => {
    const w = world([paced(0), completed()])
    await run(w)
    expect(w.sleeps.map(s => s.ms)).toEqual([1000])
    const fast = world([paced(0), completed()], { settings: { pollIntervalMs: 200, maxPollIntervalMs: 1000 } })
    await run(fast)
    expect(fast.sleeps.map(s => s.ms)).toEqual([200])
  })

  it('never waits past the deadline for it', async () => {
    const w = world([paced(25_000)], { settings: { timeoutMs: 10_000 } })
    const outcome = await run(w)
    expect(outcome.status).toBe('timed-out')
    expect(w.sleeps.map(s => s.ms)).toEqual([10_000])
    expectDeadlineRespected(w)
  })

  it('ignores pacing on a finished answer', async () => {
    const w = world([{ kind: 'ok', body: { status: 'completed', instructions: 'Done.' }, pacing: { ms: 9000, header: 'Retry-After' } }])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(w.sleeps).toHaveLength(0)
  })
})

describe('pollUntilDone: jobs that wait for a person', () => {
  it('ends at once as failed on needs_agent_clarification, quoting its message and pointing to the dashboard', async () => {
    const body = { status: 'needs_agent_clarification', message: 'AI needs you to select an agent for some evaluators.' }
    const w = world([RUNNING, { kind: 'ok', body }, completed()])
    const outcome = await run(w)
    expect(outcome.status).toBe('failed')
    expect(outcome.polls).toBe(2)
    expect(w.sleeps).toHaveLength(1)
    expect(outcome.error).toContain('waiting for a person')
    expect(outcome.error).toContain('needs_agent_clarification')
    expect(outcome.error).toContain('"AI needs you to select an agent for some evaluators."')
    expect(outcome.error).toContain('Cekura dashboard')
    expect(outcome.error).toContain('progress-id prog-123')
    expect(outcome.lastResponse).toEqual(body)
  })

  it('quotes the question of any needs_* status, and shows the response when there is none', async () => {
    const asked = await run(world([{ kind: 'ok', body: { status: 'NEEDS_INPUT', question: 'Which branch?' } }]))
    expect(asked.status).toBe('failed')
    expect(asked.error).toContain('(status NEEDS_INPUT): "Which branch?"')
    const silent = await run(world([{ kind: 'ok', body: { status: 'needs_clarification', id: 7 } }]))
    expect(silent.error).toContain('waiting for a person')
    expect(silent.error).toContain('{"status":"needs_clarification","id":7}')
  })
})

describe('pollUntilDone: status words it does not know', () => {
  it('keeps waiting, names each new word in the log once, and reports them', async () => {
    const w = world([
      running({ status: 'thinking' }),
      running({ status: 'thinking' }),
      running({ status: 'Reviewing' }),
      RUNNING,
      completed()
    ])
    const outcome = await run(w)
    expect(outcome.status).toBe('completed')
    expect(outcome.unknownStatuses).toEqual(['thinking', 'Reviewing'])
    const named = w.logs.filter(line => line.includes('does not know'))
    expect(named).toEqual([
      "[0ms] Cekura sent the status 'thinking', which this action does not know; the job is taken to be still running.",
      expect.stringContaining("'Reviewing'")
    ])
  })

  it('knows the usual words for a running job, in any case and spelling', async () => {
    const words = ['queued', 'PENDING', 'processing', 'in_progress', 'In Progress', 'in-progress', 'running', 'started']
    const outcome = await run(world([...words.map(status => running({ status })), completed()]))
    expect(outcome.status).toBe('completed')
    expect(outcome.unknownStatuses).toBeUndefined()
  })
})

describe('pollUntilDone: tenant scope', () => {
  it('names the scope on every request when one is known', async () => {
    const w = world([RUNNING, RUNNING, completed()], { settings: { scope: { param: 'project_id', id: 42 } } })
    await run(w)
    expect(w.requests.map(r => r.scope)).toEqual([
      { param: 'project_id', id: 42 },
      { param: 'project_id', id: 42 },
      { param: 'project_id', id: 42 }
    ])
  })

  it('names none when none is known', async () => {
    const w = world([RUNNING, completed()])
    await run(w)
    expect(w.requests.map(r => r.scope)).toEqual([undefined, undefined])
  })
})

describe('pollUntilDone: the last moments before the deadline', () => {
  it('sends no poll with less than 50 ms left, but takes an answer that arrives just before the deadline', async () => {
    // A sleep that ends 10 ms short of the deadline (a timer firing early): no further poll.
    const short = world([RUNNING], {
      settings: { timeoutMs: 2010, pollIntervalMs: 2000, maxPollIntervalMs: 2000 },
      onSleep: (w, ms) => {
        w.advance(ms - 10)
        return true
      }
    })
    const outcome = await run(short)
    expect(outcome.status).toBe('timed-out')
    expect(short.requests).toHaveLength(1)

    // An answer that arrives 20 ms before the deadline still counts.
    const late = world([RUNNING, { answer: completed(), takesMs: 980 }], {
      settings: { timeoutMs: 3000, pollIntervalMs: 2000, maxPollIntervalMs: 2000 }
    })
    expect((await run(late)).status).toBe('completed')
  })
})
