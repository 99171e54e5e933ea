import { redactor } from '../../src/base/redact.js'
import type { Job, Report } from '../../src/base/types.js'
import type { CekuraApi, Scenario, StartedJob, StartMode } from '../../src/cekura/client.js'
import { CekuraFailure, type FailureKind } from '../../src/cekura/failure.js'
import { APPLY_MIN_MS, runJob, type JobPorts, type JobSpec } from '../../src/job/runner.js'
import { nextPollDelay } from '../../src/wait/schedule.js'
import { formatDuration } from '../../src/base/duration.js'
import {
  completed,
  fakeClock,
  fakeSleep,
  RUNNING,
  scriptedProgress,
  START,
  type Clock,
  type RequestRecord,
  type SleepRecord,
  type Step
} from './scripted-world.js'

// ---------------------------------------------------------------------------------------------
// The scripted world of the poll tests (./scripted-world.ts), with a fake Cekura client around its
// progress source: each call other than a poll answers from a script, may take time on the fake
// clock, and is recorded with its arguments in one ordered list. Nothing really waits and nothing
// touches the network.
// ---------------------------------------------------------------------------------------------

/** A scripted answer to a call other than a poll: a value, or an error; either may take time first. */
type Reply<T> =
  | { ok: T; takesMs?: number }
  | {
      fail: Error
      takesMs?: number
      /** The run is cancelled while the request is in flight, before the error arrives. */
      abort?: boolean
    }

type Call =
  | { method: 'getScenario'; at: number; id: number; deadline: number }
  | {
      method: 'startJob'
      at: number
      mode: StartMode
      body: Record<string, unknown>
      deadline: number
      fieldInputs: Record<string, string> | undefined
    }
  | { method: 'patchScenario'; at: number; id: number; body: Record<string, unknown>; deadline: number }
  | { method: 'getProgress'; at: number; progressId: string }

interface World {
  spec: JobSpec
  ports: JobPorts
  clock: Clock
  controller: AbortController
  /** Every client call, polls included, in order. */
  calls: Call[]
  requests: RequestRecord[]
  sleeps: SleepRecord[]
  logs: string[]
  /** Each onStarted call, with the client calls made before it. */
  started: Array<{ progressId: string; callsBefore: string[] }>
  /** The job's deadline: startedAt + timeoutMs. */
  deadline: number
}

const SCENARIO_ID = 5
const NEW_ID = 'prog-new'
const SCENARIO: Scenario = { id: SCENARIO_ID, name: 'Refund caller', agent: 42, instructions: 'Old scenario text.' }
const NEW_TEXT = 'Call the clinic, insist on a refund.'
const EXPECTED = 'The agent offers a refund politely.'

const POLL: Job = { mode: 'poll', progressId: 'prog-77' }
const GENERATE: Job = {
  mode: 'generate',
  agentId: 42,
  extraInstructions: 'An impatient caller.',
  requestBody: { name: 'Impatient caller', personality: 'grumpy' }
}
/** Improve with nothing given but the extra instructions: agent and text come from the scenario. */
const IMPROVE_FROM_SCENARIO: Job = { mode: 'improve', extraInstructions: 'Make the caller ruder.', requestBody: {} }
const IMPROVE_GIVEN: Job = {
  mode: 'improve',
  agentId: 77,
  extraInstructions: 'Make the caller ruder.',
  currentInstructions: 'Given old text.',
  currentInstructionsInput: 'current-instructions',
  requestBody: { language: 'fr' }
}

function world(
  job: Job,
  options: {
    spec?: Partial<Omit<JobSpec, 'job'>>
    /** The progress answers; after them the job stays running. */
    progress?: Step[]
    /** A progress id, or the whole answer (with the project the job runs in). */
    start?: Reply<string | StartedJob>
    scenario?: Reply<Scenario>
    patch?: Reply<void>
    /** Called at each sleep before the clock moves; return true to end it early (as an abort does). */
    onSleep?: (w: World, ms: number) => boolean | void
    /** Called at each log line, after it is recorded. */
    onLog?: (w: World, line: string) => void
  } = {}
): World {
  const clock = fakeClock(START)
  const controller = new AbortController()
  const spec: JobSpec = {
    job,
    apply: false,
    timeoutMs: 600_000,
    pollIntervalMs: 2000,
    maxPollIntervalMs: 30_000,
    ...options.spec
  }
  const w: World = {
    spec,
    ports: undefined as unknown as JobPorts,
    clock,
    controller,
    calls: [],
    requests: [],
    sleeps: [],
    logs: [],
    started: [],
    deadline: (spec.startedAt ?? START) + spec.timeoutMs
  }
  const deadline = (): number => w.deadline
  const progress = scriptedProgress(options.progress ?? [completed({ instructions: NEW_TEXT })], {
    clock,
    deadline,
    controller,
    requests: w.requests
  })

  async function answer<T>(reply: Reply<T>): Promise<T> {
    clock.advance(reply.takesMs ?? 0)
    if ('ok' in reply) return reply.ok
    if (reply.abort === true) controller.abort()
    throw reply.fail
  }

  const client: CekuraApi = {
    async startJob(mode, body, callDeadline, fieldInputs) {
      w.calls.push({ method: 'startJob', at: clock.now(), mode, body: structuredClone(body), deadline: callDeadline, fieldInputs })
      const started = await answer(options.start ?? { ok: NEW_ID })
      return typeof started === 'string' ? { progressId: started } : started
    },
    async getScenario(id, callDeadline) {
      w.calls.push({ method: 'getScenario', at: clock.now(), id, deadline: callDeadline })
      return answer(options.scenario ?? { ok: structuredClone(SCENARIO) })
    },
    async patchScenario(id, body, callDeadline) {
      w.calls.push({ method: 'patchScenario', at: clock.now(), id, body: structuredClone(body), deadline: callDeadline })
      return answer(options.patch ?? { ok: undefined })
    },
    async getProgress(progressId, call) {
      w.calls.push({ method: 'getProgress', at: clock.now(), progressId })
      return progress.getProgress(progressId, call)
    }
  }

  w.ports = {
    client,
    now: clock.now,
    sleep: fakeSleep({ clock, deadline, sleeps: w.sleeps, onSleep: ms => options.onSleep?.(w, ms) }),
    random: () => 0.5,
    cancel: controller.signal,
    log: line => {
      w.logs.push(line)
      options.onLog?.(w, line)
    },
    onStarted: progressId => {
      w.started.push({ progressId, callsBefore: methods(w) })
    }
  }
  return w
}

