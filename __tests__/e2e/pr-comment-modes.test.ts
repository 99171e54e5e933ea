// End-to-end: what a run does with its earlier comments (comment-mode), which comments are its own
// (key and author), which pull request it comments on (events, pr-number, the commit's pull request),
// and GitHub's rate limits. The committed dist/index.js under Node 24 against the fake Cekura and the
// fake GitHub, both on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BOT_LOGIN,
  PRIMARY_RATE_LIMIT_MESSAGE,
  SECONDARY_RATE_LIMIT_MESSAGE,
  startFakeGitHub,
  type Comment,
  type FakeGitHub
} from '../support/fake-github.mjs'
import { expectAllOutputs, fastInputs, run, useFake, visibleLog } from '../support/e2e.js'
import {
  annotations,
  commentInputs,
  eventEnv as prEventEnv,
  graphqlQuery,
  LEGACY_MARKER,
  MARKER,
  marked,
  OWNER,
  PR,
  REPO,
  SHA,
  writes
} from '../support/pr-env.js'
import { assertSecretAbsent, type RunResult } from '../support/run-action.mjs'

let github: FakeGitHub
let eventDir: string

beforeEach(async () => {
  github = await startFakeGitHub()
  eventDir = mkdtempSync(join(tmpdir(), 'cekura-pr-modes-'))
})

afterEach(async () => {
  await github.close()
  rmSync(eventDir, { recursive: true, force: true })
})

function eventEnv(event: string, extra: Record<string, string> = {}): Record<string, string> {
  return prEventEnv(github, eventDir, event, extra)
}

const commentPath = (id: number): string => `/repos/${OWNER}/${REPO}/issues/comments/${id}`
const listPath = (number = PR): string => `/repos/${OWNER}/${REPO}/issues/${number}/comments`

/** Our earlier comments (by github-actions[bot], with the job's marker), between other people's. */
function seedOurs(count: number): Comment[] {
  github.addComment(OWNER, REPO, PR, { body: 'Looks good to me.', user: 'reviewer1' })
  const ours: Comment[] = []
  for (let i = 0; i < count; i++) {
    ours.push(
      github.addComment(OWNER, REPO, PR, { body: `${MARKER}\n## Cekura scenario instructions: ✅ completed\n\nold result ${i + 1}` })
    )
    github.addComment(OWNER, REPO, PR, { body: `Reply ${i + 1}, quoting:\n> ${MARKER}`, user: 'reviewer2' })
  }
  return ours
}

function noWarnings(result: RunResult): void {
  expect(annotations(result, 'warning')).toEqual([])
  expect(annotations(result, 'error')).toEqual([])
}

function log(result: RunResult): string {
  return visibleLog(result).join('\n')
}

