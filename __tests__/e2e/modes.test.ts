// End-to-end: the generate and improve modes (the action starts the job), reading the scenario, saving
// the text back with apply, and what happens when starting or saving goes wrong. Run through the bundle
// built from src/ under Node 24 against the fake Cekura server, which checks every request against the
// documented schemas.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DEMO_AGENT_ID,
  DEMO_SCENARIO_EXPECTED_OUTCOME,
  DEMO_SCENARIO_ID,
  DEMO_SCENARIO_INSTRUCTIONS,
  GENERATE_PATH,
  IMPROVE_PATH,
  PROGRESS_PATH,
  TRICKY_INSTRUCTIONS,
  expectedOutcomeFor,
  faults,
  generatedInstructions,
  improvedInstructions,
  jobs,
  replies,
  scenarioPath,
  type Endpoint,
  type FakeCekura,
  type RecordedRequest,
  type Reply,
  type ReplyContext
} from '../support/fake-cekura.mjs'
import {
  KEY,
  errorText,
  expectAllOutputs,
  expectEndsAtDeadline,
  expectKeySafe,
  expectNotCompletedOutputs,
  expectShownInPre,
  fastInputs,
  outsidePre,
  run,
  useFake,
  visibleLog,
  waitFor
} from '../support/e2e.js'
import { parseOutputFile, type RunResult } from '../support/run-action.mjs'

const EXTRA = 'Make the caller impatient; they have called twice already.'
const GENERATE_EXTRA = 'A caller who wants to move an appointment to next week.\nThey speak quickly and interrupt once.'
const IMPROVED = improvedInstructions(DEMO_SCENARIO_INSTRUCTIONS, EXTRA)

/** Inputs for a run that starts a job: fastInputs without a progress id. */
function startInputs(fake: FakeCekura, extra: Record<string, string | undefined>): Record<string, string | undefined> {
  return fastInputs(fake, '', { 'progress-id': undefined, ...extra })
}

function at(fake: FakeCekura, endpoint: Endpoint): RecordedRequest[] {
  return fake.requests.filter(request => request.server === 'main' && request.endpoint === endpoint)
}

/** Every request the action sent, as "METHOD endpoint", in order, with repeated polls folded into one. */
function sequence(fake: FakeCekura): string[] {
  const steps: string[] = []
  for (const request of fake.requests) {
    const step = `${request.method} ${request.endpoint ?? request.path}`
    if (step !== steps[steps.length - 1] || request.endpoint !== 'progress') steps.push(step)
  }
  return steps
}

/** The request that starts a job: documented method, path, headers and exactly this body. */
function expectStartRequest(request: RecordedRequest | undefined, path: string, body: Record<string, unknown>): void {
  expect(request).toBeDefined()
  expect(request?.method).toBe('POST')
  expect(request?.path).toBe(path)
  expect(request?.url).toBe(path)
  expect(request?.headers['x-cekura-api-key']).toBe(KEY)
  expect(request?.headers['content-type']).toMatch(/^application\/json\b/)
  expect(request?.headers.accept).toContain('application/json')
  expect(request?.headers['user-agent']).toMatch(/cekura-instructions-action/)
  expect(request?.json).toEqual(body)
}

function expectScenarioRead(request: RecordedRequest | undefined, id: number): void {
  expect(request?.method).toBe('GET')
  expect(request?.path).toBe(scenarioPath(id))
  expect(request?.headers['x-cekura-api-key']).toBe(KEY)
  expect(request?.body).toBe('')
  expect(request?.response?.status).toBe(200)
}

/**
 * The job the fake started: its id is the progress-id output, and every poll asked for it in the project
 * that the start answer named (the fake's project 1), which is the project-id output.
 */
function expectFollowedStartedJob(result: RunResult, fake: FakeCekura): string {
  expect(fake.started).toHaveLength(1)
  const id = fake.started[0]?.progressId ?? ''
  expect(id).toMatch(/^[0-9a-f-]{36}$/)
  expect(result.outputs['progress-id']).toBe(id)
  const polls = at(fake, 'progress')
  expect(polls.length).toBeGreaterThan(0)
  expect(result.outputs.polls).toBe(String(polls.length))
  for (const poll of polls) {
    expect(poll.method).toBe('GET')
    expect(poll.path).toBe(PROGRESS_PATH)
    expect(poll.query).toEqual({ progress_id: id, project_id: '1' })
  }
  expect(result.outputs['project-id']).toBe('1')
  return id
}

function expectCompletedWith(result: RunResult, instructions: string, expected: string): void {
  expect(result.code).toBe(0)
  expectAllOutputs(result)
  expect(result.outputs.status).toBe('completed')
  expect(result.outputs.error).toBe('')
  expect(result.outputs.instructions).toBe(instructions)
  expect(result.outputs['expected-outcome']).toBe(expected)
  expect(readFileSync(result.outputs['instructions-file'] ?? '', 'utf8')).toBe(instructions)
}