type Options = NonNullable<Parameters<typeof world>[1]>

function run(w: World): Promise<Report> {
  return runJob(w.spec, w.ports)
}

function methods(w: World): string[] {
  return w.calls.map(call => call.method)
}

function callsTo<M extends Call['method']>(w: World, method: M): Array<Extract<Call, { method: M }>> {
  return w.calls.filter((call): call is Extract<Call, { method: M }> => call.method === method)
}

function only<T>(list: T[]): T {
  expect(list).toHaveLength(1)
  return list[0] as T
}

/** Aborts the run half-way through the wait number `which` (1-based), which then ends early. */
function abortInSleep(which: number): (w: World, ms: number) => boolean {
  return (w, ms) => {
    if (w.sleeps.length !== which) return false
    w.clock.advance(ms / 2)
    w.controller.abort()
    return true
  }
}

/** The job ended before any job was followed: nothing polled, no progress id, no text. */
function expectNotFollowed(report: Report, w: World): void {
  expect(report.outcome).toMatchObject({ progressId: '', polls: 0, instructions: '', expectedOutcome: '', lastResponse: null })
  expect(callsTo(w, 'getProgress')).toHaveLength(0)
  expect(w.sleeps).toHaveLength(0)
  expect(callsTo(w, 'patchScenario')).toHaveLength(0)
}

/** When the schedule sends each poll of a job that never ends (no jitter at random 0.5), in ms from the first. */
function pollTimes(count: number, schedule = { pollIntervalMs: 2000, maxPollIntervalMs: 30_000 }): number[] {
  const times = [0]
  while (times.length < count) {
    const last = times[times.length - 1] as number
    times.push(last + nextPollDelay(last, schedule, () => 0.5))
  }
  return times
}

const OTHER_KINDS: FailureKind[] = ['not-sent', 'may-have-started', 'rejected', 'not-found', 'unavailable', 'fatal']

// ---------------------------------------------------------------------------------------------

describe('runJob: poll mode follows the given progress id', () => {
  it('completes: follows the id without reading or starting anything, with the text and timings', async () => {
    const w = world(POLL, {
      progress: [RUNNING, RUNNING, completed({ instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED })]
    })
    const report = await run(w)
    expect(report).toEqual({
      mode: 'poll',
      outcome: {
        status: 'completed',
        progressId: 'prog-77',
        instructions: NEW_TEXT,
        expectedOutcome: EXPECTED,
        error: '',
        lastResponse: { status: 'completed', instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED },
        polls: 3,
        // the schedule's first two waits (no jitter at random 0.5)
        elapsedMs: pollTimes(3)[2]
      }
    })
    expect(methods(w)).toEqual(['getProgress', 'getProgress', 'getProgress'])
    expect(w.requests.map(r => r.progressId)).toEqual(['prog-77', 'prog-77', 'prog-77'])
    expect(w.requests.map(r => r.at - START)).toEqual(pollTimes(3))
    // Each poll may be cut short by a cancel.
    for (const request of w.requests) expect(request.signal).toBe(w.controller.signal)
    // Nothing was started, so there is nothing new to hear of.
    expect(w.started).toEqual([])
    expect(w.logs).toHaveLength(3)
    expect(w.logs[0]).toBe('[0ms] processing; next poll in 2s')
    expect(w.logs[2]).toBe(`[${formatDuration(pollTimes(3)[2] as number)}] completed: instructions received (36 characters)`)
  })

  it('fails when Cekura reports the job failed, with its error', async () => {
    const w = world(POLL, { progress: [RUNNING, { kind: 'ok', body: { status: 'failed', error: 'The LLM refused the request.' } }] })
    const report = await run(w)
    expect(report.outcome).toMatchObject({
      status: 'failed',
      progressId: 'prog-77',
      instructions: '',
      polls: 2,
      elapsedMs: 2000,
      lastResponse: { status: 'failed', error: 'The LLM refused the request.' }
    })
    expect(report.outcome.error).toBe('Cekura reported the job as failed: The LLM refused the request.')
    expect(callsTo(w, 'getProgress')).toHaveLength(2)
  })

  it('times out when the job keeps running past timeoutMs', async () => {
    const w = world(POLL, { progress: [], spec: { timeoutMs: 30_000 } })
    const report = await run(w)
    expect(report.outcome.status).toBe('timed-out')
    expect(report.outcome.progressId).toBe('prog-77')
    expect(report.outcome.elapsedMs).toBe(30_000)
    // Polls as the schedule sends them within the 30 s, then the time left.
    const expected = pollTimes(20).filter(at => at < 30_000)
    expect(report.outcome.polls).toBe(expected.length)
    expect(w.requests.map(r => r.at - START)).toEqual(expected)
    expect(w.clock.now()).toBe(w.deadline)
    expect(report.outcome.error).toContain('30s')
    expect(report.outcome.error).toContain(`${expected.length} polls`)
    expect(report.outcome.error).toContain('Raise the timeout input')
    expect(report.outcome.instructions).toBe('')
    for (const sleep of w.sleeps) expect(sleep.ms).toBeLessThanOrEqual(sleep.left)
  })

  it('counts the timeout from spec.startedAt when it began before the call', async () => {
    const w = world(POLL, { progress: [], spec: { timeoutMs: 10_000, startedAt: START - 8000 } })
    const report = await run(w)
    expect(report.outcome.status).toBe('timed-out')
    // Only 2 s were left: the first request was given them all, and the run ends 2 s after the call.
    expect(w.requests[0]?.timeoutMs).toBe(2000)
    expect(w.clock.now()).toBe(START + 2000)
    expect(report.outcome.elapsedMs).toBe(10_000)
  })

  it('ends as cancelled when the signal aborts during the wait', async () => {
    const w = world(POLL, { progress: [], onSleep: abortInSleep(2) })
    const report = await run(w)
    expect(report.outcome).toMatchObject({
      status: 'cancelled',
      progressId: 'prog-77',
      error: 'The run was cancelled while waiting for the job.',
      polls: 2,
      instructions: '',
      lastResponse: { status: 'processing' },
      // polls at 0 and 2 s; the second wait is cut at its half
      elapsedMs: 2000 + ((pollTimes(3)[2] as number) - 2000) / 2
    })
    expect(callsTo(w, 'getProgress')).toHaveLength(2)
  })

  it('passes its redact to the poll loop, for response text quoted in an error', async () => {
    const key = 'ck_live_0a1b2c3d4e5f6a7b8c9d'
    const w = world(POLL, { progress: [{ kind: 'ok', body: { status: 'failed', error: `bad key ${key} sent` } }] })
    const report = await runJob(w.spec, { ...w.ports, redact: redactor(key) })
    expect(report.outcome.status).toBe('failed')
    expect(report.outcome.error).toContain('bad key *** sent')
    expect(report.outcome.error).not.toContain(key)
  })
})