describe('comment-mode, on a pull request with zero, one and two of our comments', () => {
  const ctx = useFake()

  const runMode = (mode: string, extra: Record<string, string> = {}): Promise<RunResult> =>
    run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'comment-mode': mode, ...extra })),
      env: eventEnv('pull_request')
    })

  test.each([0, 1, 2])('update, %i of ours: edits the newest in place, or posts the first', async count => {
    const before = seedOurs(count)
    const result = await runMode('update')
    expect(result.code).toBe(0)
    expectAllOutputs(result)
    noWarnings(result)

    const after = marked(github).filter(c => c.body.startsWith(MARKER))
    if (count === 0) {
      expect(writes(github)).toEqual([`POST ${listPath()}`])
      expect(after).toHaveLength(1)
    } else {
      const newest = before.at(-1) as Comment
      expect(writes(github)).toEqual([`PATCH ${commentPath(newest.id)}`])
      expect(after.map(c => c.id)).toEqual(before.map(c => c.id))
      // Older ones stay as they were.
      for (const old of before.slice(0, -1)) expect(after.find(c => c.id === old.id)?.body).toBe(old.body)
    }
    const current = after.at(-1) as Comment
    expect(current.body).toContain('✅ completed')
    expect(current.body).toContain('later runs update this comment in place')
    expect(result.outputs['comment-id']).toBe(String(current.id))
    expect(result.outputs['comment-url']).toBe(current.html_url)
    expect(github.comments(OWNER, REPO, PR).filter(c => c.user.login !== BOT_LOGIN)).toHaveLength(1 + count)
  })

  test.each([0, 1, 2])('recreate, %i of ours: posts a new one at the bottom and deletes every earlier one', async count => {
    const before = seedOurs(count)
    const result = await runMode('recreate')
    expect(result.code).toBe(0)
    noWarnings(result)

    const all = github.comments(OWNER, REPO, PR)
    const mine = all.filter(c => c.body.startsWith(MARKER))
    expect(mine).toHaveLength(1)
    const [fresh] = mine as [Comment]
    expect(before.map(c => c.id)).not.toContain(fresh.id)
    expect(all.at(-1)?.id).toBe(fresh.id)
    expect(fresh.body).toContain('later runs replace this comment with a new one')
    // Posted first, so that a failure to post never leaves the pull request without a result.
    expect(writes(github)).toEqual([`POST ${listPath()}`, ...before.map(c => `DELETE ${commentPath(c.id)}`)])
    expect(result.outputs['comment-id']).toBe(String(fresh.id))
    expect(all.filter(c => c.user.login !== BOT_LOGIN)).toHaveLength(1 + count)
    if (count > 0) expect(log(result)).toContain(`Deleted ${count} earlier comment`)
  })

  test.each([0, 1, 2])('hide-and-recreate, %i of ours: posts a new one and hides every earlier one as outdated', async count => {
    const before = seedOurs(count)
    const result = await runMode('hide-and-recreate')
    expect(result.code).toBe(0)
    noWarnings(result)

    const mine = github.comments(OWNER, REPO, PR).filter(c => c.body.startsWith(MARKER))
    expect(mine).toHaveLength(count + 1)
    const fresh = mine.at(-1) as Comment
    expect(before.map(c => c.id)).not.toContain(fresh.id)
    expect(github.minimizedAs(fresh.id)).toBeUndefined()
    for (const old of before) {
      expect(github.minimizedAs(old.id)).toBe('OUTDATED')
      expect(mine.find(c => c.id === old.id)?.body).toBe(old.body)
    }
    const mutations = github.requests.filter(r => r.path === '/graphql' && /minimizeComment/.test(graphqlQuery(r.body)))
    expect(mutations.map(r => (JSON.parse(r.body) as { variables: { id: string } }).variables.id)).toEqual(before.map(c => c.node_id))
    expect(writes(github).filter(w => !w.startsWith('POST /graphql'))).toEqual([`POST ${listPath()}`])
    expect(result.outputs['comment-id']).toBe(String(fresh.id))
    if (count > 0) expect(log(result)).toContain(`Hid ${count} earlier comment`)
  })

  test.each([0, 1, 2])('delete, %i of ours: deletes every one and posts nothing', async count => {
    const before = seedOurs(count)
    const result = await runMode('delete')
    expect(result.code).toBe(0)
    expectAllOutputs(result)
    noWarnings(result)

    expect(writes(github)).toEqual(before.map(c => `DELETE ${commentPath(c.id)}`))
    expect(github.comments(OWNER, REPO, PR).filter(c => c.body.startsWith(MARKER))).toEqual([])
    expect(github.comments(OWNER, REPO, PR)).toHaveLength(1 + count)
    expect(result.outputs['comment-id']).toBe('')
    expect(result.outputs['comment-url']).toBe('')
    expect(log(result)).toContain(count === 0 ? 'has no comment of ours to delete' : `Deleted ${count} earlier comment`)
  })

  test('hide-and-recreate hides only what is not hidden yet', async () => {
    const [older, newer] = seedOurs(2) as [Comment, Comment]
    // A first run hides both and posts a third; a second run has one visible comment to hide.
    const first = await runMode('hide-and-recreate')
    expect(first.code).toBe(0)
    github.requests.length = 0
    const second = await runMode('hide-and-recreate')
    expect(second.code).toBe(0)
    noWarnings(second)

    const mine = github.comments(OWNER, REPO, PR).filter(c => c.body.startsWith(MARKER))
    expect(mine).toHaveLength(4)
    expect(mine.slice(0, 3).map(c => github.minimizedAs(c.id))).toEqual(['OUTDATED', 'OUTDATED', 'OUTDATED'])
    const mutations = github.requests.filter(r => /minimizeComment/.test(graphqlQuery(r.body)))
    expect(mutations).toHaveLength(1)
    expect(mutations[0]?.body).toContain(mine[2]?.node_id)
    expect(mutations[0]?.body).not.toContain(older.node_id)
    expect(mutations[0]?.body).not.toContain(newer.node_id)
  })

  test('recreate when GitHub refuses to delete: the new comment stands, with a warning about the old one', async () => {
    const [old] = seedOurs(1) as [Comment]
    github.forbid = 'edits'
    const result = await runMode('recreate')
    expect(result.code).toBe(0)
    const mine = github.comments(OWNER, REPO, PR).filter(c => c.body.startsWith(MARKER))
    expect(mine.map(c => c.id)).toEqual([old.id, mine[1]?.id])
    expect(result.outputs['comment-id']).toBe(String(mine[1]?.id))
    const warnings = annotations(result, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      new RegExp(
        `^Could not delete 1 earlier comment on example-org/example-repo#7: ${old.id} \\(HTTP 403: .*Resource not accessible by integration`
      )
    )
  })

  test('GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql', async () => {
    const [old] = seedOurs(1) as [Comment]
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'comment-mode': 'hide-and-recreate' })),
      env: eventEnv('pull_request', { GITHUB_API_URL: `${github.url}/api/v3` })
    })
    expect(result.code).toBe(0)
    noWarnings(result)
    expect(github.minimizedAs(old.id)).toBe('OUTDATED')
    const paths = new Set(github.requests.map(r => (r.path.endsWith('/graphql') ? r.path : r.prefix)))
    expect([...paths].sort()).toEqual(['/api/graphql', '/api/v3'])
  })

  test('a token that may not hide comments: the new comment is posted, and a warning names the permission', async () => {
    const [old] = seedOurs(1) as [Comment]
    github.forbid = 'hides'
    const result = await runMode('hide-and-recreate')
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('completed')
    const mine = github.comments(OWNER, REPO, PR).filter(c => c.body.startsWith(MARKER))
    expect(mine).toHaveLength(2)
    expect(result.outputs['comment-id']).toBe(String(mine[1]?.id))
    expect(github.minimizedAs(old.id)).toBeUndefined()
    const warnings = annotations(result, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      new RegExp(
        `^Could not hide 1 earlier comment on example-org/example-repo#7: ${old.id} \\(.*Resource not accessible by integration.*\\)\\. Hiding needs \`permissions: pull-requests: write\`\\.$`
      )
    )
  })
})

