import {
  MAX_RATE_LIMIT_RETRIES,
  RateLimitedError,
  rateLimitOf,
  rateLimitWait,
  retryRateLimits,
  SECONDARY_DEFAULT_WAIT_MS
} from '../../src/github/rate-limit.js'

const NOW = Date.UTC(2026, 5, 1, 14, 0, 0)

describe('rateLimitWait', () => {
  it('reads a secondary limit from retry-after, in seconds or as a date', () => {
    expect(rateLimitWait(403, { 'retry-after': '1' }, 'You have exceeded a secondary rate limit.', NOW)).toEqual({
      kind: 'secondary',
      waitMs: 1000
    })
    expect(rateLimitWait(429, { 'retry-after': 30 }, '', NOW)).toEqual({ kind: 'secondary', waitMs: 30_000 })
    expect(rateLimitWait(429, { 'retry-after': new Date(NOW + 5000).toUTCString() }, '', NOW)).toEqual({ kind: 'secondary', waitMs: 5000 })
    // A date already past: try again at once.
    expect(rateLimitWait(429, { 'retry-after': new Date(NOW - 5000).toUTCString() }, '', NOW)).toEqual({ kind: 'secondary', waitMs: 0 })
  })

  it('waits a minute for a secondary limit that says no more', () => {
    expect(rateLimitWait(403, {}, 'You have exceeded a secondary rate limit. Please wait a few minutes.', NOW)).toEqual({
      kind: 'secondary',
      waitMs: SECONDARY_DEFAULT_WAIT_MS
    })
    expect(rateLimitWait(429, {}, 'Too many requests', NOW)).toEqual({ kind: 'secondary', waitMs: SECONDARY_DEFAULT_WAIT_MS })
  })

  it('reads a primary limit from x-ratelimit-remaining 0 and the reset, with a second of margin', () => {
    const reset = NOW / 1000 + 90
    expect(
      rateLimitWait(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, 'API rate limit exceeded', NOW)
    ).toEqual({
      kind: 'primary',
      waitMs: 91_000,
      resetAtMs: reset * 1000
    })
    // A reset already past (the clocks disagree): just the margin.
    expect(rateLimitWait(429, { 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': NOW / 1000 - 10 }, '', NOW)?.waitMs).toBe(1000)
    expect(rateLimitWait(403, { 'x-ratelimit-remaining': '0', 'retry-after': '7' }, '', NOW)).toEqual({ kind: 'primary', waitMs: 7000 })
  })

  it('is no rate limit for a plain permission error or another status', () => {
    expect(rateLimitWait(403, {}, 'Resource not accessible by integration', NOW)).toBeUndefined()
    expect(rateLimitWait(403, { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '1' }, 'Forbidden', NOW)).toBeUndefined()
    expect(rateLimitWait(500, { 'retry-after': '1' }, '', NOW)).toBeUndefined()
    expect(rateLimitWait(401, { 'x-ratelimit-remaining': '0' }, '', NOW)).toBeUndefined()
  })
})

describe('rateLimitOf', () => {
  it('reads an Octokit RequestError, and nothing from other errors', () => {
    const error = Object.assign(new Error('You have exceeded a secondary rate limit'), {
      status: 403,
      response: { headers: { 'retry-after': '2' } }
    })
    expect(rateLimitOf(error, NOW)).toEqual({ kind: 'secondary', waitMs: 2000 })
    expect(rateLimitOf(Object.assign(new Error('x'), { status: 403 }), NOW)).toBeUndefined()
    expect(rateLimitOf(new Error('fetch failed'), NOW)).toBeUndefined()
    expect(rateLimitOf('nope', NOW)).toBeUndefined()
  })
})

/** An Octokit's request hook, with a scripted request behind it. */
function hooked(answers: Array<() => unknown>) {
  let wrapper: ((request: (options: unknown) => unknown, options: unknown) => Promise<unknown>) | undefined
  const octokit = {
    hook: {
      wrap: (_name: string, fn: typeof wrapper) => {
        wrapper = fn
      }
    }
  }
  let calls = 0
  const request = async (): Promise<unknown> => {
    const answer = answers[Math.min(calls, answers.length - 1)] as () => unknown
    calls++
    return answer()
  }
  return {
    octokit: octokit as never,
    send: () =>
      (wrapper as NonNullable<typeof wrapper>)(request, { method: 'GET', url: '/repos/{owner}/{repo}/issues/{issue_number}/comments' }),
    calls: () => calls
  }
}

const limited =
  (headers: Record<string, string>, status = 403) =>
  (): never => {
    throw Object.assign(new Error('You have exceeded a secondary rate limit'), { status, response: { headers } })
  }

describe('retryRateLimits', () => {
  function setup(answers: Array<() => unknown>, deadline = 30_000) {
    const clock = { now: 0 }
    const slept: number[] = []
    const lines: string[] = []
    const hook = hooked(answers)
    retryRateLimits(hook.octokit, {
      deadline,
      signal: new AbortController().signal,
      info: line => lines.push(line),
      now: () => clock.now,
      epochNow: () => NOW + clock.now,
      sleep: async ms => {
        slept.push(ms)
        clock.now += ms
      }
    })
    return { ...hook, slept, lines }
  }

  it('waits out a secondary limit and tries again, saying how long it waits', async () => {
    const t = setup([limited({ 'retry-after': '1' }), () => 'ok'])
    await expect(t.send()).resolves.toBe('ok')
    expect(t.calls()).toBe(2)
    expect(t.slept).toEqual([1000])
    expect(t.lines).toEqual([
      "GitHub's secondary rate limit answered GET /repos/{owner}/{repo}/issues/{issue_number}/comments; waiting 1s before trying again."
    ])
  })

  it('gives up at once when the wait would end past the deadline', async () => {
    const reset = NOW / 1000 + 3600
    const t = setup([limited({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })], 5000)
    const error = await t.send().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as Error).message).toBe(
      "GitHub's primary rate limit is used up until 15:00:00 UTC (1h from now), more than the 5s left for the comment, so it was given up"
    )
    expect(t.calls()).toBe(1)
    expect(t.slept).toEqual([])
  })

  it(`stops after ${MAX_RATE_LIMIT_RETRIES} retries`, async () => {
    const t = setup([limited({ 'retry-after': '1' })], 600_000)
    await expect(t.send()).rejects.toBeInstanceOf(RateLimitedError)
    expect(t.calls()).toBe(MAX_RATE_LIMIT_RETRIES + 1)
  })

  it('passes every other error through untouched, without waiting', async () => {
    const permission = Object.assign(new Error('Resource not accessible by integration'), { status: 403, response: { headers: {} } })
    const t = setup([
      () => {
        throw permission
      }
    ])
    await expect(t.send()).rejects.toBe(permission)
    expect(t.calls()).toBe(1)
    expect(t.slept).toEqual([])
  })
})
