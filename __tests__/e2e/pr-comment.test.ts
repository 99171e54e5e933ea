// End-to-end: the pull-request comment (pr-comment: true), run through the bundle built from src/
// under Node 24 against a fake Cekura and a fake GitHub API, both on 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { HUGE_INSTRUCTIONS, TRICKY_INSTRUCTIONS } from '../support/fake-cekura.mjs'
import { DEFAULT_TOKEN, FORBIDDEN_MESSAGE, TEST_CA_FILE, startFakeGitHub, type Comment, type FakeGitHub } from '../support/fake-github.mjs'
import {
  annotations,
  commentInputs,
  eventEnv as prEventEnv,
  MARKER,
  marked,
  OWNER,
  PR,
  REPO,
  RUN_URL,
  SHA,
  writes
} from '../support/pr-env.js'
import { expectAllOutputs, expectKeySafe, fastInputs, htmlUnescape, run, useFake, visibleLog } from '../support/e2e.js'
import { actionBundle, assertSecretAbsent, type RunResult } from '../support/run-action.mjs'

const RECORD_MODULES = fileURLToPath(new URL('../support/record-modules.mjs', import.meta.url))

let github: FakeGitHub
let eventDir: string

beforeEach(async () => {
  github = await startFakeGitHub()
  eventDir = mkdtempSync(join(tmpdir(), 'cekura-pr-event-'))
})

afterEach(async () => {
  await github.close()
  rmSync(eventDir, { recursive: true, force: true })
})

function eventEnv(event: string, extra: Record<string, string> = {}): Record<string, string> {
  return prEventEnv(github, eventDir, event, extra)
}

function ours(): Comment[] {
  return marked(github)
}