describe('quiet updates', () => {
  const ctx = useFake()

  test('an unchanged re-run writes nothing, says so, and still points at the comment', async () => {
    const inputs = fastInputs(ctx.fake, 'complete-after-1', commentInputs())
    const first = await run({ inputs, env: eventEnv('pull_request') })
    expect(first.code).toBe(0)
    const [comment] = marked(github) as [Comment]
    const bodyBefore = comment.body
    github.requests.length = 0

    // Another run of the same job: only its elapsed time, polls and run link could differ.
    const second = await run({ inputs, env: eventEnv('pull_request', { GITHUB_RUN_ID: '2' }) })
    expect(second.code).toBe(0)
    noWarnings(second)
    expect(writes(github)).toEqual([])
    expect(marked(github)[0]?.body).toBe(bodyBefore)
    expect(log(second)).toMatch(/The comment on example-org\/example-repo#7 is unchanged \(only the run's own facts differ\)/)
    expect(second.outputs['comment-id']).toBe(String(comment.id))
    expect(second.outputs['comment-url']).toBe(comment.html_url)

    // A different result is written.
    const third = await run({
      inputs: fastInputs(ctx.fake, 'fail', commentInputs({ 'fail-on-error': 'false' })),
      env: eventEnv('pull_request', { GITHUB_RUN_ID: '3' })
    })
    expect(third.code).toBe(0)
    expect(writes(github)).toEqual([`PATCH ${commentPath(comment.id)}`])
    expect(marked(github)[0]?.body).toContain('❌ failed')
    expect(marked(github)[0]?.body).toContain('actions/runs/3')
  })

  test('a generate job gets a new progress id each run; the same text is still unchanged', async () => {
    const inputs = fastInputs(
      ctx.fake,
      '',
      commentInputs({ 'progress-id': undefined, 'agent-id': '1234', 'extra-instructions': 'A caller in a hurry.' })
    )
    const first = await run({ inputs, env: eventEnv('pull_request') })
    expect(first.outputs.status).toBe('completed')
    const [comment] = marked(github) as [Comment]
    expect(comment.body).toContain(first.outputs['progress-id'])
    github.requests.length = 0

    const second = await run({ inputs, env: eventEnv('pull_request', { GITHUB_RUN_ID: '2' }) })
    expect(second.outputs.status).toBe('completed')
    expect(second.outputs['progress-id']).not.toBe(first.outputs['progress-id'])
    expect(writes(github)).toEqual([])
    expect(log(second)).toMatch(/is unchanged \(only the run's own facts differ\)/)
    expect(second.outputs['comment-id']).toBe(String(comment.id))
  })
})

describe('which pull request', () => {
  const ctx = useFake()

  test.each(['push', 'workflow_dispatch', 'schedule'])(
    'a %s run comments on the open pull request whose head is its commit',
    async event => {
      github.addPullRequest({ owner: OWNER, repo: REPO, number: 3, headSha: SHA, state: 'closed' })
      github.addPullRequest({ owner: OWNER, repo: REPO, number: 12, headSha: 'f'.repeat(40) })
      github.addPullRequest({ owner: OWNER, repo: REPO, number: PR, headSha: SHA })
      const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv(event) })
      expect(result.code).toBe(0)
      noWarnings(result)
      expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        `GET /repos/${OWNER}/${REPO}/commits/${SHA}/pulls`,
        `GET ${listPath()}`,
        `POST ${listPath()}`
      ])
      const [comment] = marked(github) as [Comment]
      expect(comment.body.split('\n')[0]).toBe(MARKER)
      expect(result.outputs['comment-id']).toBe(String(comment.id))
      expect(github.comments(OWNER, REPO, 3)).toEqual([])
    }
  )

  test('pr-number overrides the event: a pull_request run for #7 comments on #9, and a push run looks nothing up', async () => {
    const onPr = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'pr-number': '9' })),
      env: eventEnv('pull_request')
    })
    expect(onPr.code).toBe(0)
    noWarnings(onPr)
    expect(github.comments(OWNER, REPO, PR)).toEqual([])
    expect(marked(github, 9)).toHaveLength(1)
    expect(onPr.outputs['comment-id']).toBe(String(marked(github, 9)[0]?.id))

    github.requests.length = 0
    const onPush = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'pr-number': '#9' })),
      env: eventEnv('push')
    })
    expect(onPush.code).toBe(0)
    expect(github.requests.some(r => r.path.includes('/commits/'))).toBe(false)
    expect(marked(github, 9)).toHaveLength(1)
  })

  test('a pr-number that is not a number fails the step before any request', async () => {
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'pr-number': 'seven' })),
      env: eventEnv('pull_request')
    })
    expect(result.code).not.toBe(0)
    expect(annotations(result, 'error').join('\n')).toMatch(
      /Input 'pr-number' must be a pull request number \(a whole number such as 42\), got 'seven'/
    )
    expect(github.requests).toEqual([])
    expect(ctx.fake.requests).toEqual([])
  })
})