describe('runJob: generate', () => {
  it('completes: one POST with the agent, extra instructions and request-body fields, naming the inputs; then polls', async () => {
    const w = world(GENERATE, { progress: [RUNNING, completed({ instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED })] })
    const report = await run(w)

    const start = only(callsTo(w, 'startJob'))
    expect(start.mode).toBe('generate')
    expect(start.body).toEqual({ name: 'Impatient caller', personality: 'grumpy', agent: 42, extra_instructions: 'An impatient caller.' })
    expect(start.fieldInputs).toEqual({
      agent: 'agent-id',
      extra_instructions: 'extra-instructions',
      name: 'request-body',
      personality: 'request-body'
    })
    expect(start.deadline).toBe(START + 600_000)
    expect(methods(w)).toEqual(['startJob', 'getProgress', 'getProgress'])
    expect(w.requests.map(r => r.progressId)).toEqual([NEW_ID, NEW_ID])

    expect(report).toEqual({
      mode: 'generate',
      agentId: 42,
      extraInstructions: 'An impatient caller.',
      outcome: {
        status: 'completed',
        progressId: NEW_ID,
        instructions: NEW_TEXT,
        expectedOutcome: EXPECTED,
        error: '',
        lastResponse: { status: 'completed', instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED },
        polls: 2,
        elapsedMs: 2000
      }
    })
    expect(w.started).toEqual([{ progressId: NEW_ID, callsBefore: ['startJob'] }])
    expect(w.logs[0]).toBe(`Started the generate job: progress id ${NEW_ID}.`)
    expect(w.logs.slice(1)).toEqual([
      'Progress requests name agent_id 42 as their tenant.',
      expect.stringMatching(/^\[0ms\] processing/),
      expect.stringMatching(/^\[2s\] completed/)
    ])
  })

  it('hears of the progress id once, before the first poll, even when the job then fails', async () => {
    const w = world(GENERATE, { progress: [{ kind: 'fatal', message: 'Cekura refused the API key (HTTP 401).' }] })
    const report = await run(w)
    expect(report.outcome.status).toBe('failed')
    expect(report.outcome.progressId).toBe(NEW_ID)
    expect(w.started).toEqual([{ progressId: NEW_ID, callsBefore: ['startJob'] }])
  })

  it('counts the time the POST took in the elapsed time, from the start of the call', async () => {
    const w = world(GENERATE, { start: { ok: NEW_ID, takesMs: 1500 }, progress: [RUNNING, RUNNING, completed()] })
    const report = await run(w)
    const firstPoll = only(w.requests.slice(0, 1))
    expect(firstPoll.at).toBe(START + 1500)
    const slept = w.sleeps.reduce((sum, sleep) => sum + sleep.ms, 0)
    expect(w.sleeps).toHaveLength(2)
    expect(report.outcome.elapsedMs).toBe(1500 + slept)
    expect(w.clock.now() - START).toBe(report.outcome.elapsedMs)
  })

  it('gives the POST the deadline counted from spec.startedAt', async () => {
    const w = world(GENERATE, { spec: { timeoutMs: 60_000, startedAt: START - 5000 } })
    await run(w)
    expect(only(callsTo(w, 'startJob')).deadline).toBe(START + 55_000)
  })

  it('never reads the scenario, and reports its id', async () => {
    const w = world(GENERATE, { spec: { scenarioId: SCENARIO_ID } })
    const report = await run(w)
    expect(methods(w)).toEqual(['startJob', 'getProgress'])
    expect(report.scenarioId).toBe(SCENARIO_ID)
    expect(report.outcome.status).toBe('completed')
    expect('applied' in report).toBe(false)
  })
})

