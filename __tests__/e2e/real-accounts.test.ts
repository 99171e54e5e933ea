// End-to-end: what real Cekura accounts meet. Organization-level keys that need a tenant scope, jobs
// that wait for a person, status words the action does not know, a deploy window of 503s, server
// pacing, and a short job the action starts itself.
import { DEMO_AGENT_ID, type FakeCekura, type RecordedRequest } from '../support/fake-cekura.mjs'
import {
  errorText,
  expectAllOutputs,
  expectKeySafe,
  expectNotCompletedOutputs,
  expectSummaryOf,
  fastInputs,
  run,
  useFake,
  visibleLog
} from '../support/e2e.js'

const EXTRA = 'Make the caller impatient.'

function polls(fake: FakeCekura): RecordedRequest[] {
  return fake.requests.filter(request => request.server === 'main' && request.endpoint === 'progress')
}

/** The tenant-scope parameters a progress request carried. */
function scopeOf(request: RecordedRequest | undefined): Record<string, string> {
  const query = request?.query ?? {}
  return Object.fromEntries(
    ['project_id', 'agent_id', 'assistant_id'].flatMap(name => (query[name] === undefined ? [] : [[name, query[name]]]))
  )
}

function generateInputs(fake: FakeCekura, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return fastInputs(fake, '', {
    'progress-id': undefined,
    mode: 'generate',
    'agent-id': String(DEMO_AGENT_ID),
    'extra-instructions': EXTRA,
    ...extra
  })
}

describe('an organization-level API key (the fake answers 400 to a progress request without a tenant scope)', () => {
  const ctx = useFake({ organizationKey: true })

  test('poll mode with project-id: every progress request names project_id, and the job completes', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-3', { 'project-id': '1' }) })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(polls(ctx.fake).map(scopeOf)).toEqual([{ project_id: '1' }, { project_id: '1' }, { project_id: '1' }])
    expect(result.outputs['project-id']).toBe('1')
    expect(result.summary).toMatch(/^\| Project \| 1 \|$/m)
    expectSummaryOf(result, 'completed', 3)
    expectKeySafe(result)
  })

  test('poll mode with agent-id only: every progress request names agent_id', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2', { 'agent-id': String(DEMO_AGENT_ID) }) })

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    expect(polls(ctx.fake).map(scopeOf)).toEqual([{ agent_id: String(DEMO_AGENT_ID) }, { agent_id: String(DEMO_AGENT_ID) }])
    expect(result.outputs['project-id']).toBe('')
    expectKeySafe(result)
  })

  test('poll mode without a scope: failed at the first answer, naming the project-id and agent-id inputs', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(polls(ctx.fake)).toHaveLength(1)
    expect(polls(ctx.fake)[0]?.response?.status).toBe(400)
    expect(scopeOf(polls(ctx.fake)[0])).toEqual({})
    const error = result.outputs.error ?? ''
    expect(error).toContain('Please provide one of the required query parameter')
    expect(error).toContain("'project-id'")
    expect(error).toContain("'agent-id'")
    expect(error).toMatch(/organization-level/i)
    expect(errorText(result)).toContain("'project-id'")
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result)
  })

  test('generate mode with only agent-id: the project the start answer names scopes every poll', async () => {
    const result = await run({ inputs: generateInputs(ctx.fake) })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(ctx.fake.started).toHaveLength(1)
    expect(polls(ctx.fake).map(scopeOf)).toEqual([{ project_id: '1' }, { project_id: '1' }])
    expect(result.outputs['project-id']).toBe('1')
    expect(visibleLog(result).some(line => line.includes('project_id 1'))).toBe(true)
    expectKeySafe(result)
  })

  test('a progress request naming another project is not found: the error says which id', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2', { 'project-id': '99' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(polls(ctx.fake).every(request => request.query.project_id === '99')).toBe(true)
    expect(result.outputs.error).toMatch(/does not know the progress id/)
    expectKeySafe(result)
  }, 60_000)
})

describe('an organization-level API key, and a start answer without project_id', () => {
  const ctx = useFake({ organizationKey: true, answerProjectId: false })

  test('generate mode with only agent-id: every poll names agent_id', async () => {
    const result = await run({ inputs: generateInputs(ctx.fake) })

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    expect(polls(ctx.fake).map(scopeOf)).toEqual([{ agent_id: String(DEMO_AGENT_ID) }, { agent_id: String(DEMO_AGENT_ID) }])
    expect(result.outputs['project-id']).toBe('')
    expectKeySafe(result)
  })

  test('generate mode with project-id: the input scopes every poll and is the project-id output', async () => {
    const result = await run({ inputs: generateInputs(ctx.fake, { 'project-id': '1' }) })

    expect(result.code).toBe(0)
    expect(polls(ctx.fake).map(scopeOf)).toEqual([{ project_id: '1' }, { project_id: '1' }])
    expect(result.outputs['project-id']).toBe('1')
    expectKeySafe(result)
  })
})

describe('a key scoped to one project', () => {
  const ctx = useFake()

  test('poll mode names no tenant, as before', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2') })

    expect(result.code).toBe(0)
    expect(polls(ctx.fake).map(scopeOf)).toEqual([{}, {}])
    expect(result.outputs['project-id']).toBe('')
    expect(result.summary).not.toMatch(/^\| Project \|/m)
    expectKeySafe(result)
  })
})