describe('separate comments for jobs and matrix legs', () => {
  const ctx = useFake()

  test('two different GITHUB_JOB values keep two comments; each job updates its own', async () => {
    const inputs = (id: string): Record<string, string | undefined> => fastInputs(ctx.fake, id, commentInputs({ 'fail-on-error': 'false' }))
    const lint = await run({ inputs: inputs('complete-after-1'), env: eventEnv('pull_request', { GITHUB_JOB: 'lint' }) })
    const test = await run({ inputs: inputs('complete-after-1'), env: eventEnv('pull_request', { GITHUB_JOB: 'test' }) })
    expect(lint.code).toBe(0)
    expect(test.code).toBe(0)
    let comments = marked(github)
    expect(comments.map(c => c.body.split('\n')[0])).toEqual([
      '<!-- cekura-instructions-action:default;job=lint -->',
      '<!-- cekura-instructions-action:default;job=test -->'
    ])
    expect(comments[0]?.body).toContain('from job <code>lint</code> of')
    expect(lint.outputs['comment-id']).toBe(String(comments[0]?.id))
    expect(test.outputs['comment-id']).toBe(String(comments[1]?.id))

    github.requests.length = 0
    const again = await run({ inputs: inputs('fail'), env: eventEnv('pull_request', { GITHUB_JOB: 'lint' }) })
    expect(again.code).toBe(0)
    expect(writes(github)).toEqual([`PATCH ${commentPath(comments[0]?.id ?? 0)}`])
    comments = marked(github)
    expect(comments[0]?.body).toContain('❌ failed')
    expect(comments[1]?.body).toContain('✅ completed')
  })

  test('two legs of a matrix keep two comments, each titled with its values', async () => {
    const leg = (matrix: string): Promise<RunResult> =>
      run({
        inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ matrix })),
        env: eventEnv('pull_request')
      })
    // As the runner writes toJSON(matrix): indented, keys in the workflow's order.
    const ubuntu = await leg('{\n  "os": "ubuntu-latest",\n  "node": 24\n}')
    const windows = await leg('{\n  "os": "windows-latest",\n  "node": 24\n}')
    expect(ubuntu.code).toBe(0)
    expect(windows.code).toBe(0)
    const comments = marked(github)
    expect(comments).toHaveLength(2)
    expect(comments[0]?.body).toMatch(
      /^## Cekura scenario instructions \(<code>os&#x3A; ubuntu-latest, node&#x3A; 24<\/code>\): ✅ completed$/m
    )
    expect(comments[1]?.body).toMatch(
      /^## Cekura scenario instructions \(<code>os&#x3A; windows-latest, node&#x3A; 24<\/code>\): ✅ completed$/m
    )
    expect(comments[0]?.body.split('\n')[0]).toMatch(/^<!-- cekura-instructions-action:default;job=e2e;leg=[0-9a-f]{16} -->$/)

    // The same leg again, keys in another order: the same comment.
    github.requests.length = 0
    const again = await leg('{"node":24,"os":"ubuntu-latest"}')
    expect(again.outputs['comment-id']).toBe(String(comments[0]?.id))
    expect(marked(github)).toHaveLength(2)
  })
})