describe('runJob: improve', () => {
  it('with agent and text given: does not read the scenario; the POST carries the text and names its input', async () => {
    const w = world(IMPROVE_GIVEN, { spec: { scenarioId: SCENARIO_ID } })
    const report = await run(w)

    expect(methods(w)).toEqual(['startJob', 'getProgress'])
    const start = only(callsTo(w, 'startJob'))
    expect(start.mode).toBe('improve')
    expect(start.body).toEqual({
      language: 'fr',
      agent: 77,
      extra_instructions: 'Make the caller ruder.',
      current_instructions: 'Given old text.'
    })
    expect(start.fieldInputs).toEqual({
      agent: 'agent-id',
      extra_instructions: 'extra-instructions',
      language: 'request-body',
      current_instructions: 'current-instructions'
    })
    expect(report).toMatchObject({
      mode: 'improve',
      scenarioId: SCENARIO_ID,
      agentId: 77,
      extraInstructions: 'Make the caller ruder.',
      currentInstructions: 'Given old text.'
    })
    expect(report.outcome).toMatchObject({ status: 'completed', progressId: NEW_ID, instructions: NEW_TEXT, polls: 1, elapsedMs: 0 })
    expect(w.started).toEqual([{ progressId: NEW_ID, callsBefore: ['startJob'] }])
    expect(w.logs[0]).toBe(`Started the improve job: progress id ${NEW_ID}.`)
  })

  it('with the text from current-instructions-file: the field names that input', async () => {
    const w = world({ ...IMPROVE_GIVEN, currentInstructionsInput: 'current-instructions-file' })
    await run(w)
    expect(only(callsTo(w, 'startJob')).fieldInputs?.current_instructions).toBe('current-instructions-file')
  })

  it('with neither given: reads agent and text from the scenario first, and names scenario-id for them', async () => {
    const w = world(IMPROVE_FROM_SCENARIO, {
      spec: { scenarioId: SCENARIO_ID },
      scenario: { ok: structuredClone(SCENARIO), takesMs: 400 },
      progress: [RUNNING, completed({ instructions: NEW_TEXT })]
    })
    const report = await run(w)

    expect(methods(w)).toEqual(['getScenario', 'startJob', 'getProgress', 'getProgress'])
    const read = only(callsTo(w, 'getScenario'))
    expect(read).toMatchObject({ id: SCENARIO_ID, deadline: START + 600_000, at: START })
    const start = only(callsTo(w, 'startJob'))
    expect(start.at).toBe(START + 400)
    expect(start.body).toEqual({ agent: 42, extra_instructions: 'Make the caller ruder.', current_instructions: 'Old scenario text.' })
    expect(start.fieldInputs).toEqual({
      agent: 'scenario-id',
      extra_instructions: 'extra-instructions',
      current_instructions: 'scenario-id'
    })
    expect(report).toMatchObject({
      mode: 'improve',
      scenarioId: SCENARIO_ID,
      agentId: 42,
      currentInstructions: 'Old scenario text.',
      extraInstructions: 'Make the caller ruder.'
    })
    expect(report.outcome).toMatchObject({ status: 'completed', instructions: NEW_TEXT, polls: 2 })
    expect(report.outcome.elapsedMs).toBe(400 + (w.sleeps[0]?.ms ?? NaN))
    expect(w.started).toEqual([{ progressId: NEW_ID, callsBefore: ['getScenario', 'startJob'] }])
    expect(w.logs.slice(0, 2)).toEqual([
      `Reading scenario ${SCENARIO_ID} for its agent and instructions.`,
      `Started the improve job: progress id ${NEW_ID}.`
    ])
  })

  it('with only the text given: reads the agent from the scenario and keeps the given text', async () => {
    const { agentId: _agent, ...noAgent } = IMPROVE_GIVEN as Extract<Job, { mode: 'improve' }>
    const w = world(noAgent, { spec: { scenarioId: SCENARIO_ID } })
    const report = await run(w)

    expect(methods(w)).toEqual(['getScenario', 'startJob', 'getProgress'])
    const start = only(callsTo(w, 'startJob'))
    expect(start.body).toMatchObject({ agent: 42, current_instructions: 'Given old text.' })
    expect(start.fieldInputs).toMatchObject({ agent: 'scenario-id', current_instructions: 'current-instructions' })
    expect(report).toMatchObject({ agentId: 42, currentInstructions: 'Given old text.' })
    expect(w.logs[0]).toBe(`Reading scenario ${SCENARIO_ID} for its agent.`)
  })

  it('with only the agent given: reads the text from the scenario and keeps the given agent', async () => {
    const w = world(
      { mode: 'improve', agentId: 77, extraInstructions: 'Ruder.', requestBody: {} },
      { spec: { scenarioId: SCENARIO_ID }, scenario: { ok: { ...SCENARIO, agent: 99 } } }
    )
    const report = await run(w)

    expect(methods(w)).toEqual(['getScenario', 'startJob', 'getProgress'])
    const start = only(callsTo(w, 'startJob'))
    expect(start.body).toEqual({ agent: 77, extra_instructions: 'Ruder.', current_instructions: 'Old scenario text.' })
    expect(start.fieldInputs).toMatchObject({ agent: 'agent-id', current_instructions: 'scenario-id' })
    expect(report).toMatchObject({ agentId: 77, currentInstructions: 'Old scenario text.' })
    expect(w.logs[0]).toBe(`Reading scenario ${SCENARIO_ID} for its instructions.`)
  })

  it.each<[string, unknown]>([
    ['a number', 42],
    ['a numeric string', '42'],
    ['an object with an id', { id: 42, name: 'Support bot' }],
    ['an object with a numeric-string id', { id: '42' }]
  ])("reads the scenario's agent given as %s", async (_name, agent) => {
    const w = world(IMPROVE_FROM_SCENARIO, { spec: { scenarioId: SCENARIO_ID }, scenario: { ok: { ...SCENARIO, agent } } })
    const report = await run(w)
    expect(only(callsTo(w, 'startJob')).body.agent).toBe(42)
    expect(report.agentId).toBe(42)
  })

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['zero', 0],
    ['negative', -3],
    ['a fraction', 1.5],
    ['not a number', 'abc'],
    ['an empty string', ''],
    ['an object without an id', { name: 'Support bot' }],
    ['an object with a null id', { id: null }],
    ['a list', [42]],
    ['a boolean', true]
  ])("fails naming agent-id when the scenario's agent is %s, starting nothing", async (_name, agent) => {
    const w = world(IMPROVE_FROM_SCENARIO, { spec: { scenarioId: SCENARIO_ID }, scenario: { ok: { ...SCENARIO, agent }, takesMs: 250 } })
    const report = await run(w)
    expect(report.outcome.status).toBe('failed')
    expect(report.outcome.error).toBe(`Scenario ${SCENARIO_ID} has no agent id that could be read; set the agent-id input.`)
    expect(report.outcome.elapsedMs).toBe(250)
    expect(methods(w)).toEqual(['getScenario'])
    expect(report.agentId).toBeUndefined()
    expect(w.started).toEqual([])
    expectNotFollowed(report, w)
  })

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['a number', 12],
    ['an object', { text: 'Old.' }],
    ['a list', ['Old.']]
  ])('fails naming the current-instructions inputs when the scenario text is %s, starting nothing', async (_name, instructions) => {
    const w = world(IMPROVE_FROM_SCENARIO, { spec: { scenarioId: SCENARIO_ID }, scenario: { ok: { ...SCENARIO, instructions } } })
    const report = await run(w)
    expect(report.outcome.status).toBe('failed')
    expect(report.outcome.error).toBe(
      `Scenario ${SCENARIO_ID} has no instructions text to improve; give it with current-instructions or current-instructions-file.`
    )
    expect(methods(w)).toEqual(['getScenario'])
    expect(report.currentInstructions).toBeUndefined()
    expect(w.started).toEqual([])
    expectNotFollowed(report, w)
  })
})

