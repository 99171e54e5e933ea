import { pullRequestFromEvent } from '../../src/github/pr-comment.js'

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