describe('which comments are ours', () => {
  const ctx = useFake()

  test("someone else's comment that carries our marker is left alone; the action posts its own", async () => {
    const theirs = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nThis looks like the bot's comment.`, user: 'mallory' })
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    noWarnings(result)

    expect(writes(github)).toEqual([`POST ${listPath()}`])
    const comments = marked(github)
    expect(comments).toHaveLength(2)
    expect(comments[0]).toEqual(theirs)
    expect(comments[1]?.user.login).toBe(BOT_LOGIN)
    expect(result.outputs['comment-id']).toBe(String(comments[1]?.id))
    expect(log(result)).toContain(
      `Comment ${theirs.id} starts with this action's marker but was written by mallory, not ${BOT_LOGIN}; it is left alone.`
    )

    // The next run updates its own, still not theirs.
    github.requests.length = 0
    const again = await run({
      inputs: fastInputs(ctx.fake, 'fail', commentInputs({ 'fail-on-error': 'false' })),
      env: eventEnv('pull_request')
    })
    expect(again.code).toBe(0)
    expect(writes(github)).toEqual([`PATCH ${commentPath(comments[1]?.id ?? 0)}`])
    expect(marked(github)[0]).toEqual(theirs)
  })

  test('a personal token: its comments are the ones its user wrote (GET /user), not the bot’s', async () => {
    const token = 'ghp_personalTokenOfOctoDev0123456789abcd'
    github.addToken(token, { login: 'octo-dev', kind: 'user' })
    const mine = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nwritten with the personal token`, user: 'octo-dev' })
    // Newer, and not this token's: were it taken for ours, it would be the one edited.
    const bots = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nwritten with GITHUB_TOKEN` })
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'github-token': token })),
      env: eventEnv('pull_request')
    })
    expect(result.code).toBe(0)
    noWarnings(result)
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([`GET ${listPath()}`, 'GET /user', `PATCH ${commentPath(mine.id)}`])
    expect(marked(github).find(c => c.id === bots.id)?.body).toBe(bots.body)
    expect(result.outputs['comment-id']).toBe(String(mine.id))
    assertSecretAbsent(result, token)
  })

  test("an app token whose GraphQL viewer is refused is taken for GITHUB_TOKEN's bot", async () => {
    github.viewer = 'forbidden'
    const mine = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nold` })
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    noWarnings(result)
    expect(writes(github)).toEqual([`PATCH ${commentPath(mine.id)}`])
  })

  test('an edit GitHub refuses (403) becomes a new comment, without a permission warning', async () => {
    const mine = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nold` })
    github.forbid = 'edits'
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    noWarnings(result)
    expect(
      github.requests.filter(r => r.method !== 'GET' && r.path !== '/graphql').map(r => `${r.method} ${r.path} ${r.response?.status}`)
    ).toEqual([`PATCH ${commentPath(mine.id)} 403`, `POST ${listPath()} 201`])
    const comments = marked(github)
    expect(comments).toHaveLength(2)
    expect(result.outputs['comment-id']).toBe(String(comments[1]?.id))
    expect(log(result)).toContain(`GitHub refused to edit comment ${mine.id} (403`)
  })
})