describe('runJob: a failure before polling decides the ending by its kind', () => {
  const cases: Array<[string, Job, 'startJob' | 'getScenario']> = [
    ['startJob (generate)', GENERATE, 'startJob'],
    ['startJob (improve, after reading the scenario)', IMPROVE_FROM_SCENARIO, 'startJob'],
    ['getScenario (improve)', IMPROVE_FROM_SCENARIO, 'getScenario']
  ]

  /** A world where `where` fails with `failure` after 1234 ms, perhaps while the run is cancelled. */
  function failing(job: Job, where: 'startJob' | 'getScenario', failure: Error, abort = false): World {
    const reply = { fail: failure, takesMs: 1234, abort }
    return world(job, { spec: { scenarioId: SCENARIO_ID }, ...(where === 'startJob' ? { start: reply } : { scenario: reply }) })
  }

  function expectStoppedAt(w: World, job: Job, where: 'startJob' | 'getScenario'): void {
    const before = job.mode === 'improve' ? ['getScenario'] : []
    expect(methods(w)).toEqual(where === 'startJob' ? [...before, 'startJob'] : ['getScenario'])
    expect(w.started).toEqual([])
  }

  describe.each(cases)('%s', (_name, job, where) => {
    it.each(OTHER_KINDS)("'%s' ends as failed with the failure's message", async kind => {
      const message = `Something ${kind} happened (from ${where}).`
      const w = failing(job, where, new CekuraFailure(kind, message, 400))
      const report = await run(w)
      expect(report.outcome.status).toBe('failed')
      expect(report.outcome.error).toBe(message)
      expect(report.outcome.elapsedMs).toBe(1234)
      expectNotFollowed(report, w)
      expectStoppedAt(w, job, where)
      expect(report.mode).toBe(job.mode)
      expect(report.scenarioId).toBe(SCENARIO_ID)
    })

    it("'cancelled' ends as cancelled, saying so first", async () => {
      const message = 'Could not read scenario 5: the request was aborted.'
      const w = failing(job, where, new CekuraFailure('cancelled', message))
      const report = await run(w)
      expect(report.outcome.status).toBe('cancelled')
      expect(report.outcome.error).toBe(`The run was cancelled. ${message}`)
      expect(report.outcome.elapsedMs).toBe(1234)
      expectNotFollowed(report, w)
      expectStoppedAt(w, job, where)
    })

    it("'timed-out' ends as timed-out, naming the timeout and saying to raise it", async () => {
      const message = 'Could not reach Cekura: HTTP 503.'
      const w = failing(job, where, new CekuraFailure('timed-out', message))
      const report = await run(w)
      expect(report.outcome.status).toBe('timed-out')
      expect(report.outcome.error).toBe(
        `The timeout (10m) ran out before the job could be followed. ${message} Raise the timeout input if Cekura needs longer.`
      )
      expect(report.outcome.elapsedMs).toBe(1234)
      expectNotFollowed(report, w)
      expectStoppedAt(w, job, where)
    })

    it.each([...OTHER_KINDS, 'timed-out' as const])("'%s' while the run is being cancelled ends as cancelled", async kind => {
      const message = `A ${kind} failure.`
      const w = failing(job, where, new CekuraFailure(kind, message), true)
      const report = await run(w)
      expect(w.controller.signal.aborted).toBe(true)
      expect(report.outcome.status).toBe('cancelled')
      expect(report.outcome.error).toBe(`The run was cancelled. ${message}`)
      expectNotFollowed(report, w)
      expectStoppedAt(w, job, where)
    })
  })

  it('formats the timeout it names', async () => {
    const w = world(GENERATE, { spec: { timeoutMs: 90_000 }, start: { fail: new CekuraFailure('timed-out', 'No answer.') } })
    const report = await run(w)
    expect(report.outcome.error).toMatch(/^The timeout \(1m 30s\) ran out/)
  })

  it('keeps what the scenario gave in the report when the start then fails', async () => {
    const w = world(IMPROVE_FROM_SCENARIO, {
      spec: { scenarioId: SCENARIO_ID },
      start: { fail: new CekuraFailure('rejected', 'Cekura refused to start the improve job (HTTP 400).', 400) }
    })
    const report = await run(w)
    expect(report.outcome.status).toBe('failed')
    expect(report).toMatchObject({ agentId: 42, currentInstructions: 'Old scenario text.', scenarioId: SCENARIO_ID })
  })

  it('keeps the given agent in the report when the scenario cannot be read', async () => {
    const w = world(
      { mode: 'improve', agentId: 77, extraInstructions: 'Ruder.', requestBody: {} },
      {
        spec: { scenarioId: SCENARIO_ID },
        scenario: { fail: new CekuraFailure('not-found', 'Could not read scenario 5: no such scenario.', 404) }
      }
    )
    const report = await run(w)
    expect(report.outcome.error).toBe('Could not read scenario 5: no such scenario.')
    expect(report).toMatchObject({ mode: 'improve', agentId: 77, extraInstructions: 'Ruder.', scenarioId: SCENARIO_ID })
    expect(report.currentInstructions).toBeUndefined()
  })
})