/** The names of the outputs in GITHUB_OUTPUT, in the order they were written (repeats kept). */
function outputOrder(result: RunResult): string[] {
  return readFileSync(result.paths.outputFile, 'utf8')
    .split('\n')
    .map(line => /^([A-Za-z0-9_-]+)(?:<<|=)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
}

/** The ```diff block of the summary: its fence and its lines. */
function diffBlock(summary: string): { fence: string; lines: string[] } | undefined {
  const match = /^(`{3,})diff\n([\s\S]*?)\n\1$/m.exec(summary)
  return match ? { fence: match[1] ?? '', lines: (match[2] ?? '').split('\n') } : undefined
}

/** The diff's added and removed lines, sorted (for tests about content, not order). */
function changedLines(summary: string): string[] | undefined {
  return diffBlock(summary)
    ?.lines.filter(line => /^[-+]/.test(line))
    .sort()
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .filter(line => line.trim() !== '')
      .at(-1) ?? ''
  )
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** A temporary workspace (GITHUB_WORKSPACE) and a directory beside it, outside it. */
function tempWorkspace(): { root: string; workspace: string; outside: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'cekura-modes-'))
  const workspace = join(root, 'workspace')
  const outside = join(root, 'outside')
  mkdirSync(workspace)
  mkdirSync(outside)
  return { root, workspace, outside, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

describe('mode generate', () => {
  const ctx = useFake()

  test('sends the documented POST (request-body merged), follows the new job to the end, and reports it', async () => {
    const result = await run({
      inputs: startInputs(ctx.fake, {
        mode: 'generate',
        'agent-id': String(DEMO_AGENT_ID),
        'extra-instructions': GENERATE_EXTRA,
        'request-body': '{"name": "Reschedule, fast talker", "personality": {"pace": "fast"}, "tags": ["e2e"]}'
      })
    })

    expect(sequence(ctx.fake)).toEqual(['POST generate', 'GET progress'])
    expectStartRequest(at(ctx.fake, 'generate')[0], GENERATE_PATH, {
      agent: DEMO_AGENT_ID,
      extra_instructions: GENERATE_EXTRA,
      name: 'Reschedule, fast talker',
      personality: { pace: 'fast' },
      tags: ['e2e']
    })
    expect(at(ctx.fake, 'generate')[0]?.response?.status).toBe(200)
    expectCompletedWith(result, generatedInstructions(DEMO_AGENT_ID, GENERATE_EXTRA), expectedOutcomeFor(GENERATE_EXTRA))
    expectFollowedStartedJob(result, ctx.fake)
    expect(at(ctx.fake, 'progress')).toHaveLength(2)
    expect(result.outputs.mode).toBe('generate')
    expect(result.outputs['scenario-id']).toBe('')
    expect(result.outputs.applied).toBe('false')

    // progress-id is written as soon as the POST answers, ahead of the outputs of the ending.
    const order = outputOrder(result)
    expect(order.indexOf('progress-id')).toBeGreaterThanOrEqual(0)
    expect(order.indexOf('progress-id')).toBeLessThan(order.indexOf('status'))

    // Summary: mode and agent in the table, the request shown as text, no diff (nothing to compare).
    expect(result.summary).toMatch(/^\| Mode \| generate \|$/m)
    expect(result.summary).toMatch(/^\| Agent \| 1234 \|$/m)
    expect(result.summary).toContain(result.outputs['progress-id'])
    expect(result.summary).toMatch(/^#+ Request/m)
    expectShownInPre(result.summary, GENERATE_EXTRA)
    expectShownInPre(result.summary, generatedInstructions(DEMO_AGENT_ID, GENERATE_EXTRA))
    expect(diffBlock(result.summary)).toBeUndefined()
    expect(visibleLog(result).join('\n')).toContain(result.outputs['progress-id'])
    expectKeySafe(result)
  })

  test('the progress-id output is in GITHUB_OUTPUT before the first poll reaches Cekura', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cekura-output-'))
    const outputFile = join(dir, 'set_output')
    writeFileSync(outputFile, '')
    let atFirstPoll: Record<string, string> | undefined
    ctx.fake.setStartJob(start => {
      const queued = replies.queued() as (c: ReplyContext) => Reply
      return {
        phases: [
          {
            times: 1,
            reply: c => {
              atFirstPoll = parseOutputFile(readFileSync(outputFile, 'utf8'))
              return queued(c)
            }
          },
          ...jobs.fromRequest(start, { afterPolls: 1 }).phases
        ]
      }
    })
    try {
      const result = await run({
        inputs: startInputs(ctx.fake, { 'agent-id': '1234', 'extra-instructions': GENERATE_EXTRA }),
        env: { GITHUB_OUTPUT: outputFile }
      })

      expect(result.code).toBe(0)
      const id = ctx.fake.started[0]?.progressId
      expect(id).toBeDefined()
      expect(atFirstPoll).toEqual({ 'progress-id': id })
      // At the end it is set again with everything else (mode inferred from agent-id alone).
      const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
      expect(outputs['progress-id']).toBe(id)
      expect(outputs.mode).toBe('generate')
      expect(outputs.status).toBe('completed')
      expect(Number(outputs.polls)).toBeGreaterThan(0)
      expectKeySafe({ ...result, files: [...result.files, outputFile] })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a started job that fails: progress-id still set, step fails; apply sends no PATCH', async () => {
    ctx.fake.setStartJob('fail')
    const result = await run({
      inputs: startInputs(ctx.fake, {
        mode: 'generate',
        'agent-id': '1234',
        'extra-instructions': GENERATE_EXTRA,
        'scenario-id': String(DEMO_SCENARIO_ID),
        apply: 'true'
      })
    })

    expect(result.code).toBe(1)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.error).toContain('LLM quota exceeded')
    expectFollowedStartedJob(result, ctx.fake)
    expect(result.outputs.applied).toBe('false')
    expect(result.outputs['scenario-id']).toBe(String(DEMO_SCENARIO_ID))
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(0)
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)
    expectKeySafe(result)
  })
})

describe('a started job that does not finish in this step', () => {
  const ctx = useFake()
  const inputs = (extra: Record<string, string | undefined>): Record<string, string | undefined> =>
    startInputs(ctx.fake, { 'scenario-id': String(DEMO_SCENARIO_ID), 'extra-instructions': EXTRA, apply: 'true', ...extra })

  test('timed out: progress-id is the started job, so a re-run can follow it; nothing saved', async () => {
    ctx.fake.setStartJob('never')
    const result = await run({ inputs: inputs({ timeout: '2s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expectFollowedStartedJob(result, ctx.fake)
    expect(result.outputs.mode).toBe('improve')
    expect(result.outputs.applied).toBe('false')
    expect(at(ctx.fake, 'improve')).toHaveLength(1)
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(0)
    expectKeySafe(result)
  })

  test('cancelled by the runner while polling: cancelled outputs still carry the started progress-id', async () => {
    ctx.fake.setStartJob('never')
    const result = await run({
      inputs: inputs({ timeout: '1m' }),
      timeoutMs: 20_000,
      onSpawn: (child: ChildProcess) => {
        waitFor(() => at(ctx.fake, 'progress').length >= 2, 10_000, 'two polls')
          .then(() => child.kill('SIGINT'))
          .catch(() => child.kill('SIGKILL'))
      }
    })

    expect(result.signal).toBeNull()
    expect(result.code).not.toBe(0)
    expectNotCompletedOutputs(result, 'cancelled')
    expectFollowedStartedJob(result, ctx.fake)
    expect(result.outputs.applied).toBe('false')
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(0)
    expectKeySafe(result)
  })
})

describe('mode improve', () => {
  const ctx = useFake()

  test('scenario-id only: reads the scenario, sends its agent and text, shows the request and a diff', async () => {
    const result = await run({
      inputs: startInputs(ctx.fake, { 'scenario-id': String(DEMO_SCENARIO_ID), 'extra-instructions': `${EXTRA}\n` })
    })

    expect(sequence(ctx.fake)).toEqual(['GET scenario-get', 'POST improve', 'GET progress'])
    expectScenarioRead(at(ctx.fake, 'scenario-get')[0], DEMO_SCENARIO_ID)
    expectStartRequest(at(ctx.fake, 'improve')[0], IMPROVE_PATH, {
      agent: DEMO_AGENT_ID,
      extra_instructions: EXTRA,
      current_instructions: DEMO_SCENARIO_INSTRUCTIONS
    })
    expectCompletedWith(result, IMPROVED, expectedOutcomeFor(EXTRA))
    expectFollowedStartedJob(result, ctx.fake)
    expect(result.outputs.mode).toBe('improve')
    expect(result.outputs['scenario-id']).toBe(String(DEMO_SCENARIO_ID))
    expect(result.outputs.applied).toBe('false')
    // Without apply nothing is written back.
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(0)
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)

    const summary = result.summary
    expect(summary).toMatch(/^\| Mode \| improve \|$/m)
    expect(summary).toMatch(/^\| Agent \| 1234 \|$/m)
    expect(summary).toMatch(/^\| Scenario \| 9876 \|$/m)
    expect(summary).toMatch(/^#+ Request/m)
    expectShownInPre(summary, EXTRA)
    const diff = diffBlock(summary)
    expect(diff).toBeDefined()
    expect(changedLines(summary)).toEqual([`-${lastLine(DEMO_SCENARIO_INSTRUCTIONS)}`, `+${lastLine(IMPROVED)}`].sort())
    // Unchanged lines around the change are shown as context.
    expect(diff?.lines).toContain(' 4. Give your date of birth (12 July 1979) only when asked.')
    expectKeySafe(result)
    // A changed line reads old then new, as in every unified diff (git, diff -u): '-' before '+'.
    expect(diff?.lines.filter(line => /^[-+]/.test(line))).toEqual([`-${lastLine(DEMO_SCENARIO_INSTRUCTIONS)}`, `+${lastLine(IMPROVED)}`])
  })

  test('current-instructions-file (inside GITHUB_WORKSPACE) with agent-id: no scenario read, the file is the text', async () => {
    const ws = tempWorkspace()
    try {
      const text = 'You are Ana, calling to cancel a gym membership.\n\nAsk how to cancel and insist politely.\n'
      mkdirSync(join(ws.workspace, 'scenarios'))
      writeFileSync(join(ws.workspace, 'scenarios', 'cancel.txt'), text)
      const result = await run({
        inputs: startInputs(ctx.fake, {
          'agent-id': '77',
          'current-instructions-file': 'scenarios/cancel.txt',
          'extra-instructions': EXTRA
        }),
        env: { GITHUB_WORKSPACE: ws.workspace }
      })

      expect(sequence(ctx.fake)).toEqual(['POST improve', 'GET progress'])
      expectStartRequest(at(ctx.fake, 'improve')[0], IMPROVE_PATH, { agent: 77, extra_instructions: EXTRA, current_instructions: text })
      expectCompletedWith(result, improvedInstructions(text, EXTRA), expectedOutcomeFor(EXTRA))
      expectFollowedStartedJob(result, ctx.fake)
      expect(result.outputs.mode).toBe('improve')
      expect(result.outputs['scenario-id']).toBe('')
      // (The order of the two lines is checked in the scenario-id test above.)
      expect(changedLines(result.summary)).toEqual(
        [`+Ask how to cancel and insist politely. ${EXTRA}`, '-Ask how to cancel and insist politely.'].sort()
      )
      expectKeySafe(result)
    } finally {
      ws.cleanup()
    }
  })

  test('current-instructions with scenario-id: the text from the input, the agent from the scenario', async () => {
    const text = 'You are Ben.\nAsk for a refund of order 5521.\nAccept store credit only if offered twice.'
    const result = await run({
      inputs: startInputs(ctx.fake, {
        mode: 'improve',
        'scenario-id': String(DEMO_SCENARIO_ID),
        'current-instructions': text,
        'extra-instructions': EXTRA
      })
    })

    expect(sequence(ctx.fake)).toEqual(['GET scenario-get', 'POST improve', 'GET progress'])
    expectScenarioRead(at(ctx.fake, 'scenario-get')[0], DEMO_SCENARIO_ID)
    expectStartRequest(at(ctx.fake, 'improve')[0], IMPROVE_PATH, {
      agent: DEMO_AGENT_ID,
      extra_instructions: EXTRA,
      current_instructions: text
    })
    expectCompletedWith(result, improvedInstructions(text, EXTRA), expectedOutcomeFor(EXTRA))
    expectFollowedStartedJob(result, ctx.fake)
    expectKeySafe(result)
  })

  test('agent-id and current-instructions given: no scenario read at all', async () => {
    const text = 'You are Ben.\nAsk for a refund.'
    const result = await run({
      inputs: startInputs(ctx.fake, { 'agent-id': '55', 'current-instructions': text, 'extra-instructions': EXTRA })
    })

    expect(sequence(ctx.fake)).toEqual(['POST improve', 'GET progress'])
    expectStartRequest(at(ctx.fake, 'improve')[0], IMPROVE_PATH, { agent: 55, extra_instructions: EXTRA, current_instructions: text })
    expectCompletedWith(result, improvedInstructions(text, EXTRA), expectedOutcomeFor(EXTRA))
    expect(result.outputs.mode).toBe('improve')
    expectKeySafe(result)
  })

  test('request-body is merged into the improve POST too', async () => {
    const result = await run({
      inputs: startInputs(ctx.fake, {
        'scenario-id': String(DEMO_SCENARIO_ID),
        'extra-instructions': EXTRA,
        'request-body': '{"language": "de"}'
      })
    })

    expectStartRequest(at(ctx.fake, 'improve')[0], IMPROVE_PATH, {
      agent: DEMO_AGENT_ID,
      extra_instructions: EXTRA,
      current_instructions: DEMO_SCENARIO_INSTRUCTIONS,
      language: 'de'
    })
    expectCompletedWith(result, IMPROVED, expectedOutcomeFor(EXTRA))
    expectKeySafe(result)
  })

  test('the agent is read from a scenario whose agent is an object', async () => {
    ctx.fake.setScenario(4242, { agent: { id: 31, name: 'Front desk' }, instructions: 'Line one.\nLine two.' })
    const result = await run({ inputs: startInputs(ctx.fake, { 'scenario-id': '4242', 'extra-instructions': EXTRA }) })

    expectStartRequest(at(ctx.fake, 'improve')[0], IMPROVE_PATH, {
      agent: 31,
      extra_instructions: EXTRA,
      current_instructions: 'Line one.\nLine two.'
    })
    expectCompletedWith(result, improvedInstructions('Line one.\nLine two.', EXTRA), expectedOutcomeFor(EXTRA))
    expectKeySafe(result)
  })

  test('the diff is rendered as safely as the text: backticks cannot close its fence, HTML stays code', async () => {
    ctx.fake.setScenario(5150, { agent: 12, instructions: TRICKY_INSTRUCTIONS })
    const result = await run({
      inputs: startInputs(ctx.fake, { 'scenario-id': '5150', 'extra-instructions': 'Add ```more``` </details> <b>x</b>' })
    })

    const improved = improvedInstructions(TRICKY_INSTRUCTIONS, 'Add ```more``` </details> <b>x</b>')
    expectCompletedWith(result, improved, expectedOutcomeFor('Add ```more``` </details> <b>x</b>'))
    const diff = diffBlock(result.summary)
    expect(diff).toBeDefined()
    // The fence is longer than any run of backticks inside, so no line of the text closes it early ...
    const longestRun = Math.max(...Array.from(`${TRICKY_INSTRUCTIONS}\n${improved}`.matchAll(/`+/g), match => match[0].length))
    expect(diff?.fence.length).toBeGreaterThan(longestRun)
    expect(changedLines(result.summary)).toEqual([`-${lastLine(TRICKY_INSTRUCTIONS)}`, `+${lastLine(improved)}`].sort())
    // ... and outside the diff block and the <pre> blocks no part of the texts appears.
    const rest = outsidePre(result.summary).replace(/^(`{3,})diff\n[\s\S]*?\n\1$/m, '')
    for (const fragment of ['INJECTED', '<script', '@octocat', '<b>x</b>', '</details> <b>', 'tab\there'])
      expect(rest).not.toContain(fragment)
    expectKeySafe(result)
  })
})

describe('apply', () => {
  const ctx = useFake()
  const applyInputs = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    startInputs(ctx.fake, {
      mode: 'improve',
      'scenario-id': String(DEMO_SCENARIO_ID),
      'extra-instructions': `${EXTRA}\n`,
      apply: 'true',
      ...extra
    })

  test('saves the new instructions and expected outcome with one PATCH; applied=true; the scenario holds the new text', async () => {
    const result = await run({ inputs: applyInputs() })

    expect(sequence(ctx.fake)).toEqual(['GET scenario-get', 'POST improve', 'GET progress', 'PATCH scenario-patch'])
    expectCompletedWith(result, IMPROVED, expectedOutcomeFor(EXTRA))
    const patches = at(ctx.fake, 'scenario-patch')
    expect(patches).toHaveLength(1)
    const patch = patches[0]
    expect(patch?.method).toBe('PATCH')
    expect(patch?.path).toBe(scenarioPath(DEMO_SCENARIO_ID))
    expect(patch?.headers['x-cekura-api-key']).toBe(KEY)
    expect(patch?.headers['content-type']).toMatch(/^application\/json\b/)
    expect(patch?.json).toEqual({ instructions: IMPROVED, expected_outcome_prompt: expectedOutcomeFor(EXTRA) })
    expect(patch?.response?.status).toBe(200)
    expect(result.outputs.applied).toBe('true')
    expect(result.outputs['scenario-id']).toBe(String(DEMO_SCENARIO_ID))
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)).toMatchObject({
      id: DEMO_SCENARIO_ID,
      agent: DEMO_AGENT_ID,
      instructions: IMPROVED,
      expected_outcome_prompt: expectedOutcomeFor(EXTRA)
    })
    expect(result.summary).toMatch(/^\| Saved to scenario \| yes \|$/m)
    expectKeySafe(result)
  })

  test('a job that returns no expected outcome: the PATCH carries the instructions only', async () => {
    ctx.fake.setStartJob(start => jobs.fromRequest(start, { expected: null }))
    const result = await run({ inputs: applyInputs() })

    expectCompletedWith(result, IMPROVED, '')
    expect(at(ctx.fake, 'scenario-patch').map(request => request.json)).toEqual([{ instructions: IMPROVED }])
    expect(result.outputs.applied).toBe('true')
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)).toMatchObject({
      instructions: IMPROVED,
      expected_outcome_prompt: DEMO_SCENARIO_EXPECTED_OUTCOME
    })
    expectKeySafe(result)
  })

  test('apply after following a job started elsewhere (mode poll)', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-2', { 'scenario-id': String(DEMO_SCENARIO_ID), apply: 'true' })
    })

    expect(result.code).toBe(0)
    expect(sequence(ctx.fake)).toEqual(['GET progress', 'PATCH scenario-patch'])
    expect(result.outputs.mode).toBe('poll')
    expect(result.outputs.applied).toBe('true')
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(result.outputs.instructions)
    expectKeySafe(result)
  })

  const refusals: Array<[string, Reply, RegExp]> = [
    ['403', replies.http(403, { detail: 'You do not have permission to perform this action.' }), /permission|api-key/],
    ['404 (scenario gone)', replies.http(404, { detail: 'Not found.' }), /scenario/i],
    ['400', replies.http(400, { instructions: ['Ensure this field has no more than 10000 characters.'] }), /no more than 10000 characters/]
  ]

  test.each(refusals)(
    'PATCH answered %s: the step fails saying the text was produced but not saved; the text is still out',
    async (_name, reply, why) => {
      ctx.fake.setFault('scenario-patch', faults.always(reply))
      const result = await run({ inputs: applyInputs() })

      expect(result.code).toBe(1)
      expectAllOutputs(result)
      expect(result.outputs.applied).toBe('false')
      expect(result.outputs.status).toBe('completed')
      expect(result.outputs.instructions).toBe(IMPROVED)
      expect(result.outputs['expected-outcome']).toBe(expectedOutcomeFor(EXTRA))
      expect(readFileSync(result.outputs['instructions-file'] ?? '', 'utf8')).toBe(IMPROVED)
      expect(result.outputs.error).toMatch(/produced but not saved/)
      expect(result.outputs.error).toContain(String(DEMO_SCENARIO_ID))
      expect(result.outputs.error).toMatch(why)
      expect(errorText(result)).toMatch(/produced but not saved/)
      expect(at(ctx.fake, 'scenario-patch')).toHaveLength(1)
      expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)
      expect(result.summary).toMatch(/^\| Saved to scenario \| no \|$/m)
      expect(result.summary).toMatch(/produced but not saved/)
      expectShownInPre(result.summary, IMPROVED)
      expectKeySafe(result)
    }
  )

  test('PATCH refused with fail-on-error false: the step passes with a warning, applied=false', async () => {
    ctx.fake.setFault('scenario-patch', faults.always(replies.http(403, { detail: 'You do not have permission to perform this action.' })))
    const result = await run({ inputs: applyInputs({ 'fail-on-error': 'false' }) })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.applied).toBe('false')
    expect(result.outputs.instructions).toBe(IMPROVED)
    expect(result.outputs.error).toMatch(/produced but not saved/)
    expect(errorText(result)).toBe('')
    expect(result.stdout).toMatch(/^::warning::.*produced but not saved/m)
    expectKeySafe(result)
  })

  test('PATCH answered 503 once is sent again (a PATCH is safe to repeat) and the text is saved', async () => {
    ctx.fake.setFault('scenario-patch', faults.once(replies.http(503, { detail: 'Service temporarily unavailable.' })))
    const result = await run({ inputs: applyInputs() })

    expectCompletedWith(result, IMPROVED, expectedOutcomeFor(EXTRA))
    expect(at(ctx.fake, 'scenario-patch').map(request => request.response?.status)).toEqual([503, 200])
    expect(result.outputs.applied).toBe('true')
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(IMPROVED)
    expectKeySafe(result)
  })
})

describe('reading the scenario', () => {
  const ctx = useFake()

  test('an unknown scenario fails before any job is started, naming scenario-id', async () => {
    const result = await run({ inputs: startInputs(ctx.fake, { 'scenario-id': '1111', 'extra-instructions': EXTRA }) })

    expect(result.code).toBe(1)
    expect(sequence(ctx.fake)).toEqual(['GET scenario-get'])
    expect(at(ctx.fake, 'scenario-get')[0]?.response?.status).toBe(404)
    expect(ctx.fake.started).toHaveLength(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs['progress-id']).toBe('')
    expect(result.outputs.error).toMatch(/scenario-id/)
    expect(result.outputs.error).toContain('1111')
    expectKeySafe(result)
  })

  test('a GET answered 503 once is sent again, then the job starts', async () => {
    ctx.fake.setFault('scenario-get', faults.once(replies.http(503)))
    const result = await run({ inputs: startInputs(ctx.fake, { 'scenario-id': String(DEMO_SCENARIO_ID), 'extra-instructions': EXTRA }) })

    expectCompletedWith(result, IMPROVED, expectedOutcomeFor(EXTRA))
    expect(at(ctx.fake, 'scenario-get').map(request => request.response?.status)).toEqual([503, 200])
    expect(at(ctx.fake, 'improve')).toHaveLength(1)
    expectKeySafe(result)
  })
})

describe('starting a job goes wrong', () => {
  const ctx = useFake()
  const generateInputs = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    startInputs(ctx.fake, { mode: 'generate', 'agent-id': '1234', 'extra-instructions': GENERATE_EXTRA, ...extra })
  const improveInputs = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    startInputs(ctx.fake, {
      mode: 'improve',
      'agent-id': '1234',
      'current-instructions': 'Old text.',
      'extra-instructions': EXTRA,
      ...extra
    })

  /** The step failed before any job could be followed: nothing polled, no progress id. */
  function expectNotStarted(result: RunResult, mode: 'generate' | 'improve'): void {
    expect(result.code).toBe(1)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.mode).toBe(mode)
    expect(result.outputs['progress-id']).toBe('')
    expect(result.outputs.polls).toBe('0')
    expect(result.outputs.instructions).toBe('')
    expect(result.outputs.error).not.toBe('')
    expect(at(ctx.fake, 'progress')).toHaveLength(0)
  }

  test.each(['generate', 'improve'] as const)(
    '%s: a POST answered 500 is sent once only; the step says a job may have started',
    async mode => {
      ctx.fake.setFault(mode, faults.once(replies.http(500, { detail: 'A server error occurred.' })))
      const result = await run({ inputs: mode === 'generate' ? generateInputs() : improveInputs() })

      expectNotStarted(result, mode)
      expect(at(ctx.fake, mode)).toHaveLength(1)
      expect(at(ctx.fake, mode)[0]?.response?.status).toBe(500)
      expect(result.outputs.error).toMatch(/may have started/i)
      expect(result.outputs.error).toMatch(/dashboard/i)
      expect(errorText(result)).toMatch(/may have started/i)
      expect(result.summary).toMatch(/may have started/i)
      expectKeySafe(result)
    }
  )

  test('a POST left hanging is sent once only; the step fails at its timeout saying a job may have started', async () => {
    ctx.fake.setFault('generate', faults.always(replies.hang))
    const result = await run({ inputs: generateInputs({ timeout: '3s' }) })

    expect(result.code).toBe(1)
    expectAllOutputs(result)
    expect(at(ctx.fake, 'generate')).toHaveLength(1)
    expect(at(ctx.fake, 'generate')[0]?.response).toBeUndefined()
    expect(at(ctx.fake, 'progress')).toHaveLength(0)
    expect(result.outputs.status).toBe('timed-out')
    expect(result.outputs['progress-id']).toBe('')
    expect(result.outputs.error).toMatch(/may have started/i)
    expect(result.outputs.error).toMatch(/timeout/i)
    expect(result.outputs.error).toMatch(/dashboard/i)
    // It gave up at its deadline, not at the 30 s a single request may otherwise take.
    expect(result.exitedAt - (result.firstOutputAt ?? 0)).toBeLessThan(3000 + 1500)
    expectKeySafe(result)
  })

  test('connection refused (nothing was sent) is retried, then fails saying no job was started', async () => {
    const port = await closedPort()
    const result = await run({
      inputs: generateInputs({ 'api-url': `http://127.0.0.1:${port}`, timeout: '4s' }),
      debug: true
    })

    expect(result.code).toBe(1)
    expectAllOutputs(result)
    // The refusals went on until the timeout ran out: timed out, and nothing was started.
    expect(result.outputs.status).toBe('timed-out')
    expect(result.outputs['progress-id']).toBe('')
    expect(result.outputs.error).toMatch(/no job was started/i)
    expect(result.outputs.error).not.toMatch(/may have started/i)
    // The fake cannot count requests that never arrived; the debug log shows one line per attempt.
    const attempts = result.stdout
      .split('\n')
      .filter(line => line.startsWith('::debug::') && line.includes(`POST http://127.0.0.1:${port}${GENERATE_PATH}`))
    expect(attempts.length).toBeGreaterThanOrEqual(2)
    expect(ctx.fake.requests).toHaveLength(0)
    expectKeySafe(result)
  })

  const fieldCases: Array<
    [string, () => Record<string, string | undefined>, 'generate' | 'improve', Record<string, string[]>, Array<[string, string]>]
  > = [
    [
      'generate: agent and extra_instructions',
      () => generateInputs(),
      'generate',
      { agent: ['A valid integer is required.'], extra_instructions: ['This field may not be blank.'] },
      [
        ['agent-id', 'A valid integer is required.'],
        ['extra-instructions', 'This field may not be blank.']
      ]
    ],
    [
      'improve: current_instructions from current-instructions',
      () => improveInputs(),
      'improve',
      { current_instructions: ['Ensure this field has no more than 20000 characters.'] },
      [['current-instructions', 'Ensure this field has no more than 20000 characters.']]
    ],
    [
      'improve: current_instructions read from the scenario',
      () => startInputs(ctx.fake, { 'scenario-id': String(DEMO_SCENARIO_ID), 'extra-instructions': EXTRA }),
      'improve',
      { current_instructions: ['Ensure this field has no more than 20000 characters.'] },
      [['scenario-id', 'Ensure this field has no more than 20000 characters.']]
    ],
    [
      'generate: a field from request-body',
      () => generateInputs({ 'request-body': '{"personality": "grumpy"}' }),
      'generate',
      { personality: ['"grumpy" is not a valid choice.'] },
      [['request-body', '"grumpy" is not a valid choice.']]
    ]
  ]

  test.each(fieldCases)(
    '400 field errors (%s): reported field by field, naming our inputs; sent once',
    async (_name, inputs, mode, errors, named) => {
      ctx.fake.setFault(mode, faults.once(replies.http(400, errors)))
      const result = await run({ inputs: inputs() })

      expectNotStarted(result, mode)
      expect(at(ctx.fake, mode)).toHaveLength(1)
      const error = result.outputs.error ?? ''
      for (const [input, message] of named) {
        const field = Object.keys(errors).find(key => errors[key]?.includes(message)) ?? ''
        // One entry per field: our input, the API's field, and its message, together.
        expect(error).toMatch(new RegExp(`'${input}'[^;]*\\b${field}\\b[^;]*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
      }
      expect(error).not.toMatch(/may have started/i)
      expect(errorText(result)).toContain(named[0]?.[0] ?? '\0')
      expectKeySafe(result)
    }
  )

  test('400 with a detail: the detail is shown', async () => {
    ctx.fake.setFault('generate', faults.once(replies.http(400, { detail: 'Agent 1234 does not belong to this project.' })))
    const result = await run({ inputs: generateInputs() })

    expectNotStarted(result, 'generate')
    expect(result.outputs.error).toContain('Agent 1234 does not belong to this project.')
    expectKeySafe(result)
  })

  test('401 on the POST: fails at once about the api-key secret, sent once', async () => {
    ctx.fake.setFault('improve', faults.always(replies.http(401, { detail: 'Invalid API key.' })))
    const result = await run({ inputs: improveInputs() })

    expectNotStarted(result, 'improve')
    expect(at(ctx.fake, 'improve')).toHaveLength(1)
    expect(result.outputs.error).toMatch(/api-key/)
    expectKeySafe(result)
  })

  test.each<[string, Reply]>([
    ['200 without progress_id', { status: 200, json: { project_id: 1 } }],
    ['201 with an empty object', { status: 201, json: {} }],
    ['200 with progress_id null', { status: 200, json: { progress_id: null, project_id: 1 } }],
    ['200 that is not JSON', { status: 200, text: 'OK', contentType: 'text/plain' }]
  ])('a POST answered %s: a clear error, sent once, nothing polled', async (_name, reply) => {
    ctx.fake.setFault('generate', faults.once(reply))
    const result = await run({ inputs: generateInputs() })

    expectNotStarted(result, 'generate')
    expect(at(ctx.fake, 'generate')).toHaveLength(1)
    expect(result.outputs.error).toMatch(/progress_id/)
    expectKeySafe(result)
  })

  test('a rejection that echoes the key does not leak it', async () => {
    ctx.fake.setFault(
      'generate',
      faults.once((c: ReplyContext) => replies.http(400, { detail: `API key ${c.key} may not use agent 1234.` }))
    )
    const result = await run({ inputs: generateInputs() })

    expectNotStarted(result, 'generate')
    expect(result.outputs.error).toContain('may not use agent 1234')
    expectKeySafe(result)
  })
})

describe('when a job may have started, nothing says that none was', () => {
  const ctx = useFake()
  const inputs = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    startInputs(ctx.fake, { mode: 'generate', 'agent-id': '1234', 'extra-instructions': GENERATE_EXTRA, ...extra })

  test.each<[string, Reply, string]>([
    ['answered 500', replies.http(500, { detail: 'A server error occurred.' }), '10s'],
    ['left hanging until the timeout', replies.hang, '2s']
  ])('POST %s: the summary does not claim "no job started" next to "a job may have started"', async (_name, reply, timeout) => {
    ctx.fake.setFault('generate', faults.always(reply))
    const result = await run({ inputs: inputs({ timeout }) })

    expect(result.code).toBe(1)
    expect(at(ctx.fake, 'generate')).toHaveLength(1)
    expect(result.outputs.error).toMatch(/may have started/i)
    expect(result.summary).toMatch(/may have started/i)
    expectKeySafe(result)
    expect(result.summary).not.toMatch(/no job (was )?started/i)
  })

  test('cancelled while the POST is in flight: the step says a job may have started, not that none was', async () => {
    ctx.fake.setFault('generate', faults.always(replies.hang))
    const result = await run({
      inputs: inputs({ timeout: '1m' }),
      timeoutMs: 20_000,
      onSpawn: (child: ChildProcess) => {
        waitFor(() => at(ctx.fake, 'generate').length >= 1, 10_000, 'the POST')
          .then(() => child.kill('SIGINT'))
          .catch(() => child.kill('SIGKILL'))
      }
    })

    expect(result.signal).toBeNull()
    expect(result.code).not.toBe(0)
    expectNotCompletedOutputs(result, 'cancelled')
    expect(at(ctx.fake, 'generate')).toHaveLength(1)
    expectKeySafe(result)
    // The POST reached Cekura (the fake holds it), so a job may exist; a re-run could start a second one.
    expect(result.outputs.error).toMatch(/may have started/i)
    expect(result.outputs.error).not.toMatch(/before the job was started/i)
    expect(result.summary).not.toMatch(/no job (was )?started|before the job was started/i)
  })
})

describe('inputs that do not fit together fail before any request', () => {
  const ctx = useFake()
  const ws = tempWorkspace()
  writeFileSync(join(ws.workspace, 'current.txt'), 'Inside the workspace.\n')
  writeFileSync(join(ws.outside, 'secret.txt'), 'Outside the workspace.\n')
  symlinkSync(join(ws.outside, 'secret.txt'), join(ws.workspace, 'link.txt'))
  afterAll(() => ws.cleanup())

  const improve = { 'scenario-id': String(DEMO_SCENARIO_ID), 'extra-instructions': EXTRA }
  const generate = { mode: 'generate', 'agent-id': '1234', 'extra-instructions': EXTRA }
  const cases: Array<[string, Record<string, string | undefined>, string[]]> = [
    ['progress-id with mode generate', { ...generate, 'progress-id': 'complete-after-1' }, ['progress-id', 'generate']],
    ['progress-id with mode improve', { ...improve, mode: 'improve', 'progress-id': 'complete-after-1' }, ['progress-id', 'improve']],
    ['apply without scenario-id (generate)', { ...generate, apply: 'true' }, ['apply', 'scenario-id']],
    [
      'apply without scenario-id (improve)',
      { 'agent-id': '1234', 'current-instructions': 'Old.', 'extra-instructions': EXTRA, apply: 'true' },
      ['apply', 'scenario-id']
    ],
    [
      'both current-instructions and current-instructions-file',
      { ...improve, 'current-instructions': 'Old.', 'current-instructions-file': 'current.txt' },
      ['current-instructions', 'current-instructions-file']
    ],
    ['request-body a JSON array', { ...generate, 'request-body': '[{"name": "x"}]' }, ['request-body', 'object']],
    ['request-body a JSON string', { ...generate, 'request-body': '"name"' }, ['request-body', 'object']],
    ['request-body null', { ...generate, 'request-body': 'null' }, ['request-body', 'object']],
    ['request-body not JSON', { ...generate, 'request-body': '{name: x}' }, ['request-body']],
    ['request-body repeating a field agent-id sets', { ...generate, 'request-body': '{"agent": 99}' }, ['request-body', 'agent-id']],
    [
      'current-instructions-file leaving the workspace (..)',
      { ...improve, 'current-instructions-file': '../outside/secret.txt' },
      ['current-instructions-file', 'workspace']
    ],
    [
      'current-instructions-file an absolute path outside',
      { ...improve, 'current-instructions-file': join(ws.outside, 'secret.txt') },
      ['current-instructions-file', 'workspace']
    ],
    [
      'current-instructions-file a symbolic link to outside',
      { ...improve, 'current-instructions-file': 'link.txt' },
      ['current-instructions-file', 'workspace']
    ],
    ['current-instructions-file missing', { ...improve, 'current-instructions-file': 'nope.txt' }, ['current-instructions-file']],
    ['current-instructions with mode generate', { ...generate, 'current-instructions': 'Old.' }, ['current-instructions', 'generate']],
    ['generate without agent-id', { mode: 'generate', 'extra-instructions': EXTRA }, ['agent-id']],
    ['generate without extra-instructions', { mode: 'generate', 'agent-id': '1234' }, ['extra-instructions']],
    ['improve without extra-instructions', { 'scenario-id': String(DEMO_SCENARIO_ID) }, ['extra-instructions']],
    [
      'improve with neither scenario-id nor agent-id',
      { 'current-instructions': 'Old.', 'extra-instructions': EXTRA },
      ['agent-id', 'scenario-id']
    ],
    ['agent-id not a whole number', { ...generate, 'agent-id': '12.5' }, ['agent-id']],
    ['scenario-id not a whole number', { ...improve, 'scenario-id': 'abc' }, ['scenario-id']],
    ['mode unknown', { ...generate, mode: 'rewrite' }, ['mode', 'rewrite']],
    [
      'extra-instructions with mode poll',
      { mode: 'poll', 'progress-id': 'complete-after-1', 'extra-instructions': EXTRA },
      ['extra-instructions', 'poll']
    ],
    ['nothing to do', { 'extra-instructions': EXTRA }, ['progress-id', 'agent-id', 'scenario-id']]
  ]

  test.each(cases)('%s', async (_name, inputs, names) => {
    const result = await run({ inputs: startInputs(ctx.fake, inputs), env: { GITHUB_WORKSPACE: ws.workspace } })

    expect(result.code).toBe(1)
    const error = errorText(result)
    for (const name of names) expect(error).toContain(name)
    expect(ctx.fake.requests).toHaveLength(0)
    expect(error).not.toContain('Outside the workspace.')
    expectKeySafe(result)
  })
})

describe('review fixes: cancel while saving, timeouts while reading, a progress id that is the key', () => {
  const ctx = useFake()
  const applyInputs = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    startInputs(ctx.fake, {
      mode: 'improve',
      'scenario-id': String(DEMO_SCENARIO_ID),
      'extra-instructions': EXTRA,
      apply: 'true',
      ...extra
    })

  test('SIGTERM while the PATCH of apply hangs: cancelled within 5 s, applied=false, the produced text still out', async () => {
    ctx.fake.setFault('scenario-patch', faults.always(replies.hang))
    let signalledAt = 0
    const result = await run({
      inputs: applyInputs({ timeout: '1m' }),
      timeoutMs: 20_000,
      onSpawn: (child: ChildProcess) => {
        waitFor(() => at(ctx.fake, 'scenario-patch').length >= 1, 10_000, 'the PATCH')
          .then(() => {
            signalledAt = performance.now()
            child.kill('SIGTERM')
          })
          .catch(() => child.kill('SIGKILL'))
      }
    })

    expect(signalledAt).toBeGreaterThan(0)
    expect(result.signal).toBeNull()
    expect(result.code).not.toBeNull()
    expect(result.code).not.toBe(0)
    expect(result.exitedAt - signalledAt).toBeLessThan(5000)
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(1)
    expect(at(ctx.fake, 'scenario-patch')[0]?.response).toBeUndefined()
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('cancelled')
    expect(result.outputs.applied).toBe('false')
    expect(result.outputs.error).toMatch(/cancelled/i)
    expect(result.outputs.error).toMatch(/produced but not saved/)
    expect(result.outputs.error).not.toContain('\n')
    // The job did finish: its text is kept in the outputs and the file, for a later step or by hand.
    expect(result.outputs.instructions).toBe(IMPROVED)
    expect(result.outputs['expected-outcome']).toBe(expectedOutcomeFor(EXTRA))
    expect(readFileSync(result.outputs['instructions-file'] ?? '', 'utf8')).toBe(IMPROVED)
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)
    expect(result.summary).toMatch(/^## Cekura scenario instructions: 🚫 cancelled$/m)
    expect(result.summary).toMatch(/^\| Saved to scenario \| no \|$/m)
    expectKeySafe(result)
  })

  test('a PATCH of apply that hangs past timeout 2s: cut off within a short grace, applied=false, the text still out', async () => {
    ctx.fake.setFault('scenario-patch', faults.always(replies.hang))
    const result = await run({ inputs: applyInputs({ timeout: '2s' }) })

    expect(result.code).toBe(1)
    expectAllOutputs(result)
    expect(at(ctx.fake, 'scenario-patch')).toHaveLength(1)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs.applied).toBe('false')
    expect(result.outputs.instructions).toBe(IMPROVED)
    expect(readFileSync(result.outputs['instructions-file'] ?? '', 'utf8')).toBe(IMPROVED)
    expect(result.outputs.error).toMatch(/produced but not saved/)
    // Saving may run 3 s past the timeout, no more (and not the 30 s a request may otherwise take).
    expect(result.exitedAt - (result.firstOutputAt ?? 0)).toBeLessThan(2000 + 3000 + 1000)
    expect(ctx.fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)
    expectKeySafe(result)
  })

  test('a scenario read (GET) that hangs past timeout 2s: timed-out at the deadline, the error names the timeout', async () => {
    ctx.fake.setFault('scenario-get', faults.always(replies.hang))
    const result = await run({ inputs: applyInputs({ timeout: '2s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expect(sequence(ctx.fake)).toEqual(['GET scenario-get'])
    expect(at(ctx.fake, 'scenario-get')[0]?.response).toBeUndefined()
    expect(ctx.fake.started).toHaveLength(0)
    expect(result.outputs['progress-id']).toBe('')
    expect(result.outputs.polls).toBe('0')
    expect(result.outputs.applied).toBe('false')
    expect(result.outputs.error).toMatch(/timeout/i)
    expect(result.outputs.error).toContain('2s')
    expect(errorText(result)).toMatch(/timeout/i)
    expectEndsAtDeadline(result, 2000)
    expect(result.summary).toMatch(/^## Cekura scenario instructions: ⏱️ timed out$/m)
    expectKeySafe(result)
  })

  test('a POST answered with a progress_id equal to the API key: the key is in no output, nor in the raw GITHUB_OUTPUT file', async () => {
    ctx.fake.setFault(
      'generate',
      faults.once((c: ReplyContext) => ({ status: 200, json: { progress_id: c.key, project_id: 1 } }))
    )
    ctx.fake.setJob(KEY, jobs.completeAfterPolls(1))
    const result = await run({
      inputs: startInputs(ctx.fake, { mode: 'generate', 'agent-id': '1234', 'extra-instructions': GENERATE_EXTRA })
    })

    // The fake really did hand the key back as the id, and the action followed it.
    expect(at(ctx.fake, 'generate')[0]?.response?.body).toContain(KEY)
    expect(at(ctx.fake, 'progress').length).toBeGreaterThan(0)
    expect(at(ctx.fake, 'progress')[0]?.query).toEqual({ progress_id: KEY, project_id: '1' })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs['progress-id']).toBe('***')
    // The early progress-id output (written as soon as the POST answered) is redacted too.
    const raw = readFileSync(result.paths.outputFile, 'utf8')
    expect(raw).not.toContain(KEY)
    expect(outputOrder(result).filter(name => name === 'progress-id').length).toBeGreaterThanOrEqual(2)
    expect(result.files).toContain(result.paths.outputFile)
    expectKeySafe(result)
  })
})
