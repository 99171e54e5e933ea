// End-to-end: text from outside (Cekura's answers, GitHub's answers, the inputs) is data, never a
// command; a hostile or broken answer never crashes the step, leaks the key or keeps it from ending on
// time. One block per finding of the hardening issue, each run through the committed dist/index.js.
import type { ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { faults, jobs, replies, startFakeCekura, type FakeCekura, type Reply } from '../support/fake-cekura.mjs'
import { DEFAULT_TOKEN, startFakeGitHub, type FakeGitHub } from '../support/fake-github.mjs'
import { attribute, elements, renderTree } from '../support/gfm.js'
import {
  expectAllOutputs,
  expectKeySafe,
  expectNoLeak,
  expectNotCompletedOutputs,
  expectShownInPre,
  fastInputs,
  progressRequests,
  run,
  useFake,
  waitFor
} from '../support/e2e.js'
import type { RunResult } from '../support/run-action.mjs'

/** Every hostile text carries this, so a command it managed to write is easy to spot. */
const CANARY = 'PWNED'

/** Commands whose data starts with outside text: a line break or `##[` let the text start a command. */
function injected(result: RunResult): string[] {
  return result.commands.filter(command => command.data.startsWith(CANARY) || command.form === '##[').map(command => command.line)
}

/** No line of stdout is longer than this: outside text is capped in the log. */
const MAX_LOG_LINE = 1200

function longestLine(result: RunResult): number {
  return Math.max(...result.stdout.split(/\r\n|\r|\n/).map(line => line.length))
}

function json(body: Record<string, unknown>): Reply {
  return { json: body }
}

function startInputs(fake: FakeCekura, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return fastInputs(fake, '', { 'progress-id': undefined, 'agent-id': '1234', 'extra-instructions': 'A caller in a hurry.', ...extra })
}

const OWNER = 'example-org'
const REPO = 'example-repo'
const PR = 7

/** A pull_request event with the GitHub API at the fake. */
function pullRequestEnv(github: FakeGitHub, dir: string): Record<string, string> {
  const path = join(dir, 'event.json')
  writeFileSync(path, JSON.stringify({ number: PR, pull_request: { number: PR }, repository: { full_name: `${OWNER}/${REPO}` } }))
  return { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path, GITHUB_API_URL: github.url, GITHUB_REPOSITORY: `${OWNER}/${REPO}` }
}

describe('1. workflow commands: outside text never starts one', () => {
  const ctx = useFake()

  test('status, stage, phase and message of progress answers stay on their log line', async () => {
    ctx.fake.setJob(
      'hostile-progress',
      jobs.sequence(
        [
          json({ status: `in_progress\n::warning::${CANARY} status`, stage: `drafting\r::error::${CANARY} stage`, progress: 10 }),
          json({ status: 'in_progress', phase: `p\u2028::add-mask::${CANARY}\u0085::stop-commands::${CANARY}` }),
          json({ status: 'in_progress', message: `##[error]${CANARY} message ##[set-output name=x]${CANARY}` }),
          json({ status: 'running', step: `  ::notice::${CANARY} indented` })
        ],
        jobs.completeAfterPolls(1)
      )
    )
    const result = await run({ inputs: fastInputs(ctx.fake, 'hostile-progress') })

    expect(result.code).toBe(0)
    expect(injected(result)).toEqual([])
    // The text is still there for a reader, on the poll lines.
    expect(result.stdout).toContain(`${CANARY} stage`)
    expectKeySafe(result)
  })

  test('the detail and the field errors of a 4xx answer', async () => {
    ctx.fake.setJob('hostile-400', jobs.always(replies.http(400, { detail: `bad id\n::warning::${CANARY} detail ##[error]${CANARY}` })))
    ctx.fake.setJob('hostile-fields', jobs.always(replies.http(400, { progress_id: [`x\r\n::error::${CANARY} field`] })))
    for (const id of ['hostile-400', 'hostile-fields']) {
      const result = await run({ inputs: fastInputs(ctx.fake, id) })
      expect(result.outputs.status).toBe('failed')
      expect(injected(result)).toEqual([])
    }
  })

  test('the progress_id a POST returns, and the progress-id input', async () => {
    ctx.fake.setFault('generate', faults.always(json({ progress_id: `abc\n::warning::${CANARY} id`, project_id: 1 })))
    const started = await run({ inputs: startInputs(ctx.fake) })
    expect(ctx.fake.requests.some(request => request.endpoint === 'generate')).toBe(true)
    expect(injected(started)).toEqual([])

    const followed = await run({ inputs: fastInputs(ctx.fake, `job-1 ##[warning]${CANARY} input`) })
    expect(followed.outputs.status).toBe('failed')
    expect(injected(followed)).toEqual([])
  })

  test("GitHub's html_url in the comment's log line", async () => {
    const github = await startFakeGitHub({ serverUrl: `https://github.test/x\n::warning::${CANARY} html_url` })
    const dir = mkdtempSync(join(tmpdir(), 'cekura-event-'))
    try {
      const result = await run({
        inputs: fastInputs(ctx.fake, 'complete-after-1', { 'pr-comment': 'true', 'github-token': DEFAULT_TOKEN }),
        env: pullRequestEnv(github, dir)
      })
      expect(github.comments(OWNER, REPO, PR)).toHaveLength(1)
      expect(result.code).toBe(0)
      expect(injected(result)).toEqual([])
    } finally {
      await github.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("GitHub's deprecation headers, which Octokit quotes, reach neither stderr nor a command", async () => {
    const github = await startFakeGitHub()
    github.extraHeaders = {
      deprecation: 'true',
      // A header cannot hold a line break, so `##[`, which the runner reads anywhere in a line.
      sunset: `Wed, 01 Jan 2027 ##[error]${CANARY} sunset`,
      link: `<https://docs.github.test/##[warning]${CANARY}>; rel="deprecation"`
    }
    const dir = mkdtempSync(join(tmpdir(), 'cekura-event-'))
    try {
      const result = await run({
        inputs: fastInputs(ctx.fake, 'complete-after-1', { 'pr-comment': 'true', 'github-token': DEFAULT_TOKEN }),
        env: pullRequestEnv(github, dir)
      })
      expect(result.code).toBe(0)
      expect(github.comments(OWNER, REPO, PR)).toHaveLength(1)
      expect(injected(result)).toEqual([])
      expect(result.stderr).not.toContain(CANARY)
      // Shown once per request, on one line of the log, with the command forms defused.
      const notices = result.stdout.split('\n').filter(line => line.includes('is deprecated'))
      expect(notices.length).toBeGreaterThan(0)
      for (const line of notices) expect(line).toMatch(/## \[error\]PWNED sunset\. See https:\/\/docs\.github\.test\/## \[warning\]PWNED/)
    } finally {
      await github.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a 5 MB stage does not make 5 MB log lines', async () => {
    ctx.fake.setJob('huge-stage', jobs.first(json({ status: 'in_progress', stage: 'S'.repeat(5_000_000) }), 2, jobs.completeAfterPolls(1)))
    const result = await run({ inputs: fastInputs(ctx.fake, 'huge-stage') })

    expect(result.code).toBe(0)
    expect(result.stdout.length).toBeLessThan(100_000)
    expect(longestLine(result)).toBeLessThanOrEqual(MAX_LOG_LINE)
  })
})

describe('2. any depth of JSON', () => {
  const ctx = useFake()
  const deep = (depth: number): string => `${'['.repeat(depth)}"${'x'.repeat(10_240)}"${']'.repeat(depth)}`

  test('a completed answer with a value nested 5,000 deep: every output, the file and the summary', async () => {
    const body = `{"status":"completed","instructions":"Deep but fine.","extra":${deep(5000)}}`
    ctx.fake.setJob('deep', jobs.always({ text: body }))
    const result = await run({ inputs: fastInputs(ctx.fake, 'deep', { 'fail-on-error': 'false' }) })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs.instructions).toBe('Deep but fine.')
    expect(readFileSync(result.outputs['instructions-file'] ?? '', 'utf8')).toBe('Deep but fine.')
    expect(result.outputs.result).toBe(body)
    expectShownInPre(result.summary, 'Deep but fine.')
    expect(result.outputs.polls).toBe('1')
  })

  test('a request-body nested 10,000 deep is sent as it is', async () => {
    const body = `{"tags":${deep(10_000)}}`
    const result = await run({ inputs: startInputs(ctx.fake, { 'request-body': body }) })

    expect(result.outputs.error).toBe('')
    expect(result.code).toBe(0)
    expect(ctx.fake.started).toHaveLength(1)
    expect(JSON.parse(ctx.fake.requests.find(request => request.endpoint === 'generate')?.body ?? '{}').tags).toBeDefined()
  })

  test.each([
    ['a failed job whose error is nested 100,000 deep', `{"status":"failed","error":${deep(100_000)}}`],
    ['a completed job without text, 100,000 deep', `{"status":"completed","data":${deep(100_000)}}`]
  ])('%s ends failed, with every output and the summary', async (_name, body) => {
    ctx.fake.setJob('deep-fail', jobs.always({ text: body }))
    const result = await run({ inputs: fastInputs(ctx.fake, 'deep-fail') })

    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.result).toBe(body)
    expect(result.outputs.error?.length).toBeLessThan(3000)
    expect(result.summary).toContain('### Error')
    expect(result.stderr).not.toContain('Maximum call stack')
  })
})

describe('3. outside text is never live Markdown', () => {
  const ctx = useFake()
  const HOSTILE = '![t](https://x.test/y.png)[click](https://x.test)'

  function live(markdown: string, allowedLinks: RegExp): string[] {
    return elements(renderTree(markdown))
      .filter(element => element.tagName === 'img' || (element.tagName === 'a' && !allowedLinks.test(attribute(element, 'href') ?? '')))
      .map(element => `<${element.tagName} ${element.attrs.map(attr => `${attr.name}=${attr.value}`).join(' ')}>`)
  }

  test('a progress id in the summary table', async () => {
    ctx.fake.setJob(HOSTILE, jobs.completeAfterPolls(1))
    const result = await run({ inputs: fastInputs(ctx.fake, HOSTILE) })

    expect(result.code).toBe(0)
    expect(result.summary).toContain('Progress id')
    expect(live(result.summary, /^$/)).toEqual([])
  })

  test('a progress id and a comment-header in the comment', async () => {
    ctx.fake.setJob(HOSTILE, jobs.completeAfterPolls(1))
    const github = await startFakeGitHub()
    const dir = mkdtempSync(join(tmpdir(), 'cekura-event-'))
    try {
      const result = await run({
        inputs: fastInputs(ctx.fake, HOSTILE, {
          'pr-comment': 'true',
          'github-token': DEFAULT_TOKEN,
          'comment-header': '![h](https://x.test/h.png)[hl](https://x.test/h) @octocat'
        }),
        env: pullRequestEnv(github, dir)
      })
      expect(result.code).toBe(0)
      const [comment] = github.comments(OWNER, REPO, PR)
      expect(comment).toBeDefined()
      expect(live(comment?.body ?? '', /^https:\/\/github\.com\/example-org\/example-repo\/actions\/runs\/1$/)).toEqual([])
    } finally {
      await github.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('5. the key is redacted in every form', () => {
  // A key with characters that JSON, URLs and base64 each spell their own way.
  const SECRET = 'sk/Test+Key=42"q\\z'
  let fake: FakeCekura
  beforeEach(async () => {
    fake = await startFakeCekura({ apiKey: SECRET })
  })
  afterEach(async () => {
    await fake.close()
  })
  const jsonEscaped = Array.from(SECRET, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

  test('a 2xx answer without progress_id that echoes the key JSON-escaped (\\u0073, \\/)', async () => {
    fake.setFault('generate', faults.always({ text: `{"accepted_for":"${jsonEscaped}","also":"sk\\/Test+Key=42\\"q\\\\z"}` }))
    const result = await run({ inputs: startInputs(fake, { 'api-key': SECRET }) })

    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.error).toContain('no progress_id')
    expectNoLeak(result, SECRET)
  })

  test('a failed job whose error holds the key base64-encoded and URL-encoded in lower case', async () => {
    const base64 = Buffer.from(`user:${SECRET}`).toString('base64')
    const lower = encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, code => code.toLowerCase())
    fake.setJob('echo', jobs.always(json({ status: 'failed', error: `Authorization: Basic ${base64}; key=${lower}` })))
    const result = await run({ inputs: fastInputs(fake, 'echo', { 'api-key': SECRET }) })

    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.error).toContain('Authorization: Basic')
    expectNoLeak(result, SECRET)
  })

  test('the first log line is redacted too', async () => {
    const result = await run({ inputs: fastInputs(fake, `job-${SECRET}`, { 'api-key': SECRET }) })
    expect(result.outputs.status).toBe('failed')
    expectNoLeak(result, SECRET)
  })
})

describe('6. cancel', () => {
  const ctx = useFake()
  const EARLY = fileURLToPath(new URL('../support/signal-early.mjs', import.meta.url))

  test.each(['SIGTERM', 'SIGINT'] as const)('%s while the bundle is still loading: cancelled, with every output', async signal => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'never', { timeout: '1m' }),
      env: { NODE_OPTIONS: `--import=${EARLY}`, EARLY_SIGNAL: signal },
      timeoutMs: 20_000
    })

    expect(result.signal).toBeNull()
    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'cancelled')
    expect(result.summary).toMatch(/cancelled/)
    expect(progressRequests(ctx.fake)).toHaveLength(0)
    expect(result.durationMs).toBeLessThan(5000)
    expectKeySafe(result)
  })

  test('SIGTERM while the comment is being written aborts its requests: cancelled within a second', async () => {
    const github = await startFakeGitHub()
    github.hang = true
    const dir = mkdtempSync(join(tmpdir(), 'cekura-event-'))
    let signalledAt = 0
    try {
      const result = await run({
        inputs: fastInputs(ctx.fake, 'complete-after-1', { 'pr-comment': 'true', 'github-token': DEFAULT_TOKEN, timeout: '20s' }),
        env: pullRequestEnv(github, dir),
        timeoutMs: 30_000,
        onSpawn: (child: ChildProcess) => {
          waitFor(() => github.requests.length > 0, 15_000, 'a request to GitHub')
            .then(() => {
              signalledAt = performance.now()
              child.kill('SIGTERM')
            })
            .catch(() => child.kill('SIGKILL'))
        }
      })

      expect(signalledAt).toBeGreaterThan(0)
      expect(result.signal).toBeNull()
      expect(result.exitedAt - signalledAt).toBeLessThan(1000)
      expect(result.code).not.toBe(0)
      expectAllOutputs(result)
      expect(result.outputs.status).toBe('cancelled')
      expect(result.outputs.error).toMatch(/cancel/i)
      expect(result.outputs['comment-id']).toBe('')
      // The job itself had finished: its text is kept.
      expect(result.outputs.instructions).not.toBe('')
    } finally {
      await github.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('7. current-instructions-file must be a small regular file', () => {
  const ctx = useFake()
  let workspace: string
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'cekura-workspace-'))
  })
  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true })
  })

  test('a FIFO is refused at once, before any request (it would block the step past its timeout)', async () => {
    execFileSync('mkfifo', [join(workspace, 'pipe')])
    const result = await run({
      inputs: startInputs(ctx.fake, { mode: 'improve', 'current-instructions-file': 'pipe', timeout: '3s' }),
      env: { GITHUB_WORKSPACE: workspace },
      timeoutMs: 10_000
    })

    expect(result.harnessKilled).toBe(false)
    expect(result.code).toBe(1)
    expect(result.outputs.error).toContain("'current-instructions-file'")
    expect(result.outputs.error).toMatch(/not a regular file/)
    expect(ctx.fake.requests).toHaveLength(0)
  })

  test('a file over 1 MiB is refused before any request', async () => {
    writeFileSync(join(workspace, 'big.txt'), 'x'.repeat(1024 * 1024 + 1))
    const result = await run({
      inputs: startInputs(ctx.fake, { mode: 'improve', 'current-instructions-file': 'big.txt' }),
      env: { GITHUB_WORKSPACE: workspace }
    })

    expect(result.code).toBe(1)
    expect(result.outputs.error).toContain("'current-instructions-file'")
    expect(result.outputs.error).toMatch(/1 MiB/)
    expect(ctx.fake.requests).toHaveLength(0)
  })
})

