import { commentDestination, planComment, pullRequestFromEvent, writtenBy, type OurComment } from '../../src/github/pr-comment.js'

const repository = { full_name: 'payload-org/payload-repo' }

describe('pullRequestFromEvent', () => {
  it.each(['pull_request', 'pull_request_target'])('finds the pull request of a %s event', name => {
    expect(pullRequestFromEvent(name, { number: 7, pull_request: { number: 7 }, repository }, 'o/r')).toEqual({
      kind: 'pull-request',
      owner: 'o',
      repo: 'r',
      number: 7
    })
  })

  it('finds the pull request of an issue_comment on one', () => {
    const payload = { issue: { number: 12, pull_request: { url: 'https://api.github.com/repos/o/r/pulls/12' } }, repository }
    expect(pullRequestFromEvent('issue_comment', payload, 'o/r')).toMatchObject({ kind: 'pull-request', number: 12 })
  })

  it('says no for an issue_comment on a plain issue', () => {
    const target = pullRequestFromEvent('issue_comment', { issue: { number: 12 } }, 'o/r')
    expect(target).toEqual({ kind: 'none', reason: expect.stringMatching(/on an issue, not a pull request/) })
  })

  it.each(['push', 'workflow_dispatch', 'schedule', 'pull_request_review', undefined])('says no for a %s event', name => {
    const target = pullRequestFromEvent(name, { number: 3, pull_request: { number: 3 } }, 'o/r')
    expect(target.kind).toBe('none')
    if (target.kind === 'none') expect(target.reason).toMatch(/not for a pull request/)
  })

  it('says no when the payload is missing or has no usable number', () => {
    expect(pullRequestFromEvent('pull_request', undefined, 'o/r')).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/no readable payload/)
    })
    expect(pullRequestFromEvent('pull_request', [], 'o/r').kind).toBe('none')
    for (const number of ['7', 0, -1, 1.5, null]) {
      expect(pullRequestFromEvent('pull_request', { pull_request: { number } }, 'o/r')).toMatchObject({
        kind: 'none',
        reason: expect.stringMatching(/no pull request number/)
      })
    }
  })

  it('falls back on the payload number and repository', () => {
    expect(pullRequestFromEvent('pull_request', { number: 9, repository }, undefined)).toEqual({
      kind: 'pull-request',
      owner: 'payload-org',
      repo: 'payload-repo',
      number: 9
    })
    expect(pullRequestFromEvent('pull_request', { number: 9, repository }, '')).toMatchObject({ owner: 'payload-org' })
  })

  it('says no when the repository is unknown or malformed', () => {
    expect(pullRequestFromEvent('pull_request', { number: 9 }, undefined)).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/repository is unknown/)
    })
    expect(pullRequestFromEvent('pull_request', { number: 9 }, 'just-a-name').kind).toBe('none')
    expect(pullRequestFromEvent('pull_request', { number: 9 }, 'a/b/c').kind).toBe('none')
  })
})

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const ENV = { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: SHA }

describe('commentDestination', () => {
  it('takes pr-number over the event, on any event', () => {
    for (const event of ['pull_request', 'push', 'release', undefined]) {
      expect(commentDestination({ ...ENV, GITHUB_EVENT_NAME: event }, { number: 7, pull_request: { number: 7 } }, 9)).toEqual({
        kind: 'pull-request',
        owner: 'o',
        repo: 'r',
        number: 9
      })
    }
  })

  it('still needs the repository for pr-number', () => {
    expect(commentDestination({ GITHUB_EVENT_NAME: 'push' }, {}, 9)).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/repository is unknown/)
    })
  })

  it.each(['push', 'workflow_dispatch', 'schedule'])('looks up the commit of a %s run', event => {
    expect(commentDestination({ ...ENV, GITHUB_EVENT_NAME: event }, {}, undefined)).toEqual({
      kind: 'commit',
      owner: 'o',
      repo: 'r',
      sha: SHA,
      event
    })
  })

  it("takes a push's commit from its payload when GITHUB_SHA is missing, and says so when neither has one", () => {
    expect(
      commentDestination({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'push' }, { after: SHA.toUpperCase() }, undefined)
    ).toMatchObject({
      kind: 'commit',
      sha: SHA
    })
    expect(commentDestination({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'schedule' }, {}, undefined)).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/commit is unknown/)
    })
  })

  it('keeps the pull request of pull-request events, and points other events at pr-number', () => {
    expect(
      commentDestination({ ...ENV, GITHUB_EVENT_NAME: 'pull_request' }, { number: 7, pull_request: { number: 7 } }, undefined)
    ).toEqual({
      kind: 'pull-request',
      owner: 'o',
      repo: 'r',
      number: 7
    })
    expect(commentDestination({ ...ENV, GITHUB_EVENT_NAME: 'release' }, {}, undefined)).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/release event is not for a pull request \(set pr-number to pick one\)/)
    })
  })
})