describe('every job state', () => {
  const ctx = useFake()

  test('needs_agent_clarification ends the wait at the answer that says so, with a clear error', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'needs-agent-clarification', { 'poll-interval': '1s', 'max-poll-interval': '5s' })
    })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    // in_progress, then needs_agent_clarification: no poll after it
    expect(polls(ctx.fake).map(request => request.response?.status)).toEqual([200, 200])
    const [, second] = polls(ctx.fake)
    expect(result.exitedAt - (second?.at ?? 0)).toBeLessThan(1000)
    const error = result.outputs.error ?? ''
    expect(error).toContain('waiting for a person')
    expect(error).toContain('needs_agent_clarification')
    expect(error).toContain('"AI needs you to select an agent for some evaluators."')
    expect(error).toContain('Cekura dashboard')
    expect(error).toContain('progress-id needs-agent-clarification')
    expectSummaryOf(result, 'failed', 2)
    expectKeySafe(result)
  })

  test('a status word the action does not know: the wait goes on, the log names it once, the summary shows it', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'unknown-status') })

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    expect(polls(ctx.fake)).toHaveLength(3)
    const named = visibleLog(result).filter(line => line.includes('does not know'))
    expect(named).toHaveLength(1)
    expect(named[0]).toContain("'thinking_deeply'")
    expect(result.summary).toContain('this action does not know: <code>thinking&#x5F;deeply</code>')
    expectSummaryOf(result, 'completed', 3)
    expectKeySafe(result)
  })
})

describe("Cekura's deploy windows", () => {
  const ctx = useFake()

  test('90 s of fast 503s, then the job answers: completed', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'storm-503-90000ms', { 'poll-interval': '1.25s', 'max-poll-interval': '5s', timeout: '3m' }),
      timeoutMs: 150_000
    })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    const requests = polls(ctx.fake)
    const statuses = requests.map(request => request.response?.status)
    expect(statuses.at(-1)).toBe(200)
    expect(statuses.slice(0, -1).every(status => status === 503)).toBe(true)
    expect(statuses.length).toBeGreaterThan(10)
    const first = requests[0]?.at ?? 0
    expect((requests.at(-2)?.at ?? 0) - first).toBeLessThan(90_000)
    expect((requests.at(-1)?.at ?? 0) - first).toBeGreaterThanOrEqual(90_000)
    // The log counts the run of faults in time and tries.
    expect(visibleLog(result).some(line => /HTTP 503 \(failing for 1m \d\ds \(\d+ tries in a row\)\)/.test(line))).toBe(true)
    expectSummaryOf(result, 'completed', requests.length)
    expectKeySafe(result)
  }, 180_000)

  test('503 until the timeout: timed out at the deadline, the error saying for how long and how many tries', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'storm-503-600000ms', { timeout: '4s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expect(result.outputs.error).toMatch(/kept failing for \d(\.\d)?s \(\d+ tries in a row\); the last: HTTP 503/)
    expectSummaryOf(result, 'timed-out', polls(ctx.fake).length)
    expectKeySafe(result)
  })
})

describe('server pacing', () => {
  const ctx = useFake()

  test('Retry-After: 4 on a processing answer delays the next poll by about 4 s', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'paced-retry-after-4', { 'poll-interval': '1.25s', 'max-poll-interval': '25s' })
    })

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    const [first, second, third] = polls(ctx.fake)
    expect(first?.response?.headers['Retry-After']).toBe('4')
    const gap = (second?.at ?? 0) - (first?.at ?? 0)
    expect(gap).toBeGreaterThanOrEqual(3950)
    expect(gap).toBeLessThan(4800)
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(3950)
    expect(visibleLog(result).filter(line => line.includes('next poll in 4s, as Retry-After asks'))).toHaveLength(2)
    expectKeySafe(result)
  })

  test('X-Poll-Interval: 3 sets the next wait; 60 is kept to max-poll-interval', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'paced-poll-interval-3', { 'poll-interval': '1.25s', 'max-poll-interval': '25s' })
    })

    expect(result.code).toBe(0)
    const [first, second] = polls(ctx.fake)
    const gap = (second?.at ?? 0) - (first?.at ?? 0)
    expect(gap).toBeGreaterThanOrEqual(2950)
    expect(gap).toBeLessThan(3800)
    expect(visibleLog(result).some(line => line.includes('as X-Poll-Interval asks'))).toBe(true)

    ctx.fake.reset()
    const capped = await run({
      inputs: fastInputs(ctx.fake, 'paced-poll-interval-60', { 'poll-interval': '1s', 'max-poll-interval': '2s' })
    })
    expect(capped.code).toBe(0)
    const [a, b] = polls(ctx.fake)
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeLessThan(2800)
    expect(visibleLog(capped).some(line => line.includes('X-Poll-Interval asked for 1m, kept to max-poll-interval'))).toBe(true)
    expectKeySafe(capped)
  })
})

describe('a short job the action starts itself', () => {
  const ctx = useFake()

  test('a 3 s job started in generate mode is noticed within about a second, with the default schedule', async () => {
    ctx.fake.setStartJob('answer-in-3000ms')
    const result = await run({
      inputs: generateInputs(ctx.fake, { 'poll-interval': undefined, 'max-poll-interval': undefined, timeout: undefined })
    })

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    const requests = polls(ctx.fake)
    const first = requests[0]?.at ?? 0
    const done = requests.find(request => /"status":"completed"/.test(request.response?.body ?? ''))
    const overshoot = (done?.at ?? Number.POSITIVE_INFINITY) - (first + 3000)
    // the schedule alone puts it 0.25–1.1 s late; allow a little for the machine
    expect(overshoot).toBeGreaterThanOrEqual(0)
    expect(overshoot).toBeLessThan(1300)
    expect(requests).toHaveLength(3)
    expectKeySafe(result)
  })
})