/** What a <pre> block shows a reader: entities decoded, the zero-width joiners after @ and # left out. */
function preShown(body: string): string[] {
  return [...body.matchAll(/<pre>\n([\s\S]*?)<\/pre>/g)].map(match =>
    htmlUnescape(match[1] ?? '')
      .replace(/([@#])\u200D/g, '$1')
      .replace(/(GH-)\u200D/gi, '$1')
  )
}

/** Every step leaves the key and the token out of its log, outputs, summary and files. */
function expectSecretsSafe(result: RunResult): void {
  expectKeySafe(result)
  assertSecretAbsent(result, DEFAULT_TOKEN)
}

describe('pull-request comment', () => {
  const ctx = useFake()

  test('the first run creates the comment, with status, time, text and a link to the run', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-2', commentInputs()), env: eventEnv('pull_request') })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    const comments = github.comments(OWNER, REPO, PR)
    expect(comments).toHaveLength(1)
    const [comment] = comments as [Comment]
    expect(comment.body.split('\n')[0]).toBe(MARKER)
    expect(comment.body).toMatch(/^## Cekura scenario instructions: ✅ completed$/m)
    expect(comment.body).toMatch(/\| Elapsed \| [\d.]+m?s \|/)
    expect(comment.body).toContain('| Polls | 2 |')
    expect(comment.body).toContain(`](${RUN_URL})`)
    expect(preShown(comment.body)).toContain(result.outputs.instructions)
    expect(result.outputs['comment-id']).toBe(String(comment.id))
    expect(result.outputs['comment-url']).toBe(comment.html_url)
    expect(comment.html_url).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${comment.id}`)

    // One page read, one comment made, with the token and the action's user agent.
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `POST /repos/${OWNER}/${REPO}/issues/${PR}/comments`
    ])
    expect(github.requests[0]?.query).toEqual({ per_page: '100', page: '1' })
    for (const request of github.requests) {
      expect(request.headers.authorization).toBe(`token ${DEFAULT_TOKEN}`)
      expect(request.headers['user-agent']).toContain('cekura-instructions-action/')
    }
    expect(visibleLog(result).join('\n')).toContain(`Commented on ${OWNER}/${REPO}#${PR}: ${comment.html_url}`)
    expect(annotations(result, 'warning')).toEqual([])
    expectSecretsSafe(result)
  })

  test('a second run updates the same comment in place, here with the error of a failed job', async () => {
    const env = eventEnv('pull_request_target')
    const first = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env })
    expect(first.code).toBe(0)
    const [created] = ours()

    const second = await run({ inputs: fastInputs(ctx.fake, 'fail', commentInputs()), env })
    // The job failed, so the step fails; the comment still says why.
    expect(second.code).not.toBe(0)
    expect(second.outputs.status).toBe('failed')
    expectAllOutputs(second)
    const comments = github.comments(OWNER, REPO, PR)
    expect(comments).toHaveLength(1)
    const [updated] = comments as [Comment]
    expect(updated.id).toBe(created?.id)
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id'])
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
    expect(updated.body).toMatch(/^## Cekura scenario instructions: ❌ failed$/m)
    expect(updated.body).toContain('### Error')
    expect(preShown(updated.body).join('\n')).toContain('LLM quota exceeded')
    expect(updated.body).not.toContain('### Instructions')
    // The first run posted it; the second asked whose token it holds (GraphQL's viewer) and edited it.
    expect(writes(github)).toEqual([
      `POST /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${updated.id}`
    ])
    expect(github.requests.filter(r => r.path === '/graphql')).toHaveLength(1)
    expectSecretsSafe(second)
  })

  test('a different comment-header keeps a second comment; each header updates its own', async () => {
    const env = eventEnv('pull_request')
    await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env })
    const staging = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'comment-header': 'staging' })), env })
    expect(staging.code).toBe(0)

    let comments = ours()
    expect(comments.map(c => c.body.split('\n')[0])).toEqual([MARKER, '<!-- cekura-instructions-action:staging -->'])
    expect(comments[1]?.body).toMatch(/^## Cekura scenario instructions \(<code>staging<\/code>\): ✅ completed$/m)
    expect(staging.outputs['comment-id']).toBe(String(comments[1]?.id))

    const again = await run({
      inputs: fastInputs(ctx.fake, 'fail', commentInputs({ 'comment-header': 'staging', 'fail-on-error': 'false' })),
      env
    })
    expect(again.code).toBe(0)
    comments = ours()
    expect(comments).toHaveLength(2)
    expect(comments[0]?.body).toContain('✅ completed')
    expect(comments[1]?.body).toContain('❌ failed')
    expect(again.outputs['comment-id']).toBe(staging.outputs['comment-id'])
  })

  test('finds its comment among 230 others, on the third page', async () => {
    const others = (i: number) => ({ body: `Review note ${i}: looks fine, @someone please check #${i}.`, user: `reviewer${i % 5}` })
    github.addComments(OWNER, REPO, PR, 215, others)
    // Look-alikes that must not be taken for ours: a quote of our comment, another header's comment.
    github.addComment(OWNER, REPO, PR, { body: `> ${MARKER}\n> quoted from the bot`, user: 'reviewer1' })
    github.addComment(OWNER, REPO, PR, { body: '<!-- cekura-instructions-action:other -->\nanother step' })
    const mine = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nold result` })
    github.addComments(OWNER, REPO, PR, 13, i => others(300 + i))
    expect(github.comments(OWNER, REPO, PR)).toHaveLength(231)
    expect(github.comments(OWNER, REPO, PR).findIndex(c => c.id === mine.id)).toBe(217)

    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })

    expect(result.code).toBe(0)
    expect(result.outputs['comment-id']).toBe(String(mine.id))
    const lists = github.requests.filter(r => r.method === 'GET')
    expect(lists.map(r => r.query)).toEqual([
      { per_page: '100', page: '1' },
      { per_page: '100', page: '2' },
      { per_page: '100', page: '3' }
    ])
    expect(writes(github)).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/comments/${mine.id}`])
    const after = github.comments(OWNER, REPO, PR)
    expect(after).toHaveLength(231)
    expect(after.find(c => c.id === mine.id)?.body).toContain('✅ completed')
    expect(after.filter(c => c.body.includes('✅ completed'))).toHaveLength(1)
  })

  test('a token that may not write (403) gives a warning naming the permission; the step passes', async () => {
    github.forbid = 'writes'
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })

    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs['comment-id']).toBe('')
    expect(result.outputs['comment-url']).toBe('')
    const warnings = annotations(result, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(FORBIDDEN_MESSAGE)
    expect(warnings[0]).toContain('permissions: pull-requests: write')
    expect(annotations(result, 'error')).toEqual([])
    expect(result.summary).toContain('✅ completed')
    expect(github.comments(OWNER, REPO, PR)).toEqual([])
    expectSecretsSafe(result)
  })

  test('any other GitHub failure is a warning too, and never fails a completed job', async () => {
    github.failWith = 500
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs['comment-id']).toBe('')
    const warnings = annotations(result, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/Could not write the pull-request comment \(HTTP 500\)/)
  })

  test('a GitHub API that never answers: the comment is cut off near the timeout (plus a short grace), with a warning', async () => {
    github.hang = true
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ timeout: '3s' })),
      env: eventEnv('pull_request')
    })

    // The job itself was done at once; only the comment waited, and not for the 30 s a request may take.
    expect(github.requests.length).toBeGreaterThanOrEqual(1)
    expect(github.requests.every(r => r.response === undefined)).toBe(true)
    // It waited for GitHub (at least the grace), then gave up well before a request's own 30 s.
    expect(result.durationMs).toBeGreaterThanOrEqual(2500)
    expect(result.exitedAt - (result.firstOutputAt ?? 0)).toBeLessThan(3000 + 2500 + 1000)
    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs.error).toBe('')
    expect(result.outputs.instructions).not.toBe('')
    expect(result.outputs['comment-id']).toBe('')
    expect(result.outputs['comment-url']).toBe('')
    const warnings = annotations(result, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/comment/i)
    expect(annotations(result, 'error')).toEqual([])
    expect(result.summary).toContain('✅ completed')
    expect(github.comments(OWNER, REPO, PR)).toEqual([])
    expectSecretsSafe(result)
  })

  test('a token GitHub rejects (401) is a warning that says so', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'github-token': 'ghp_wrongTokenForTheTest123' })),
      env: eventEnv('pull_request')
    })
    expect(result.code).toBe(0)
    expect(annotations(result, 'warning').join('\n')).toMatch(/github-token.*401|401.*github-token/)
    assertSecretAbsent(result, 'ghp_wrongTokenForTheTest123')
  })

  test('a push run whose commit heads no open pull request gives a notice and passes', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('push') })
    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs['comment-id']).toBe('')
    expect(result.outputs['comment-url']).toBe('')
    const notices = annotations(result, 'notice')
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(/no open pull request has commit a1b2c3d \(this push run's\) as its head/)
    expect(annotations(result, 'warning')).toEqual([])
    // It only looked the commit up.
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([`GET /repos/${OWNER}/${REPO}/commits/${SHA}/pulls`])
  })

  test('an event with no pull request and no commit to look up (release) gives a notice and asks GitHub nothing', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('release') })
    expect(result.code).toBe(0)
    const notices = annotations(result, 'notice')
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(/release event is not for a pull request \(set pr-number to pick one\)/)
    expect(annotations(result, 'warning')).toEqual([])
    expect(github.requests).toEqual([])
  })

  test('an issue_comment on a pull request comments there; on a plain issue it is a notice', async () => {
    const onPr = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('issue_comment') })
    expect(onPr.code).toBe(0)
    expect(ours()).toHaveLength(1)
    expect(onPr.outputs['comment-id']).toBe(String(ours()[0]?.id))

    const requestsBefore = github.requests.length
    const onIssue = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()),
      env: eventEnv('issue_comment on an issue')
    })
    expect(onIssue.code).toBe(0)
    expect(annotations(onIssue, 'notice').join('\n')).toMatch(/on an issue, not a pull request/)
    expect(github.requests.length).toBe(requestsBefore)
  })

  test('instructions full of @mentions, #refs, HTML and backticks come out inert', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'tricky-text', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    expect(result.outputs.instructions).toBe(TRICKY_INSTRUCTIONS)
    const [comment] = ours()
    const body = comment?.body ?? ''

    // The text reads exactly as it is, in one <pre> block the text could neither close nor open.
    expect(preShown(body)).toContain(TRICKY_INSTRUCTIONS)
    expect(body.match(/<pre>/g)).toHaveLength(preShown(body).length)
    expect(body.match(/<\/pre>/g)).toHaveLength(preShown(body).length)
    const outside = body.replace(/<pre>\n[\s\S]*?<\/pre>/g, '')
    expect(outside).not.toMatch(/<script|<img|onerror|INJECTED|<\/details><\/code>/i)
    // Nothing anywhere that GitHub could take for a mention or an issue reference.
    expect(body).not.toMatch(/@[A-Za-z0-9]|#\d/)
    expect(body).toContain('```fenced```')
    // The outputs keep the exact text: the joiners are in the comment's copy only.
    expect(result.outputs.instructions).not.toContain('\u200D')
    expect(result.summary).not.toContain('\u200D')
  })

  test('a text too long for a comment is cut visibly below the limit, pointing to the job summary', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'huge-text', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    // The fake refuses bodies over 65,536 characters as GitHub does, so a comment at all means it fit.
    const [comment] = ours()
    expect(comment).toBeDefined()
    const body = comment?.body ?? ''
    expect(body.length).toBeLessThan(65_536)
    expect(body).toMatch(new RegExp(`Cut here: this shows the first \\d+ of ${HUGE_INSTRUCTIONS.length} characters`))
    expect(body).toContain(`job summary of [the workflow run](${RUN_URL})`)
    expect(HUGE_INSTRUCTIONS.startsWith(preShown(body)[0] ?? 'x')).toBe(true)
  })

  test('GitHub Enterprise Server: GITHUB_API_URL with /api/v3 and the server URL in the link', async () => {
    const env = eventEnv('pull_request', { GITHUB_API_URL: `${github.url}/api/v3`, GITHUB_SERVER_URL: 'https://ghes.example.com' })
    github.addComments(OWNER, REPO, PR, 120)
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env })
    expect(result.code).toBe(0)
    expect(github.requests.length).toBe(3)
    for (const request of github.requests) expect(request.prefix).toBe('/api/v3')
    const [comment] = ours()
    expect(comment?.body).toContain('](https://ghes.example.com/example-org/example-repo/actions/runs/1)')
  })
})