describe('writtenBy', () => {
  it('matches the login, in any case', () => {
    expect(writtenBy({ login: 'github-actions[bot]', type: 'Bot' }, 'github-actions[bot]')).toBe(true)
    expect(writtenBy({ login: 'Octo-Dev', type: 'User' }, 'octo-dev')).toBe(true)
    expect(writtenBy({ login: 'mallory', type: 'User' }, 'octo-dev')).toBe(false)
    expect(writtenBy(null, 'octo-dev')).toBe(false)
    expect(writtenBy({ login: '' }, '')).toBe(false)
  })

  it('adds [bot] to a login GraphQL gave without it, for a user of type Bot only', () => {
    expect(writtenBy({ login: 'my-app[bot]', type: 'Bot' }, 'my-app')).toBe(true)
    expect(writtenBy({ login: 'my-app[bot]', type: 'User' }, 'my-app')).toBe(false)
    expect(writtenBy({ login: 'my-app', type: 'User' }, 'my-app[bot]')).toBe(false)
  })
})

describe('planComment', () => {
  const comment = (id: number, legacy = false, body = `marker\n## old ${id}`): OurComment => ({
    id,
    nodeId: `IC_${id}`,
    body,
    url: `https://github.com/o/r/pull/1#issuecomment-${id}`,
    legacy
  })
  const withPrint = (id: number, print: string): OurComment =>
    comment(id, false, `marker\n<!-- cekura-instructions-action content=${print} -->\n## x`)
  const PRINT = '0123456789abcdef'

  it('update: posts the first, edits the newest, and leaves an unchanged one alone', () => {
    expect(planComment('update', [], PRINT, false)).toEqual({ kind: 'create', remove: [], hide: [] })
    const [a, b] = [comment(1), comment(2)]
    expect(planComment('update', [a, b], PRINT, false)).toEqual({ kind: 'edit', comment: b, takeover: false })
    const same = withPrint(3, PRINT)
    expect(planComment('update', [a, same], PRINT, false)).toEqual({ kind: 'keep', comment: same })
    expect(planComment('update', [withPrint(3, 'fedcba9876543210')], PRINT, false).kind).toBe('edit')
    expect(planComment('update', [same], undefined, false).kind).toBe('edit')
  })

  it("update: takes an earlier version's comment over, unless this run is a matrix leg", () => {
    const [old1, old2] = [comment(1, true), comment(2, true)]
    expect(planComment('update', [old1, old2], PRINT, false)).toEqual({ kind: 'edit', comment: old2, takeover: true })
    expect(planComment('update', [old1, old2], PRINT, true)).toEqual({ kind: 'create', remove: [], hide: [old1, old2] })
    // The job's own comment wins over an old one.
    const mine = comment(3)
    expect(planComment('update', [old1, mine], PRINT, true)).toEqual({ kind: 'edit', comment: mine, takeover: false })
  })

  it('recreate, hide-and-recreate and delete handle every one of ours, old ones included', () => {
    const all = [comment(1, true), comment(2), withPrint(3, PRINT)]
    expect(planComment('recreate', all, PRINT, false)).toEqual({ kind: 'create', remove: all, hide: [] })
    expect(planComment('hide-and-recreate', all, PRINT, false)).toEqual({ kind: 'create', remove: [], hide: all })
    expect(planComment('delete', all, PRINT, false)).toEqual({ kind: 'remove', remove: all })
    expect(planComment('delete', [], PRINT, false)).toEqual({ kind: 'remove', remove: [] })
  })
})
