// End-to-end: a batch (scenario-ids), one improve job per scenario, at most `concurrency` at once, run
// through the committed dist/index.js under Node 24 against the fake Cekura server. The fake counts the
// jobs running at once and fails the test (in useFake's afterEach) if a POST ever makes more run than
// the concurrency the test set.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_TOKEN, startFakeGitHub } from '../support/fake-github.mjs'
import {
  type FakeCekura,
  type Job,
  jobs,
  improvedInstructions,
  type RecordedRequest,
  replies,
  type Scenario,
  type StartContext
} from '../support/fake-cekura.mjs'
import { errorText, expectAllOutputs, expectEndsAtDeadline, expectKeySafe, fastInputs, run, useFake, waitFor } from '../support/e2e.js'
import type { RunResult } from '../support/run-action.mjs'

const EXTRA = 'The agent now asks for the booking reference first.'

/** Scenarios 101..108, each with its own agent (1000 + id), so that the fake can tell their jobs apart. */
const SCENARIOS: Record<number, Partial<Scenario>> = Object.fromEntries(
  [101, 102, 103, 104, 105, 106, 107, 108].map(id => [
    id,
    {
      name: `Scenario ${id}`,
      agent: 1000 + id,
      instructions: `You are caller ${id}, phoning about booking ${id}.\n\nAsk to move it to next week.\nStay polite.`
    }
  ])
)
const textOf = (id: number): string => SCENARIOS[id]?.instructions ?? ''

/** What the job of each scenario does, by scenario id; the default for the rest. */
function startJobs(fake: FakeCekura, byScenario: Record<number, string | Job>, otherwise: string | Job): void {
  fake.setStartJob((ctx: StartContext) => byScenario[Number(ctx.body.agent) - 1000] ?? otherwise)
}

interface Result {
  scenario_id: number
  progress_id: string
  status: string
  error: string
  applied: boolean
  instructions_file: string
  polls: number
  elapsed_seconds: number
}

function results(result: RunResult): Result[] {
  return JSON.parse(result.outputs.results ?? '') as Result[]
}

function batchInputs(fake: FakeCekura, ids: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const inputs = fastInputs(fake, '', { 'progress-id': undefined, 'scenario-ids': ids, 'extra-instructions': EXTRA, ...extra })
  // The fake fails the test if more jobs than this ever run at once.
  fake.setMaxRunningJobs(Number(inputs.concurrency ?? '3'))
  return inputs
}

const at = (fake: FakeCekura, endpoint: string): RecordedRequest[] =>
  fake.requests.filter(request => request.server === 'main' && request.endpoint === endpoint)

/** The outputs of one job are empty in a batch; the rest describe the whole. */
function expectBatchOutputs(result: RunResult): void {
  expectAllOutputs(result)
  for (const name of ['progress-id', 'scenario-id', 'instructions', 'expected-outcome', 'instructions-file', 'result']) {
    expect([name, result.outputs[name]]).toEqual([name, ''])
  }
  expect(result.outputs.mode).toBe('improve')
  const dir = result.outputs['instructions-dir'] ?? ''
  expect(dir.startsWith(result.paths.runnerTemp)).toBe(true)
  expect(existsSync(dir)).toBe(true)
  const list = results(result)
  expect(list.reduce((sum, entry) => sum + entry.polls, 0)).toBe(Number(result.outputs.polls))
  // The files are exactly those of the completed jobs.
  const completed = list.filter(entry => entry.status === 'completed')
  expect(readdirSync(dir).sort()).toEqual(completed.map(entry => `${entry.scenario_id}.txt`).sort())
  for (const entry of list) {
    expect(entry.instructions_file).toBe(entry.status === 'completed' ? join(dir, `${entry.scenario_id}.txt`) : '')
    expect(entry.error).not.toContain('\n')
    expect(entry.error === '').toBe(entry.status === 'completed' && (entry.applied || result.outputs.applied === 'false'))
  }
}

