// Shared by the end-to-end tests of the pull-request comment: the runner's variables for an event,
// with the GitHub API at a fake, and readers for what the run printed.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_TOKEN, type Comment, type FakeGitHub } from './fake-github.mjs'
import type { RunResult } from './run-action.mjs'

export const OWNER = 'example-org'
export const REPO = 'example-repo'
export const PR = 7
/** The run's commit in the tests of push, workflow_dispatch and schedule runs. */
export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
/** The marker of the job's own comment: the harness runs as job `e2e`, outside a matrix. */
export const MARKER = '<!-- cekura-instructions-action:default;job=e2e -->'
/** The default comment's marker before keys named the job. */
export const LEGACY_MARKER = '<!-- cekura-instructions-action:default -->'
export const RUN_URL = `https://github.com/${OWNER}/${REPO}/actions/runs/1`

const repository = { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER } }

export const PAYLOADS: Record<string, unknown> = {
  pull_request: { action: 'synchronize', number: PR, pull_request: { number: PR, state: 'open' }, repository },
  pull_request_target: { action: 'opened', number: PR, pull_request: { number: PR, state: 'open' }, repository },
  issue_comment: {
    action: 'created',
    issue: { number: PR, pull_request: { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${PR}` } },
    comment: { id: 1, body: '/instructions' },
    repository
  },
  'issue_comment on an issue': { action: 'created', issue: { number: 8 }, comment: { id: 2, body: 'hello' }, repository },
  push: { ref: 'refs/heads/feature', after: SHA, repository },
  workflow_dispatch: { ref: 'refs/heads/feature', inputs: {}, repository },
  schedule: { schedule: '0 3 * * *', repository },
  release: { action: 'published', release: { tag_name: 'v1' }, repository }
}

/** The runner's variables for an event (payload file in `dir`), with the GitHub API at the fake. */
export function eventEnv(github: FakeGitHub, dir: string, event: string, extra: Record<string, string> = {}): Record<string, string> {
  const path = join(dir, `${event.replace(/\W/g, '_')}.json`)
  writeFileSync(path, JSON.stringify(PAYLOADS[event]))
  return {
    GITHUB_EVENT_NAME: event.split(' ')[0] as string,
    GITHUB_EVENT_PATH: path,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_RUN_ID: '1',
    GITHUB_SHA: SHA,
    ...extra
  }
}

export function commentInputs(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { 'pr-comment': 'true', 'github-token': DEFAULT_TOKEN, ...extra }
}

/** The text of every annotation of one kind, as the runner shows it. */
export function annotations(result: RunResult, kind: 'warning' | 'notice' | 'error'): string[] {
  return result.stdout
    .split(/\r?\n/)
    .filter(line => line.startsWith(`::${kind}`))
    .map(line =>
      line
        .replace(/^::[a-z]+[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%')
    )
}

/** The comments on the test's pull request that start with one of this action's markers, whoever wrote them. */
export function marked(github: FakeGitHub, number = PR): Comment[] {
  return github.comments(OWNER, REPO, number).filter(comment => comment.body.startsWith('<!-- cekura-instructions-action:'))
}

/** The requests that changed something: writes to comments and GraphQL mutations, as `METHOD path`. */
export function writes(github: FakeGitHub): string[] {
  return github.requests
    .filter(
      r =>
        (r.method !== 'GET' && !r.path.endsWith('/graphql')) || (r.path.endsWith('/graphql') && /^\s*mutation\b/.test(graphqlQuery(r.body)))
    )
    .map(r => `${r.method} ${r.path}`)
}

/** The query text of a GraphQL request body. */
export function graphqlQuery(body: string): string {
  try {
    const parsed = JSON.parse(body) as { query?: unknown }
    return typeof parsed.query === 'string' ? parsed.query : ''
  } catch {
    return ''
  }
}
