import { FAULT_BUDGET_MS } from '../../src/cekura/fault-budget.js'
import { CekuraFailure } from '../../src/cekura/failure.js'
import { REQUEST_TIMEOUT_MS } from '../../src/cekura/answers.js'
import { MIN_RETRY_TIME_MS, requestTimeout, withRetries, type RetryContext, type Try } from '../../src/cekura/retry.js'

// withRetries on a fake clock: sleeping moves the clock; each try takes `tryMs`.
function harness(results: Array<Try<string>>, options: { deadlineMs?: number; tryMs?: number; random?: number } = {}) {
  let clock = 0
  const sleeps: number[] = []
  const tries: number[] = []
  const controller = new AbortController()
  const context: RetryContext = {
    deadline: options.deadlineMs ?? 3_600_000,
    now: () => clock,
    sleep: async ms => {
      sleeps.push(ms)
      clock += ms
    },
    random: () => options.random ?? 1,
    signal: controller.signal
  }
  const last = results.at(-1)
  const once = async (): Promise<Try<string>> => {
    tries.push(clock)
    clock += options.tryMs ?? 0
    return results.shift() ?? (last as Try<string>)
  }
  return { run: () => withRetries(once, context), sleeps, tries, controller, clock: () => clock }
}

const unavailable = (): Try<string> => ({ retry: new CekuraFailure('unavailable', 'Could not read scenario 9876: HTTP 503', 503) })

async function failure(promise: Promise<unknown>): Promise<CekuraFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof CekuraFailure) return error
    throw error
  }
  throw new Error('expected a CekuraFailure')
}

describe('withRetries', () => {
  it('returns the first success after faults', async () => {
    const h = harness([unavailable(), unavailable(), { ok: 'done' }])
    await expect(h.run()).resolves.toBe('done')
    expect(h.sleeps).toEqual([1000, 2000])
  })

  it('rides out faults for the same 2 minutes as the poll loop, then fails saying how long and how many tries', async () => {
    const h = harness([unavailable()])
    const error = await failure(h.run())
    expect(error.kind).toBe('unavailable')
    expect(error.status).toBe(503)
    // backoff at the top of its jitter, capped at 10 s; the last wait is cut to end at the budget
    expect(h.tries.at(-1)).toBe(FAULT_BUDGET_MS)
    expect(h.sleeps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 10_000])
    expect(h.tries).toHaveLength(16)
    expect(error.message).toBe('Could not read scenario 9876: HTTP 503; it kept failing for 2m (16 tries in a row).')
  })

  it('rides out a 90 s storm of fast faults', async () => {
    const storm = Array.from({ length: 14 }, unavailable)
    const h = harness([...storm, { ok: 'after the deploy' }])
    await expect(h.run()).resolves.toBe('after the deploy')
    expect(h.tries.at(-2)).toBeLessThan(FAULT_BUDGET_MS)
    expect(h.tries.at(-1)).toBeGreaterThanOrEqual(90_000)
  })

  it('obeys Retry-After', async () => {
    const h = harness([{ retry: new CekuraFailure('unavailable', 'HTTP 429', 429), retryAfterMs: 7000 }, { ok: 'x' }])
    await h.run()
    expect(h.sleeps).toEqual([7000])
  })

  it('fails at once on a failure that may not be retried', async () => {
    const h = harness([{ fail: new CekuraFailure('rejected', 'HTTP 401', 401) }])
    const error = await failure(h.run())
    expect(error.kind).toBe('rejected')
    expect(h.tries).toHaveLength(1)
  })

  it('never waits past the deadline: timed out, saying how long and how many tries', async () => {
    const h = harness([unavailable()], { deadlineMs: 20_000 })
    const error = await failure(h.run())
    expect(error.kind).toBe('timed-out')
    expect(h.clock()).toBeLessThanOrEqual(20_000)
    expect(20_000 - h.clock()).toBeLessThanOrEqual(MIN_RETRY_TIME_MS)
    expect(error.message).toMatch(/^Could not read scenario 9876: HTTP 503; it kept failing for \d+(\.\d)?s \(\d+ tries in a row\)\.$/)
  })

  it('ends as cancelled when the run is cancelled between tries', async () => {
    const h = harness([unavailable()])
    const running = h.run()
    h.controller.abort()
    const error = await failure(running)
    expect(error.kind).toBe('cancelled')
    expect(h.tries).toHaveLength(1)
  })
})

describe('withRetries: the edges mutation testing found unpinned', () => {
  it('gives each try what is left before the deadline, at most REQUEST_TIMEOUT_MS, and at least 1 ms', () => {
    expect(requestTimeout({ deadline: 1_000_000, now: () => 0 })).toBe(REQUEST_TIMEOUT_MS)
    expect(requestTimeout({ deadline: 10_000, now: () => 4000 })).toBe(6000)
    expect(requestTimeout({ deadline: 10_000, now: () => 10_000 })).toBe(1)
    expect(requestTimeout({ deadline: 10_000, now: () => 12_000 })).toBe(1)
  })

  it('ends a message with one full stop, whether the failure had one or not', async () => {
    const withStop = harness([{ retry: new CekuraFailure('unavailable', 'Down.', 503) }], { deadlineMs: 500 })
    expect((await failure(withStop.run())).message).toMatch(/^Down; it kept failing for 0ms \(1 try in a row\)\.$/)
    const without = harness([{ retry: new CekuraFailure('unavailable', 'Down', 503) }], { deadlineMs: 500 })
    expect((await failure(without.run())).message).toMatch(/^Down; it kept failing for 0ms \(1 try in a row\)\.$/)
  })

  it('starts no retry with exactly MIN_RETRY_TIME_MS left, and one with a millisecond more', async () => {
    const exactly = harness([unavailable()], { deadlineMs: MIN_RETRY_TIME_MS })
    const ended = await failure(exactly.run())
    expect(ended.kind).toBe('timed-out')
    expect(exactly.tries).toEqual([0])

    const more = harness([unavailable(), { ok: 'done' }], { deadlineMs: MIN_RETRY_TIME_MS + 1 })
    await expect(more.run()).resolves.toBe('done')
    expect(more.tries).toHaveLength(2)
  })
})