/** The summary's table rows, as [scenario, status] in order. */
function summaryRows(summary: string): Array<[string, string]> {
  return [...summary.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map(match => [match[1] ?? '', (match[2] ?? '').trim()])
}

describe('batch', () => {
  const ctx = useFake({ scenarios: SCENARIOS })

  test('3 scenarios, concurrency 2, apply, one job failing: the others are saved, results complete and in order, the files present', async () => {
    startJobs(ctx.fake, { 102: jobs.failAfterMs(400, 'LLM quota exceeded') }, 'answer-in-600ms')
    const result = await run({ inputs: batchInputs(ctx.fake, '101, 102\n103', { concurrency: '2', apply: 'true' }) })

    expect(result.code).toBe(1)
    expectBatchOutputs(result)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.applied).toBe('false')
    expect(result.outputs.error).toMatch(/^1 of 3 jobs failed: 102 \(Cekura reported the job as failed: LLM quota exceeded\)$/)
    expect(errorText(result)).toBe(result.outputs.error)

    const list = results(result)
    expect(list.map(entry => [entry.scenario_id, entry.status, entry.applied])).toEqual([
      [101, 'completed', true],
      [102, 'failed', false],
      [103, 'completed', true]
    ])
    for (const entry of list) {
      expect(entry.progress_id).toMatch(/^[0-9a-f-]{36}$/)
      expect(entry.polls).toBeGreaterThan(0)
      expect(entry.elapsed_seconds).toBeGreaterThan(0)
    }
    expect(new Set(list.map(entry => entry.progress_id)).size).toBe(3)

    // Saved into its own scenario, and the same text in its file; the failed one untouched.
    for (const id of [101, 103]) {
      const improved = improvedInstructions(textOf(id), EXTRA)
      expect(ctx.fake.scenario(id)?.instructions).toBe(improved)
      expect(readFileSync(list.find(entry => entry.scenario_id === id)?.instructions_file ?? '', 'utf8')).toBe(improved)
    }
    expect(ctx.fake.scenario(102)?.instructions).toBe(textOf(102))

    // Each scenario read once, each job started once, two saved; two jobs really ran at once.
    expect(
      at(ctx.fake, 'scenario-get')
        .map(request => request.path.match(/(\d+)\/$/)?.[1])
        .sort()
    ).toEqual(['101', '102', '103'])
    expect(at(ctx.fake, 'improve')).toHaveLength(3)
    expect(ctx.fake.started.map(job => job.body.current_instructions).sort()).toEqual([textOf(101), textOf(102), textOf(103)].sort())
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(2)
    expect(ctx.fake.peakRunning).toBe(2)
    expect(at(ctx.fake, 'progress')).toHaveLength(Number(result.outputs.polls))

    // One summary: the table in order, then one collapsed section per scenario.
    expect(result.summary).toMatch(/^## Cekura scenario instructions: batch of 3 scenarios, ❌ failed$/m)
    expect(summaryRows(result.summary)).toEqual([
      ['101', '✅ completed'],
      ['102', '❌ failed'],
      ['103', '✅ completed']
    ])
    expect(result.summary.match(/<details><summary>Scenario \d+: /g)).toHaveLength(3)
    expect(result.summary).toContain('<summary>Scenario 101: ✅ completed, saved (1 line added, 1 removed)</summary>')
    expect(result.summary).toContain('<summary>Scenario 102: ❌ failed, not saved</summary>')
    expectKeySafe(result)
  })

  test('fail-on-error false: a failed job leaves the step green, with the same outputs', async () => {
    startJobs(ctx.fake, { 102: 'fail' }, 'answer-after-2')
    const result = await run({ inputs: batchInputs(ctx.fake, '101 102 103', { concurrency: '3', 'fail-on-error': 'false' }) })

    expect(result.code).toBe(0)
    expectBatchOutputs(result)
    expect(result.outputs.status).toBe('failed')
    expect(results(result).map(entry => entry.status)).toEqual(['completed', 'failed', 'completed'])
    expect(result.stdout).toMatch(/^::warning::1 of 3 jobs failed: 102 .*fail-on-error is false/m)
    // Not asked to save: nothing saved, nothing said about saving.
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(0)
    expect(result.outputs.applied).toBe('false')
    expectKeySafe(result)
  })

  test('a 429 with Retry-After seen by one worker holds back every worker until then', async () => {
    const HOLD_S = 2
    // Scenario 101's third poll is told to wait; 102 and 103 are polling at the same time.
    startJobs(
      ctx.fake,
      {
        101: {
          phases: [
            { times: 2, reply: replies.inProgress() },
            { times: 1, reply: replies.retryAfter(HOLD_S) },
            { reply: replies.completed({ instructions: 'New text for 101.' }) }
          ]
        }
      },
      'answer-in-4000ms'
    )
    const result = await run({ inputs: batchInputs(ctx.fake, '101,102,103', { concurrency: '3' }) })

    expect(result.code).toBe(0)
    expectBatchOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(ctx.fake.peakRunning).toBe(3)

    const main = ctx.fake.requests.filter(request => request.server === 'main')
    const limited = main.filter(request => request.response?.status === 429)
    expect(limited).toHaveLength(1)
    const t = limited[0]?.at ?? 0
    // The other workers were polling right up to it and go on after it...
    const others = (request: RecordedRequest): boolean => request.endpoint === 'progress' && request !== limited[0]
    expect(main.filter(request => others(request) && request.at < t && request.at > t - 600).length).toBeGreaterThan(0)
    expect(main.filter(request => others(request) && request.at >= t + HOLD_S * 1000).length).toBeGreaterThan(0)
    // ...but no one sent anything while held back (a request already on its way may land just after).
    const during = main.filter(request => request.at > t + 250 && request.at < t + HOLD_S * 1000 - 50)
    expect(during.map(request => `${request.method} ${request.url} at +${Math.round(request.at - t)}ms`)).toEqual([])
    expectKeySafe(result)
  })

  test('cancel mid-batch: the running jobs and those not started end cancelled, every output still written', async () => {
    startJobs(ctx.fake, {}, 'never')
    let signalledAt = 0
    const result = await run({
      inputs: batchInputs(ctx.fake, '101 102 103 104', { concurrency: '2', timeout: '1m', apply: 'true' }),
      timeoutMs: 30_000,
      onSpawn: (child: ChildProcess) => {
        waitFor(() => ctx.fake.started.length >= 2 && at(ctx.fake, 'progress').length >= 4, 15_000, 'two jobs polled')
          .then(() => {
            signalledAt = performance.now()
            child.kill('SIGTERM')
          })
          .catch(() => child.kill('SIGKILL'))
      }
    })

    expect(signalledAt).toBeGreaterThan(0)
    expect(result.signal).toBeNull()
    expect(result.code).not.toBe(0)
    expect(result.exitedAt - signalledAt).toBeLessThan(5000)
    expectBatchOutputs(result)
    expect(result.outputs.status).toBe('cancelled')
    expect(result.outputs.applied).toBe('false')
    const list = results(result)
    expect(list.map(entry => [entry.scenario_id, entry.status])).toEqual([
      [101, 'cancelled'],
      [102, 'cancelled'],
      [103, 'cancelled'],
      [104, 'cancelled']
    ])
    // The two running had started; the two waiting never were.
    expect(list.map(entry => entry.progress_id !== '')).toEqual([true, true, false, false])
    expect(list.slice(2).map(entry => entry.polls)).toEqual([0, 0])
    expect(ctx.fake.started).toHaveLength(2)
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(0)
    expect(result.outputs.error).toMatch(/^4 of 4 jobs were cancelled: 101 \(/)
    expect(result.summary).toMatch(/^## Cekura scenario instructions: batch of 4 scenarios, 🚫 cancelled$/m)
    expectKeySafe(result)
  })

  test('timeout mid-batch: one deadline for all; running jobs time out, the rest are never started', async () => {
    startJobs(ctx.fake, { 101: 'answer-after-2' }, 'never')
    const result = await run({ inputs: batchInputs(ctx.fake, '101,102,103,104', { concurrency: '2', timeout: '3s' }) })

    expect(result.code).toBe(1)
    expectEndsAtDeadline(result, 3000)
    expectBatchOutputs(result)
    expect(result.outputs.status).toBe('timed-out')
    const list = results(result)
    expect(list.map(entry => [entry.scenario_id, entry.status])).toEqual([
      [101, 'completed'],
      [102, 'timed-out'],
      [103, 'timed-out'],
      [104, 'timed-out']
    ])
    // 101 ended early and freed its worker for 103; 104 found no free worker before the deadline.
    expect(list.map(entry => entry.progress_id !== '')).toEqual([true, true, true, false])
    expect(ctx.fake.started).toHaveLength(3)
    expect(list[3]?.error).toMatch(/ran out before this job was started/)
    expect(readFileSync(list[0]?.instructions_file ?? '', 'utf8')).toBe(improvedInstructions(textOf(101), EXTRA))
    expect(result.outputs.error).toMatch(/^3 of 4 jobs timed out: 102 \(.*\), 103 \(.*\), 104 \(/)
    expect(Number(result.outputs['elapsed-seconds'])).toBeGreaterThanOrEqual(3)
    expectKeySafe(result)
  })

  test('one pull-request comment for the whole batch, under the comment-header rules, updated in place', async () => {
    startJobs(ctx.fake, { 102: 'fail' }, 'answer-after-2')
    const github = await startFakeGitHub()
    const eventDir = mkdtempSync(join(tmpdir(), 'cekura-batch-event-'))
    try {
      const event = join(eventDir, 'event.json')
      const repository = { full_name: 'example-org/example-repo', name: 'example-repo', owner: { login: 'example-org' } }
      writeFileSync(event, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, state: 'open' }, repository }))
      const env = {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'example-org/example-repo',
        GITHUB_RUN_ID: '1'
      }
      const inputs = batchInputs(ctx.fake, '101 102 103', {
        'pr-comment': 'true',
        'github-token': DEFAULT_TOKEN,
        'comment-header': 'agent v2',
        'fail-on-error': 'false'
      })
      const first = await run({ inputs, env })
      const writesOf = () => github.requests.filter(r => r.method !== 'GET' && r.path !== '/graphql').map(r => `${r.method} ${r.path}`)
      expect(writesOf()).toEqual(['POST /repos/example-org/example-repo/issues/7/comments'])
      github.requests.length = 0
      // The same batch again: only the run's own facts differ, so the comment is left as it is.
      const second = await run({ inputs, env: { ...env, GITHUB_RUN_ID: '2' } })
      expect(writesOf()).toEqual([])
      expect(second.stdout).toMatch(/The comment on example-org\/example-repo#7 is unchanged \(only the run's own facts differ\)/)

      const comments = github.comments('example-org', 'example-repo', 7)
      expect(comments).toHaveLength(1)
      const body = comments[0]?.body ?? ''
      expect(body.split('\n')[0]).toBe('<!-- cekura-instructions-action:agent v2 -->')
      expect(body).toMatch(/^## Cekura scenario instructions \(<code>agent v2<\/code>\): batch of 3 scenarios, ❌ failed$/m)
      expect(summaryRows(body)).toEqual([
        ['101', '✅ completed'],
        ['102', '❌ failed'],
        ['103', '✅ completed']
      ])
      expect(body.match(/<details><summary>Scenario \d+: /g)).toHaveLength(3)
      expect(first.outputs['comment-id']).toBe(String(comments[0]?.id))
      expect(second.outputs['comment-id']).toBe(first.outputs['comment-id'])
      expect(body).toContain('actions/runs/1)')
      expect(body).toMatch(/later runs update this comment in place\.<\/sub>\n$/)
      expectKeySafe(second)

      // A different result is written over it.
      github.requests.length = 0
      startJobs(ctx.fake, {}, 'answer-after-2')
      const third = await run({ inputs, env: { ...env, GITHUB_RUN_ID: '3' } })
      expect(third.outputs.status).toBe('completed')
      expect(writesOf()).toEqual([`PATCH /repos/example-org/example-repo/issues/comments/${comments[0]?.id}`])
      expect(github.comments('example-org', 'example-repo', 7)[0]?.body).toContain('actions/runs/3)')
    } finally {
      await github.close()
      rmSync(eventDir, { recursive: true, force: true })
    }
  })

  test('single-job runs are unchanged: the batch outputs are empty', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2') })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs.results).toBe('')
    expect(result.outputs['instructions-dir']).toBe('')
    expect(result.outputs['progress-id']).toBe('complete-after-2')
  })
})

describe('batch inputs refused before any request', () => {
  const ctx = useFake({ scenarios: SCENARIOS })

  const cases: Array<[string, Record<string, string | undefined>, string, RegExp]> = [
    ['with scenario-id', { 'scenario-id': '101' }, 'scenario-ids', /cannot be combined with 'scenario-id'/],
    ['with progress-id', { 'progress-id': 'complete-after-1' }, 'scenario-ids', /cannot be combined with 'progress-id'/],
    [
      'with current-instructions',
      { 'current-instructions': 'Old text.' },
      'scenario-ids',
      /cannot be combined with 'current-instructions'/
    ],
    [
      'with current-instructions-file',
      { 'current-instructions-file': 'scenario.txt' },
      'scenario-ids',
      /cannot be combined with 'current-instructions-file'/
    ],
    ['with mode poll', { mode: 'poll' }, 'scenario-ids', /cannot be combined with mode 'poll'/],
    ['with mode generate', { mode: 'generate', 'agent-id': '1234' }, 'scenario-ids', /cannot be combined with mode 'generate'/],
    ['with a duplicate', { 'scenario-ids': '101, 102, 101' }, 'scenario-ids', /scenario 101 more than once/],
    ['with something not an id', { 'scenario-ids': '101, 10x2' }, 'scenario-ids', /'10x2' is not one/],
    ['with id 0', { 'scenario-ids': '0 101' }, 'scenario-ids', /'0' is not one/],
    ['with 101 ids', { 'scenario-ids': Array.from({ length: 101 }, (_, i) => String(i + 1)).join(',') }, 'scenario-ids', /at most 100/],
    ['without extra-instructions', { 'extra-instructions': undefined }, 'extra-instructions', /required in mode improve/],
    ['with concurrency 0', { concurrency: '0' }, 'concurrency', /from 1 to 10, got '0'/],
    ['with concurrency 11', { concurrency: '11' }, 'concurrency', /from 1 to 10, got '11'/],
    ['with concurrency "two"', { concurrency: 'two' }, 'concurrency', /from 1 to 10, got 'two'/]
  ]

  test.each(cases)('scenario-ids %s: exit 1 naming the input, no request', async (_name, extra, input, message) => {
    const result = await run({ inputs: batchInputs(ctx.fake, '101, 102', { concurrency: '2', ...extra }) })

    expect(result.code).toBe(1)
    const error = errorText(result)
    expect(error).toContain(`'${input}'`)
    expect(error).toMatch(message)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.polls).toBe('0')
    expect(ctx.fake.requests).toHaveLength(0)
    expectKeySafe(result)
  })
})