describe('8. keys from outside are not looked up on Object.prototype', () => {
  const ctx = useFake()

  test('request-body may set a field named constructor', async () => {
    const result = await run({ inputs: startInputs(ctx.fake, { 'request-body': '{"constructor": "x", "toString": "y"}' }) })

    expect(result.outputs.error).toBe('')
    expect(result.code).toBe(0)
    expect(ctx.fake.started[0]?.body).toMatchObject({ constructor: 'x', toString: 'y' })
  })

  test('a 400 field error on toString names the field, not a function', async () => {
    ctx.fake.setFault('generate', faults.once(replies.http(400, { toString: ['Not a valid choice.'], constructor: ['Nope.'] })))
    const result = await run({ inputs: startInputs(ctx.fake) })

    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.error).toContain('field toString: Not a valid choice.')
    expect(result.outputs.error).toContain('field constructor: Nope.')
    expect(result.outputs.error).not.toContain('native code')
    expect(result.outputs.error).not.toContain('function')
  })
})

describe('9. oversized answers and unreadable redirects', () => {
  const ctx = useFake()

  test('a 200 MB answer stops downloading at 16 MiB and says so', async () => {
    ctx.fake.setJob('endless', jobs.always({ stream: { bytes: 200 * 1024 * 1024 } }))
    const result = await run({ inputs: fastInputs(ctx.fake, 'endless', { timeout: '20s' }) })

    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toContain('answer too large (over 16 MiB)')
    const sent = progressRequests(ctx.fake).map(request => ctx.fake.streamed.get(request) ?? 0)
    expect(sent.length).toBeGreaterThan(0)
    // What the client read, plus what the socket buffers held when it hung up.
    for (const bytes of sent) expect(bytes).toBeLessThan(24 * 1024 * 1024)
    expect(result.durationMs).toBeLessThan(15_000)
  })

  test('a Location that cannot be parsed fails at once', async () => {
    ctx.fake.setJob('bad-location', jobs.always({ redirectTo: 'http://[not-an-address' }))
    const result = await run({ inputs: fastInputs(ctx.fake, 'bad-location', { timeout: '20s' }) })

    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toMatch(/Location/)
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expect(result.durationMs).toBeLessThan(5000)
  })
})