describe('runJob: apply saves the text into the scenario', () => {
  const APPLY = { scenarioId: SCENARIO_ID, apply: true }

  it('saves a completed text with its expected outcome, then reports applied', async () => {
    const w = world(IMPROVE_FROM_SCENARIO, {
      spec: APPLY,
      progress: [RUNNING, completed({ instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED })]
    })
    const report = await run(w)

    expect(methods(w)).toEqual(['getScenario', 'startJob', 'getProgress', 'getProgress', 'patchScenario'])
    const patch = only(callsTo(w, 'patchScenario'))
    expect(patch.id).toBe(SCENARIO_ID)
    expect(patch.body).toEqual({ instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED })
    // Far from the job's deadline: the save works to that deadline.
    expect(patch.deadline).toBe(START + 600_000)
    expect(report.applied).toBe(true)
    expect(report.outcome).toMatchObject({
      status: 'completed',
      error: '',
      instructions: NEW_TEXT,
      expectedOutcome: EXPECTED,
      progressId: NEW_ID
    })
    expect(w.logs.at(-1)).toBe(`Saved the new instructions into scenario ${SCENARIO_ID}.`)
  })

  it('saves only the instructions when the job returned no expected outcome', async () => {
    const w = world(GENERATE, { spec: APPLY, progress: [completed({ instructions: NEW_TEXT })] })
    const report = await run(w)
    expect(only(callsTo(w, 'patchScenario')).body).toEqual({ instructions: NEW_TEXT })
    expect(report.applied).toBe(true)
  })

  it('saves in poll mode too', async () => {
    const w = world(POLL, { spec: APPLY, progress: [completed({ instructions: NEW_TEXT })] })
    const report = await run(w)
    expect(methods(w)).toEqual(['getProgress', 'patchScenario'])
    expect(report).toMatchObject({ mode: 'poll', scenarioId: SCENARIO_ID, applied: true })
  })

  it.each<[string, number, number]>([
    // the job's deadline in 1 s when it completes
    ['is about to pass', 9000, 0],
    // time passed after the last poll (a slow log line) and the job's deadline is gone
    ['has passed', 0, 12_000]
  ])('gives the save at least APPLY_MIN_MS after now when the job deadline %s', async (_name, pollTakesMs, afterPollMs) => {
    const w = world(GENERATE, {
      spec: { ...APPLY, timeoutMs: 10_000 },
      progress: [{ answer: completed({ instructions: NEW_TEXT }), takesMs: pollTakesMs }],
      onLog: (current, line) => {
        if (line.includes('instructions received')) current.clock.advance(afterPollMs)
      }
    })
    const report = await run(w)
    const patch = only(callsTo(w, 'patchScenario'))
    expect(patch.at).toBe(START + pollTakesMs + afterPollMs)
    expect(patch.deadline).toBe(patch.at + APPLY_MIN_MS)
    expect(patch.deadline).toBeGreaterThan(w.deadline)
    expect(APPLY_MIN_MS).toBeGreaterThanOrEqual(3000)
    expect(report.applied).toBe(true)
  })

  it.each<[string, Options, string]>([
    ['failed', { progress: [{ kind: 'ok', body: { status: 'failed', error: 'No.' } }] }, 'failed'],
    ['was cancelled by Cekura', { progress: [{ kind: 'ok', body: { status: 'cancelled' } }] }, 'cancelled'],
    ['timed out', { progress: [], spec: { ...APPLY, timeoutMs: 5000 } }, 'timed-out'],
    ['was cancelled during the wait', { progress: [], onSleep: abortInSleep(1) }, 'cancelled']
  ])('does not save when the job %s: applied false, no PATCH', async (_name, options, status) => {
    const w = world(GENERATE, { spec: APPLY, ...options })
    const report = await run(w)
    expect(report.outcome.status).toBe(status)
    expect(report.applied).toBe(false)
    expect(callsTo(w, 'patchScenario')).toHaveLength(0)
    expect(w.logs.some(line => line.startsWith('Saved'))).toBe(false)
  })

  it.each<[string, Options, string]>([
    [
      'the scenario cannot be read',
      { scenario: { fail: new CekuraFailure('unavailable', 'Could not read scenario 5: HTTP 503') } },
      'failed'
    ],
    ['the start is refused', { start: { fail: new CekuraFailure('rejected', 'Refused.') } }, 'failed'],
    ['the start times out', { start: { fail: new CekuraFailure('timed-out', 'No answer.') } }, 'timed-out'],
    ['the run is cancelled during the start', { start: { fail: new CekuraFailure('cancelled', 'Aborted.') } }, 'cancelled']
  ])('does not save when %s before polling: applied false, no PATCH', async (_name, options, status) => {
    const w = world(IMPROVE_FROM_SCENARIO, { spec: APPLY, ...options })
    const report = await run(w)
    expect(report.outcome.status).toBe(status)
    expect(report.outcome.polls).toBe(0)
    expect(callsTo(w, 'patchScenario')).toHaveLength(0)
    expect(report.applied).toBe(false)
  })

  it.each(['not-sent', 'may-have-started', 'rejected', 'not-found', 'unavailable', 'fatal', 'timed-out'] as FailureKind[])(
    "a PATCH failing with '%s' leaves the job completed, not applied, saying the text was not saved",
    async kind => {
      const message = `Could not save the instructions into scenario 5: a ${kind} problem.`
      const w = world(GENERATE, {
        spec: APPLY,
        progress: [RUNNING, completed({ instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED })],
        patch: { fail: new CekuraFailure(kind, message), takesMs: 700 }
      })
      const report = await run(w)
      expect(report.applied).toBe(false)
      expect(report.outcome.status).toBe('completed')
      expect(report.outcome.error.startsWith('The instructions were produced but not saved: ')).toBe(true)
      expect(report.outcome.error).toContain(message)
      expect(report.outcome.error).toContain('instructions-file')
      // The text and the job's own figures are kept: it is still the job's result.
      expect(report.outcome).toMatchObject({
        progressId: NEW_ID,
        instructions: NEW_TEXT,
        expectedOutcome: EXPECTED,
        polls: 2,
        elapsedMs: 2000
      })
      expect(only(callsTo(w, 'patchScenario')).body).toEqual({ instructions: NEW_TEXT, expected_outcome_prompt: EXPECTED })
      expect(w.logs.some(line => line.startsWith('Saved'))).toBe(false)
    }
  )

  it.each<[string, Reply<void>]>([
    ["fails with 'cancelled'", { fail: new CekuraFailure('cancelled', 'Could not save: the request was aborted.') }],
    [
      'fails while the run is being cancelled',
      { fail: new CekuraFailure('unavailable', 'Could not save: the request was aborted.'), abort: true }
    ]
  ])('a PATCH that %s ends as cancelled while saving, keeping the text', async (_name, patch) => {
    const w = world(GENERATE, { spec: APPLY, progress: [completed({ instructions: NEW_TEXT })], patch })
    const report = await run(w)
    expect(report.outcome.status).toBe('cancelled')
    expect(report.applied).toBe(false)
    expect(report.outcome.error.startsWith('The run was cancelled while saving. The instructions were produced but not saved: ')).toBe(true)
    expect(report.outcome.error).toContain('Could not save: the request was aborted.')
    expect(report.outcome).toMatchObject({ progressId: NEW_ID, instructions: NEW_TEXT, polls: 1 })
    expect(callsTo(w, 'patchScenario')).toHaveLength(1)
  })

  it('without apply: no PATCH even with a scenario, and applied is absent from the report', async () => {
    const w = world(IMPROVE_FROM_SCENARIO, { spec: { scenarioId: SCENARIO_ID, apply: false } })
    const report = await run(w)
    expect(report.outcome.status).toBe('completed')
    expect(methods(w)).toEqual(['getScenario', 'startJob', 'getProgress'])
    expect('applied' in report).toBe(false)
  })
})