describe('pull-request comment behind a proxy', () => {
  const ctx = useFake()
  let proxied: FakeGitHub

  beforeEach(async () => {
    // HTTPS with the test CA, reachable as github.fake.test only through the proxy (the name never resolves).
    proxied = await startFakeGitHub({ tls: true })
  })

  afterEach(async () => {
    await proxied.close()
  })

  function proxyEnv(extra: Record<string, string> = {}): Record<string, string> {
    return eventEnv('pull_request', {
      GITHUB_API_URL: `https://github.fake.test:${proxied.port}`,
      HTTPS_PROXY: proxied.url,
      NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
      ...extra
    })
  }

  test('HTTPS_PROXY: the GitHub requests go through the proxy, over TLS to the API host', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: proxyEnv() })
    expect(result.code).toBe(0)
    expect(annotations(result, 'warning')).toEqual([])
    expect(proxied.connects.length).toBeGreaterThanOrEqual(1)
    for (const connect of proxied.connects) expect(connect.target).toBe(`github.fake.test:${proxied.port}`)
    expect(proxied.requests.map(r => `${r.via} ${r.method}`)).toEqual(['proxy GET', 'proxy POST'])
    expect(proxied.comments(OWNER, REPO, PR)).toHaveLength(1)
    expect(result.outputs['comment-id']).toBe(String(proxied.comments(OWNER, REPO, PR)[0]?.id))
  })

  test('NO_PROXY: an exempt API host is not sent to the proxy', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()),
      env: proxyEnv({ NO_PROXY: 'example.com,.fake.test' })
    })
    // Asked directly, github.fake.test does not resolve: a warning, and the step passes.
    expect(result.code).toBe(0)
    expect(proxied.connects).toEqual([])
    expect(proxied.requests).toEqual([])
    expect(annotations(result, 'warning').join('\n')).toMatch(
      /Could not write the pull-request comment \(no answer from https:\/\/github\.fake\.test:\d+\): .*ENOTFOUND/
    )
  })
})