describe('the default comment of an earlier version', () => {
  const ctx = useFake()

  test('is taken over by the job: edited in place under the new marker', async () => {
    const legacy = github.addComment(OWNER, REPO, PR, { body: `${LEGACY_MARKER}\n## Cekura scenario instructions: ✅ completed\n\nold` })
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    noWarnings(result)
    expect(writes(github)).toEqual([`PATCH ${commentPath(legacy.id)}`])
    const [comment] = marked(github) as [Comment]
    expect(comment.id).toBe(legacy.id)
    expect(comment.body.split('\n')[0]).toBe(MARKER)
    expect(result.outputs['comment-id']).toBe(String(legacy.id))
    expect(log(result)).toContain('Took over the comment an earlier version of the action wrote')

    // From then on it is the job's own: the next run finds it by the new marker.
    github.requests.length = 0
    const again = await run({
      inputs: fastInputs(ctx.fake, 'fail', commentInputs({ 'fail-on-error': 'false' })),
      env: eventEnv('pull_request')
    })
    expect(writes(github)).toEqual([`PATCH ${commentPath(legacy.id)}`])
    expect(again.outputs['comment-id']).toBe(String(legacy.id))
  })

  test('is not taken over by a matrix leg (its sibling legs would race for it): the leg posts its own and hides the old one', async () => {
    const legacy = github.addComment(OWNER, REPO, PR, { body: `${LEGACY_MARKER}\nold` })
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ matrix: '{"os":"ubuntu-latest"}' })),
      env: eventEnv('pull_request')
    })
    expect(result.code).toBe(0)
    noWarnings(result)
    const comments = marked(github)
    expect(comments).toHaveLength(2)
    expect(comments[0]?.body).toBe(legacy.body)
    expect(github.minimizedAs(legacy.id)).toBe('OUTDATED')
    expect(result.outputs['comment-id']).toBe(String(comments[1]?.id))
  })

  test('is deleted in delete mode, like the job’s own', async () => {
    const legacy = github.addComment(OWNER, REPO, PR, { body: `${LEGACY_MARKER}\nold` })
    const mine = github.addComment(OWNER, REPO, PR, { body: `${MARKER}\nnewer` })
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ 'comment-mode': 'delete' })),
      env: eventEnv('pull_request')
    })
    expect(result.code).toBe(0)
    expect(writes(github)).toEqual([`DELETE ${commentPath(legacy.id)}`, `DELETE ${commentPath(mine.id)}`])
    expect(marked(github)).toEqual([])
  })
})