describe('runJob: errors that are not CekuraFailures', () => {
  it.each<[string, Options]>([
    ['getScenario', { scenario: { fail: new TypeError('boom') } }],
    ['startJob', { start: { fail: new TypeError('boom') } }],
    ['patchScenario', { patch: { fail: new TypeError('boom') } }]
  ])('thrown by %s propagate: runJob rejects with the same error', async (method, options) => {
    const w = world(IMPROVE_FROM_SCENARIO, { spec: { scenarioId: SCENARIO_ID, apply: true }, ...options })
    const thrown = (options.scenario ?? options.start ?? options.patch) as { fail: Error }
    await expect(run(w)).rejects.toBe(thrown.fail)
    expect(methods(w).at(-1)).toBe(method)
  })

  it('thrown by getProgress propagate too', async () => {
    const w = world(POLL)
    const error = new RangeError('bad poll')
    w.ports.client.getProgress = async () => {
      throw error
    }
    await expect(run(w)).rejects.toBe(error)
  })
})

describe('runJob: the report', () => {
  it.each<[string, () => World]>([
    ['completed', () => world(GENERATE)],
    ['completed and applied', () => world(GENERATE, { spec: { scenarioId: SCENARIO_ID, apply: true } })],
    ['failed before polling', () => world(GENERATE, { start: { fail: new CekuraFailure('rejected', 'No.') } })],
    [
      'not saved',
      () => world(GENERATE, { spec: { scenarioId: SCENARIO_ID, apply: true }, patch: { fail: new CekuraFailure('rejected', 'No.') } })
    ],
    [
      'cancelled while saving',
      () => world(GENERATE, { spec: { scenarioId: SCENARIO_ID, apply: true }, patch: { fail: new CekuraFailure('cancelled', 'No.') } })
    ],
    ['timed out', () => world(POLL, { progress: [], spec: { timeoutMs: 3000 } })]
  ])('is frozen (%s)', async (_name, make) => {
    const report = await run(make())
    expect(Object.isFrozen(report)).toBe(true)
    expect(() => {
      ;(report as { applied?: boolean }).applied = !report.applied
    }).toThrow(TypeError)
  })

  it('leaves out the fields of modes that do not have them', async () => {
    const poll = await run(world(POLL, { spec: { scenarioId: SCENARIO_ID } }))
    expect(Object.keys(poll).sort()).toEqual(['mode', 'outcome', 'scenarioId'])
    const generate = await run(world(GENERATE))
    expect(Object.keys(generate).sort()).toEqual(['agentId', 'extraInstructions', 'mode', 'outcome'])
  })
})

