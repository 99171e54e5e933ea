// What the user reads while a job is followed, and the waits between tries, pinned line by line:
// mutation testing found that the log lines ("last seen", the stage beside the status, one line per
// poll), the 404 waits and the cut-off lengths could change without a test noticing.

import type { Verdict } from '../../src/cekura/answers.js'
import type { CallOptions } from '../../src/cekura/client.js'
import type { Outcome } from '../../src/base/types.js'
import { pollUntilDone, preview, timeoutWords, type PollSettings } from '../../src/wait/poll.js'

const START = 5_000_000

/** A step of the script: an answer, or a request that takes `takesMs` before it answers. */
type Step = Verdict | { takesMs: number; answer: Verdict }

interface Run {
  outcome: Outcome
  logs: string[]
  sleeps: number[]
}

/** Follows a job whose answers come from `script` (then "processing" forever), on a fake clock. */
async function follow(script: Step[], settings: Partial<PollSettings> = {}, random = 0.5): Promise<Run> {
  let clock = START
  const logs: string[] = []
  const sleeps: number[] = []
  const steps = [...script]
  const outcome = await pollUntilDone(
    { progressId: 'job-9', timeoutMs: 600_000, pollIntervalMs: 2000, maxPollIntervalMs: 30_000, ...settings },
    {
      source: {
        async getProgress(_id: string, _call: CallOptions): Promise<Verdict> {
          const step = steps.shift() ?? { kind: 'ok', body: { status: 'processing' } }
          if ('takesMs' in step) {
            clock += step.takesMs
            return step.answer
          }
          return step
        }
      },
      now: () => clock,
      sleep: async ms => {
        sleeps.push(ms)
        clock += ms
      },
      random: () => random,
      log: line => logs.push(line)
    }
  )
  return { outcome, logs, sleeps }
}

const ok = (body: Record<string, unknown>): Verdict => ({ kind: 'ok', body })
const NOT_FOUND: Verdict = { kind: 'not-found', reason: 'HTTP 404: Not found.' }

describe('the status line of each poll', () => {
  it('says "no status yet" when the answer has none, with the stage beside it', async () => {
    const { logs } = await follow([ok({ stage: 'queued' }), ok({ status: 'done', instructions: 'Hi.' })])
    expect(logs[0]).toBe('[0ms] no status yet, queued; next poll in 2s')
  })

  it.each([
    ['processing', 'Processing'],
    ['PROCESSING', 'processing']
  ])('leaves out a stage that only repeats the status (%s / %s)', async (status, stage) => {
    const { logs } = await follow([ok({ status, stage }), ok({ status: 'done', instructions: 'Hi.' })])
    expect(logs[0]).toBe(`[0ms] ${status}; next poll in 2s`)
  })

  it('shows a stage that differs from the status, and a rounded percentage', async () => {
    const { logs } = await follow([
      ok({ status: 'running', stage: 'drafting', percent: 41.6 }),
      ok({ status: 'done', instructions: 'Hi.' })
    ])
    expect(logs[0]).toBe('[0ms] running, drafting, 42%; next poll in 2s')
  })

  it('logs a job that ended badly with the line of its last poll', async () => {
    const { logs, outcome } = await follow([ok({ status: 'processing' }), ok({ status: 'failed', stage: 'writing', error: 'LLM down' })])
    expect(logs).toEqual(['[0ms] processing; next poll in 2s', '[2s] failed, writing'])
    expect(outcome.error).toBe('Cekura reported the job as failed: LLM down')
  })

  it('logs the message of a fatal answer', async () => {
    const message = 'Cekura rejected the request (HTTP 400).'
    const { logs } = await follow([ok({ status: 'processing' }), { kind: 'fatal', message }])
    expect(logs).toEqual(['[0ms] processing; next poll in 2s', `[2s] ${message}`])
  })
})

describe('404: the job may not be visible yet', () => {
  it('waits with growing backoff between tries and logs each one', async () => {
    const { logs, sleeps, outcome } = await follow([NOT_FOUND, NOT_FOUND, NOT_FOUND, ok({ status: 'done', instructions: 'Hi.' })], {}, 1)
    // Full jitter at its top: the base (1 s), then doubling.
    expect(sleeps).toEqual([1000, 2000, 4000])
    expect(logs.slice(0, 3)).toEqual([
      '[0ms] HTTP 404: Not found.: the job may not be visible yet; retry in 1s',
      '[1s] HTTP 404: Not found.: the job may not be visible yet; retry in 2s',
      '[3s] HTTP 404: Not found.: the job may not be visible yet; retry in 4s'
    ])
    expect(outcome.status).toBe('completed')
  })

  it('gives up after the fourth, in words that say what to check, and logs them', async () => {
    const { logs, outcome } = await follow([NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND])
    const message =
      "Cekura does not know the progress id 'job-9' (HTTP 404: Not found., 4 times). Check the progress-id input: it must be the " +
      'progress_id that the generate or improve call returned, from the same Cekura account as the api-key.'
    expect(outcome.error).toBe(message)
    // Waits of 0.5 s, 1 s and 2 s at the middle of the jitter.
    expect(logs.at(-1)).toBe(`[3.5s] ${message}`)
  })
})