describe('@actions/github is loaded only for a comment', () => {
  const ctx = useFake()

  /** The folder of the bundle the runs use (in a test run, the one built from src/). */
  const bundleDir = () => dirname(actionBundle())

  /** The bundle's own files the run loaded, e.g. ['index.js'] or ['221.index.js', 'index.js']. */
  async function loadedBundleFiles(inputs: Record<string, string | undefined>): Promise<{ result: RunResult; files: string[] }> {
    const list = join(eventDir, 'modules.txt')
    writeFileSync(list, '')
    const result = await run({
      inputs,
      env: eventEnv('pull_request', { NODE_OPTIONS: `--import=${RECORD_MODULES}`, RECORD_MODULES_FILE: list })
    })
    const files = readFileSync(list, 'utf8')
      .split('\n')
      .filter(url => url.startsWith(`${pathToFileURL(bundleDir()).href}/`) && url.endsWith('.js'))
      .map(url => url.slice(url.lastIndexOf('/') + 1))
    return { result, files: [...new Set(files)].sort() }
  }

  test('pr-comment false loads the main bundle only and asks GitHub nothing', async () => {
    const { result, files } = await loadedBundleFiles(fastInputs(ctx.fake, 'complete-after-1'))
    expect(result.code).toBe(0)
    expect(files).toEqual(['index.js'])
    expect(github.requests).toEqual([])
    expect(result.outputs['comment-id']).toBe('')
  })

  test('pr-comment true loads the separate chunk that holds it', async () => {
    const { result, files } = await loadedBundleFiles(fastInputs(ctx.fake, 'complete-after-1', commentInputs()))
    expect(result.code).toBe(0)
    const chunks = files.filter(file => file !== 'index.js')
    expect(chunks.length).toBeGreaterThanOrEqual(1)
    expect(chunks.some(file => readFileSync(join(bundleDir(), file), 'utf8').includes('getOctokit'))).toBe(true)
  })
})