// The edges mutation testing found unpinned: the project a job runs in, what a cancel before the start
// sends, the pace a batch gives, and the keys a report holds when a job ends before it was followed.
describe('runJob: the project the job runs in', () => {
  it.each<[string, number | undefined, number | undefined, number | undefined, boolean]>([
    ['the answer names another project than the input: that one, saying so', 9, 3, 9, true],
    ['the answer names the same project: no remark', 3, 3, 3, false],
    ['only the answer names one: that one', 9, undefined, 9, false],
    ['only the input names one: that one', undefined, 3, 3, false],
    ['neither: none', undefined, undefined, undefined, false]
  ])('%s', async (_name, answered, given, expected, remarked) => {
    const w = world(GENERATE, {
      spec: given === undefined ? {} : { projectId: given },
      start: { ok: answered === undefined ? { progressId: NEW_ID } : { progressId: NEW_ID, projectId: answered } }
    })
    const report = await run(w)
    expect(report.projectId).toBe(expected)
    expect('projectId' in report).toBe(expected !== undefined)
    expect(w.logs[0]).toBe(`Started the generate job: progress id ${NEW_ID}${answered === undefined ? '' : `, project ${answered}`}.`)
    const remark = `Cekura started the job in project ${answered}, not in project ${given} (project-id); following it there.`
    expect(w.logs.includes(remark)).toBe(remarked)
    expect(w.logs).toContain(
      expected === undefined
        ? 'Progress requests name agent_id 42 as their tenant.'
        : `Progress requests name project_id ${expected} as their tenant.`
    )
  })
})

describe('runJob: edges', () => {
  it('a run cancelled before it starts sends nothing and says so', async () => {
    const w = world(GENERATE)
    w.controller.abort()
    const report = await run(w)
    expect(w.calls).toEqual([])
    expect(report.outcome.status).toBe('cancelled')
    expect(report.outcome.error).toBe('The run was cancelled. Nothing was sent to Cekura.')
  })

  it("follows the batch's pace between polls when it gives one", async () => {
    const w = world(POLL, { progress: [RUNNING, RUNNING, completed({ instructions: NEW_TEXT })] })
    const asked: Array<[number, number]> = []
    w.ports.pace = (elapsedMs, waitMs) => {
      asked.push([elapsedMs, waitMs])
      return 7000
    }
    const report = await run(w)
    expect(asked.length).toBe(2)
    expect(w.sleeps.map(sleep => sleep.ms)).toEqual([7000, 7000])
    expect(report.outcome.elapsedMs).toBe(14_000)
  })

  it('names the agent input by where the agent came from: agent-id when given, scenario-id when read', async () => {
    const given = world(IMPROVE_GIVEN, { spec: { scenarioId: SCENARIO_ID } })
    await run(given)
    expect(only(callsTo(given, 'startJob')).fieldInputs?.agent).toBe('agent-id')
    const read = world(IMPROVE_FROM_SCENARIO, { spec: { scenarioId: SCENARIO_ID } })
    await run(read)
    expect(only(callsTo(read, 'startJob')).fieldInputs?.agent).toBe('scenario-id')
  })

  it.each<[string, Job]>([
    ['a generate job', GENERATE],
    [
      'an improve job with an agent and no text or scenario',
      { mode: 'improve', agentId: 42, extraInstructions: 'Shorter.', requestBody: {} }
    ]
  ])('sends no current_instructions, not even an undefined one, for %s', async (_name, job) => {
    const w = world(job)
    await run(w)
    const start = only(callsTo(w, 'startJob'))
    expect(Object.keys(start.body).filter(key => key.startsWith('current'))).toEqual([])
    expect(Object.keys(start.fieldInputs ?? {})).not.toContain('current_instructions')
  })

  const refused = new CekuraFailure('fatal', 'Refused.')
  it.each<[string, Partial<JobSpec>, Options, string[]]>([
    [
      'with apply and a scenario: applied false',
      { apply: true, scenarioId: SCENARIO_ID },
      { scenario: { fail: refused } },
      ['applied', 'extraInstructions', 'mode', 'outcome', 'scenarioId']
    ],
    ['with apply but no scenario: no applied', { apply: true }, { start: { fail: refused } }, ['extraInstructions', 'mode', 'outcome']],
    [
      'with a scenario but no apply: no applied',
      { scenarioId: SCENARIO_ID },
      { scenario: { fail: refused } },
      ['extraInstructions', 'mode', 'outcome', 'scenarioId']
    ]
  ])('a job that fails before it is followed: %s, and no text it never had', async (_name, spec, options, keys) => {
    const report = await run(world(IMPROVE_FROM_SCENARIO, { spec, ...options }))
    expect(Object.keys(report).sort()).toEqual(keys)
    expect(report.outcome.status).toBe('failed')
    expect(report.outcome.error).toBe('Refused.')
    expect(report.applied).toBe(spec.apply === true && spec.scenarioId !== undefined ? false : undefined)
  })
})
