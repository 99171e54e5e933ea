// End-to-end: transient faults (5xx, 429, bad JSON, dropped, refused and hung connections).
import { createServer } from 'node:net'
import { DEMO_INSTRUCTIONS, jobs, replies } from '../support/fake-cekura.mjs'
import {
  errorText,
  expectAllOutputs,
  expectEndsAtDeadline,
  expectKeySafe,
  expectNotCompletedOutputs,
  expectSummaryOf,
  fastInputs,
  progressRequests,
  run,
  useFake
} from '../support/e2e.js'
import type { RunResult } from '../support/run-action.mjs'

function expectCompletedAfterFaults(result: RunResult, requests: number): void {
  expect(result.code).toBe(0)
  expectAllOutputs(result)
  expect(result.outputs.status).toBe('completed')
  expect(result.outputs.instructions).toBe(DEMO_INSTRUCTIONS)
  expect(result.outputs.polls).toBe(String(requests))
  expectSummaryOf(result, 'completed', requests)
}

describe('transient faults', () => {
  const ctx = useFake()

  test('500, 502 (HTML), 503, then the job completes: exit 0', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'flaky-5xx') })

    const requests = progressRequests(ctx.fake)
    expect(requests.map(request => request.response?.status)).toEqual([500, 502, 503, 200, 200])
    expectCompletedAfterFaults(result, 5)
    expectKeySafe(result)
  })

  test('429 with Retry-After: 1 is honoured', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'rate-limited') })

    const [first, second] = progressRequests(ctx.fake)
    expect(first?.response?.status).toBe(429)
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000)
    expectCompletedAfterFaults(result, 3)
    expectKeySafe(result)
  })

  test('429 with Retry-After as an HTTP date (>= 2 s ahead) is honoured', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'rate-limited-date') })

    const [first, second] = progressRequests(ctx.fake)
    expect(first?.response?.status).toBe(429)
    // The date has whole seconds and was set >= 2 s ahead; allow 100 ms for the clock read in between.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1900)
    expectCompletedAfterFaults(result, 3)
    expectKeySafe(result)
  })

  test('408, 425 and 504 are transient too', async () => {
    ctx.fake.setJob(
      'other-transients',
      jobs.sequence(
        [
          replies.http(408, { detail: 'Request timeout.' }),
          replies.http(425, { detail: 'Too early.' }),
          replies.http(504, { detail: 'Gateway timeout.' })
        ],
        jobs.completeAfterPolls(1)
      )
    )
    const result = await run({ inputs: fastInputs(ctx.fake, 'other-transients') })

    expect(progressRequests(ctx.fake).map(request => request.response?.status)).toEqual([408, 425, 504, 200])
    expectCompletedAfterFaults(result, 4)
    expectKeySafe(result)
  })

  test('a Retry-After longer than the time left is capped: timed-out at the deadline', async () => {
    ctx.fake.setJob('throttled-for-a-minute', jobs.always(replies.retryAfter(60)))
    const result = await run({ inputs: fastInputs(ctx.fake, 'throttled-for-a-minute', { timeout: '2s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expectEndsAtDeadline(result, 2000)
    expectSummaryOf(result, 'timed-out', 1)
    expect(result.summary).toMatch(/timeout/i)
    expectKeySafe(result)
  })

  test('a body that is not JSON (twice), then the job completes', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'bad-json') })

    expect(progressRequests(ctx.fake)).toHaveLength(4)
    expectCompletedAfterFaults(result, 4)
    expectKeySafe(result)
  })

  test('a dropped connection (twice), then the job completes', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'connection-reset') })

    expect(progressRequests(ctx.fake)).toHaveLength(4)
    expectCompletedAfterFaults(result, 4)
    expectKeySafe(result)
  })

  test('500 on every request: ridden out until the timeout, then timed out saying for how long, how many tries and what kept failing', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'always-5xx', { timeout: '4s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    // far more than the 7 tries of old: faults are ridden out for 2 minutes, or until the timeout
    const requests = progressRequests(ctx.fake).length
    expect(requests).toBeGreaterThan(7)
    expect(result.outputs.polls).toBe(String(requests))
    expect(result.outputs.error).toMatch(new RegExp(`kept failing for \\d(\\.\\d)?s \\(${requests} tries in a row\\); the last: HTTP 500`))
    expect(errorText(result)).toMatch(/500/)
    expectEndsAtDeadline(result, 4000)
    expectSummaryOf(result, 'timed-out', requests)
    expectKeySafe(result)
  })

  test('connection refused on every try: ridden out until the timeout, the error saying the connection was refused', async () => {
    const port = await new Promise<number>(resolve => {
      const server = createServer()
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', { 'api-url': `http://127.0.0.1:${port}`, timeout: '4s' })
    })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expect(Number(result.outputs.polls)).toBeGreaterThan(7)
    expect(result.outputs.error).toMatch(/refused|ECONNREFUSED/i)
    expect(result.outputs.error).toMatch(/kept failing for \d(\.\d)?s \(\d+ tries in a row\)/)
    expectSummaryOf(result, 'timed-out', Number(result.outputs.polls))
    expect(result.summary).toMatch(/refused|ECONNREFUSED/i)
    expectKeySafe(result)
  })

  test('a hung connection with timeout 2s: timed-out at the deadline', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'hang', { timeout: '2s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expect(result.outputs.polls).toBe('1')
    expectEndsAtDeadline(result, 2000)
    expectSummaryOf(result, 'timed-out', 1)
    expectKeySafe(result)
  })
})
