// withRetries: the one retry helper for calls other than polls (start a job, read or save a scenario).
// A fake clock and a sleep that only moves it; each try is scripted.

import { MAX_CONSECUTIVE_TRANSIENT, REQUEST_TIMEOUT_MS } from '../../src/cekura/answers.js'
import { CekuraFailure } from '../../src/cekura/failure.js'
import { MIN_RETRY_TIME_MS, requestTimeout, withRetries, type RetryContext, type Try } from '../../src/cekura/retry.js'

const START = 2_000_000

interface Script {
  context: RetryContext
  /** The timeout each try was given. */
  timeouts: number[]
  sleeps: number[]
  controller: AbortController
  readonly clock: number
}

/** Tries answer from `tries` in order; `onSleep` runs before a sleep moves the clock. */
function script(
  tries: Array<Try<string>>,
  options: { timeLeftMs?: number; random?: number; onSleep?: (s: Script) => void } = {}
): {
  s: Script
  once: (timeoutMs: number) => Promise<Try<string>>
} {
  let clock = START
  const controller = new AbortController()
  const s: Script = {
    timeouts: [],
    sleeps: [],
    controller,
    get clock() {
      return clock
    },
    context: {
      deadline: START + (options.timeLeftMs ?? 600_000),
      now: () => clock,
      sleep: async ms => {
        s.sleeps.push(ms)
        options.onSleep?.(s)
        clock += ms
      },
      random: () => options.random ?? 1,
      signal: controller.signal
    }
  }
  const remaining = [...tries]
  const once = async (timeoutMs: number): Promise<Try<string>> => {
    s.timeouts.push(timeoutMs)
    const next = remaining.shift()
    if (next === undefined) throw new Error('more tries than scripted')
    return next
  }
  return { s, once }
}

const unavailable = (message = 'HTTP 503'): Try<string> => ({ retry: new CekuraFailure('unavailable', message, 503) })

async function failureOf(promise: Promise<unknown>): Promise<CekuraFailure> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(CekuraFailure)
    return error as CekuraFailure
  }
  throw new Error('expected a CekuraFailure')
}

describe('requestTimeout', () => {
  it('is the time left, at most REQUEST_TIMEOUT_MS and at least 1 ms', () => {
    expect(requestTimeout({ deadline: 15_000, now: () => 10_000 })).toBe(5000)
    expect(requestTimeout({ deadline: 100_000, now: () => 0 })).toBe(REQUEST_TIMEOUT_MS)
    expect(requestTimeout({ deadline: 10_000, now: () => 10_050 })).toBe(1)
  })
})

describe('withRetries', () => {
  it('returns the first success without sleeping, giving the try the request timeout', async () => {
    const { s, once } = script([{ ok: 'done' }], { timeLeftMs: 12_000 })
    await expect(withRetries(once, s.context)).resolves.toBe('done')
    expect(s.timeouts).toEqual([12_000])
    expect(s.sleeps).toEqual([])
  })

  it('throws a failure that may not be retried at once', async () => {
    const rejected = new CekuraFailure('rejected', 'Cekura rejected the request (HTTP 400).', 400)
    const { s, once } = script([{ fail: rejected }, { ok: 'never' }])
    expect(await failureOf(withRetries(once, s.context))).toBe(rejected)
    expect(s.timeouts).toHaveLength(1)
    expect(s.sleeps).toEqual([])
  })

  it('retries with growing backoff, each try given the time then left', async () => {
    const { s, once } = script([unavailable(), unavailable(), unavailable(), { ok: 'done' }], { timeLeftMs: 20_000 })
    await expect(withRetries(once, s.context)).resolves.toBe('done')
    // Full jitter at its top: 1 s, 2 s, 4 s.
    expect(s.sleeps).toEqual([1000, 2000, 4000])
    expect(s.timeouts).toEqual([20_000, 19_000, 17_000, 13_000])
  })

  it('waits as long as Retry-After asks', async () => {
    const { s, once } = script([{ retry: new CekuraFailure('unavailable', 'HTTP 429', 429), retryAfterMs: 7000 }, { ok: 'done' }])
    await expect(withRetries(once, s.context)).resolves.toBe('done')
    expect(s.sleeps).toEqual([7000])
  })

  it('never sleeps past the deadline', async () => {
    const { s, once } = script([{ retry: new CekuraFailure('unavailable', 'HTTP 429', 429), retryAfterMs: 60_000 }, unavailable()], {
      timeLeftMs: 10_000
    })
    const failure = await failureOf(withRetries(once, s.context))
    expect(s.sleeps).toEqual([10_000])
    expect(failure.kind).toBe('timed-out')
  })

  it(`gives up after ${MAX_CONSECUTIVE_TRANSIENT} tries with the failure as it is`, async () => {
    const tries = Array.from({ length: MAX_CONSECUTIVE_TRANSIENT }, (_, i) => unavailable(`HTTP 503 #${i + 1}`))
    const { s, once } = script(tries, { random: 0 })
    const failure = await failureOf(withRetries(once, s.context))
    expect(failure.kind).toBe('unavailable')
    expect(failure.message).toBe(`HTTP 503 #${MAX_CONSECUTIVE_TRANSIENT}`)
    expect(failure.status).toBe(503)
    expect(s.timeouts).toHaveLength(MAX_CONSECUTIVE_TRANSIENT)
    // Never a tight loop: a tenth of the base at the least.
    expect(s.sleeps).toEqual(Array.from({ length: MAX_CONSECUTIVE_TRANSIENT - 1 }, () => 100))
  })

  it(`starts no retry with ${MIN_RETRY_TIME_MS} ms or less left: the failure becomes timed-out`, async () => {
    const { s, once } = script([unavailable('HTTP 502'), { ok: 'too late' }], { timeLeftMs: MIN_RETRY_TIME_MS })
    const failure = await failureOf(withRetries(once, s.context))
    expect(failure).toMatchObject({ kind: 'timed-out', message: 'HTTP 502', status: 503 })
    expect(s.sleeps).toEqual([])
  })

  it(`retries with just over ${MIN_RETRY_TIME_MS} ms left`, async () => {
    const { s, once } = script([unavailable(), { ok: 'done' }], { timeLeftMs: MIN_RETRY_TIME_MS + 1 })
    await expect(withRetries(once, s.context)).resolves.toBe('done')
    expect(s.sleeps).toEqual([1000])
  })

  it('turns a retryable failure into cancelled when the run is already being cancelled', async () => {
    const { s, once } = script([unavailable(), { ok: 'never' }])
    s.controller.abort()
    const failure = await failureOf(withRetries(once, s.context))
    expect(failure.kind).toBe('cancelled')
    expect(s.sleeps).toEqual([])
  })

  it('stops with cancelled when a cancel comes during the wait, without another try', async () => {
    const { s, once } = script([unavailable(), { ok: 'never' }], { onSleep: current => current.controller.abort() })
    const failure = await failureOf(withRetries(once, s.context))
    expect(failure.kind).toBe('cancelled')
    expect(s.timeouts).toHaveLength(1)
  })

  it('works without a cancel signal', async () => {
    const { s, once } = script([unavailable(), { ok: 'done' }])
    const { signal: _, ...context } = s.context
    await expect(withRetries(once, context)).resolves.toBe('done')
  })
})