describe('GitHub rate limits', () => {
  const ctx = useFake()

  test.each([403, 429])('a secondary rate limit (%i) with retry-after: 1 is waited out and retried', async status => {
    github.rateLimit = { kind: 'secondary', status, retryAfter: 1, count: 1 }
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    noWarnings(result)
    expect(github.requests.map(r => `${r.method} ${r.path} ${r.response?.status}`)).toEqual([
      `GET ${listPath()} ${status}`,
      `GET ${listPath()} 200`,
      `POST ${listPath()} 201`
    ])
    expect(github.requests[0]?.response?.body).toContain(SECONDARY_RATE_LIMIT_MESSAGE.slice(0, 40))
    const [limited, retried] = github.requests.map(r => r.at) as [number, number]
    expect(retried - limited).toBeGreaterThanOrEqual(950)
    expect(log(result)).toMatch(
      /GitHub's secondary rate limit answered GET \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments; waiting 1s before trying again\./
    )
    expect(marked(github)).toHaveLength(1)
    expect(result.outputs['comment-id']).toBe(String(marked(github)[0]?.id))
  })

  test('a primary rate limit that resets within the budget is waited out', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1
    github.rateLimit = { kind: 'primary', reset, count: 1 }
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs()), env: eventEnv('pull_request') })
    expect(result.code).toBe(0)
    noWarnings(result)
    const [limited, retried] = github.requests.map(r => r.at) as [number, number]
    expect(retried).toBeGreaterThanOrEqual(reset * 1000)
    expect(retried - limited).toBeLessThan(4000)
    expect(log(result)).toMatch(/GitHub's primary rate limit answered GET .*; waiting [\d.]+s before trying again\./)
    expect(marked(github)).toHaveLength(1)
  })

  test('a primary rate limit whose reset is past the deadline is given up at once, with a warning; the step passes', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 3600
    github.rateLimit = { kind: 'primary', reset }
    const result = await run({
      inputs: fastInputs(ctx.fake, 'complete-after-1', commentInputs({ timeout: '3s' })),
      env: eventEnv('pull_request')
    })
    expect(result.code).toBe(0)
    expectAllOutputs(result)
    expect(result.outputs.status).toBe('completed')
    expect(result.outputs['comment-id']).toBe('')
    // One request: waiting an hour could not help, and nothing waited for the deadline either.
    expect(github.requests).toHaveLength(1)
    expect(github.requests[0]?.response?.body).toContain(PRIMARY_RATE_LIMIT_MESSAGE)
    expect(result.exitedAt - (result.firstOutputAt ?? 0)).toBeLessThan(3000 + 2500)
    const warnings = annotations(result, 'warning')
    expect(warnings).toHaveLength(1)
    const resetClock = new Date(reset * 1000).toISOString().slice(11, 19)
    expect(warnings[0]).toMatch(
      new RegExp(
        `^Could not write the pull-request comment: GitHub's primary rate limit is used up until ${resetClock} UTC \\((59m \\d\\ds|1h) from now\\), more than the [\\d.]+m?s left for the comment, so it was given up\\.$`
      )
    )
    expect(annotations(result, 'error')).toEqual([])
  })
})