describe('transient faults', () => {
  it('logs each try with its count, and says when the wait is what Retry-After asked', async () => {
    const { logs } = await follow([
      { kind: 'transient', reason: 'HTTP 503' },
      { kind: 'transient', reason: 'HTTP 429', retryAfterMs: 5000 },
      ok({ status: 'done', instructions: 'Hi.' })
    ])
    expect(logs.slice(0, 2)).toEqual([
      '[0ms] HTTP 503 (failing for 0ms (1 try in a row)); retry in 500ms',
      '[500ms] HTTP 429 (failing for 500ms (2 tries in a row)); retry in 5s as Retry-After asks'
    ])
  })

  it('logs the reason it gave up', async () => {
    // Faults for longer than the fault budget (2 minutes), every answer a 502.
    const fault: Verdict = { kind: 'transient', reason: 'HTTP 502' }
    const { logs, outcome } = await follow(Array.from({ length: 60 }, () => fault))
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatch(
      /^Gave up: Cekura or the network to it kept failing for 2m( \d\ds)? \(\d+ tries in a row\); the last: HTTP 502\. Cekura may be deploying or down: re-run later, or follow the job with progress-id job-9 in poll mode\.$/
    )
    expect(logs.at(-1)).toMatch(/^\[\d[^\]]*\] Gave up: /)
  })
})

describe('the time-out message', () => {
  it('says what kept failing when not one answer came before the deadline', async () => {
    const { outcome } = await follow([{ takesMs: 60_000, answer: { kind: 'transient', reason: 'network error REQUEST_TIMEOUT' } }], {
      timeoutMs: 60_000
    })
    expect(outcome.status).toBe('timed-out')
    // The one try failed and the time ran out: the message says so, with the fault run's length.
    expect(outcome.error).toBe(
      'The job did not finish within 1m (Cekura or the network to it kept failing for 1m (1 try in a row); the last: network error REQUEST_TIMEOUT). Raise the timeout input if the job needs longer.'
    )
  })

  it('says what was last seen', async () => {
    const { outcome } = await follow([ok({ status: 'queued', stage: 'waiting for a worker' })], { timeoutMs: 10_000 })
    expect(outcome.error).toMatch(/^The job did not finish within 10s \(last seen: processing, after \d+ polls\)\./)
  })
})

describe('lengths at the cut-off', () => {
  it('shows a response of exactly 500 characters whole', () => {
    const body = 'x'.repeat(498) // 500 characters once quoted as JSON
    expect(preview(body)).toBe(JSON.stringify(body))
    expect(preview(`${body}y`)).toBe(`${JSON.stringify(`${body}y`).slice(0, 500)}… (501 characters)`)
  })

  it('keeps an error of exactly 2000 characters whole, and cuts one of 2001', async () => {
    const exact = 'E'.repeat(2000)
    expect((await follow([{ kind: 'fatal', message: exact }])).outcome.error).toBe(exact)
    expect((await follow([{ kind: 'fatal', message: `${exact}F` }])).outcome.error).toBe(`${exact}… (2001 characters)`)
  })
})

describe('timeoutWords: how long a job was given', () => {
  it.each([
    [10_000, undefined, '10s'],
    [600_000, 600_000, '10m'],
    // The first jobs of a batch start a few milliseconds into the step's timeout.
    [599_996, 600_000, '10m'],
    [252_000, 600_000, "the batch's timeout of 10m, of which it had the last 4m 12s"]
  ])('%d ms of a whole %s reads %j', (timeoutMs, wholeTimeoutMs, words) => {
    expect(timeoutWords(timeoutMs, wholeTimeoutMs)).toBe(words)
  })
})

describe('edges found by a second round of mutation testing', () => {
  it('a timeout before any answer came in time says no answer came yet', async () => {
    const { outcome } = await follow([{ takesMs: 300, answer: ok({ status: 'processing' }) }], { timeoutMs: 200 })
    expect(outcome.status).toBe('timed-out')
    expect(outcome.error).toBe(
      'The job did not finish within 200ms (last seen: no answer yet, after 1 poll). Raise the timeout input if the job needs longer.'
    )
  })

  it('logs the status of a job that waits for a person on its own line before it ends', async () => {
    const { logs } = await follow([ok({ status: 'needs_input' })])
    expect(logs).toEqual(['[0ms] needs_input'])
  })

  it('names at most ten unknown status words, each cut at 80 characters, and each once', async () => {
    const words = Array.from({ length: 12 }, (_, i) => `mulling-${i}-${'x'.repeat(100)}`)
    const { outcome, logs } = await follow([
      ...words.map(status => ok({ status })),
      ok({ status: words[0] }),
      ok({ status: 'done', instructions: 'Hi.' })
    ])
    const cut = words.slice(0, 10).map(word => word.slice(0, 80))
    expect(outcome.unknownStatuses).toEqual(cut)
    const named = logs.filter(line => line.includes('does not know'))
    expect(named).toHaveLength(10)
    expect(named[0]).toContain(`the status '${cut[0]}', which`)
  })

  it('says a server pace under the shortest wait was kept to it', async () => {
    const paced: Verdict = { kind: 'ok', body: { status: 'processing' }, pacing: { ms: 200, header: 'X-Poll-Interval' } }
    const { logs } = await follow([paced, ok({ status: 'done', instructions: 'Hi.' })])
    expect(logs[0]).toBe('[0ms] processing; next poll in 1s; X-Poll-Interval asked for 200ms, kept to the shortest wait')
  })

  it('says for how long and how many tries the faults have lasted on each retry line', async () => {
    const fault: Verdict = { kind: 'transient', reason: 'HTTP 503' }
    const { logs } = await follow([fault, fault, ok({ status: 'done', instructions: 'Hi.' })])
    expect(logs.slice(0, 2)).toEqual([
      '[0ms] HTTP 503 (failing for 0ms (1 try in a row)); retry in 500ms',
      '[500ms] HTTP 503 (failing for 500ms (2 tries in a row)); retry in 1s'
    ])
  })
})