describe('10. the instructions file is this step’s own', () => {
  const ctx = useFake()

  test('two steps of one job following a/b and a:b keep their own files', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'cekura-runner-temp-'))
    mkdirSync(runnerTemp, { recursive: true })
    try {
      ctx.fake.setJob('a/b', jobs.completeAfterPolls(1, { instructions: 'Text of job a/b.' }))
      ctx.fake.setJob('a:b', jobs.completeAfterPolls(1, { instructions: 'Text of job a:b.' }))
      const first = await run({ inputs: fastInputs(ctx.fake, 'a/b'), env: { RUNNER_TEMP: runnerTemp, GITHUB_ACTION: 'first' } })
      const second = await run({ inputs: fastInputs(ctx.fake, 'a:b'), env: { RUNNER_TEMP: runnerTemp, GITHUB_ACTION: 'second' } })

      expect(first.outputs['instructions-file']).not.toBe(second.outputs['instructions-file'])
      expect(readFileSync(first.outputs['instructions-file'] ?? '', 'utf8')).toBe('Text of job a/b.')
      expect(readFileSync(second.outputs['instructions-file'] ?? '', 'utf8')).toBe('Text of job a:b.')
    } finally {
      rmSync(runnerTemp, { recursive: true, force: true })
    }
  })
})

describe('timeouts below one second', () => {
  const ctx = useFake()

  test.each(['500ms', '0.5'])('timeout %s is refused as input, before any request', async timeout => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', { timeout }) })

    expect(result.code).toBe(1)
    expect(result.outputs.error).toContain("'timeout'")
    expect(result.outputs.error).toContain('at least 1s')
    expect(ctx.fake.requests).toHaveLength(0)
  })
})
