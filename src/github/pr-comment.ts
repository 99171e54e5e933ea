import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
// Types only: erased from the build, so the bundle does not load @actions/github up front.
import type { getOctokit } from '@actions/github'
import { errorMessage, oneLine } from '../base/text.js'
import { USER_AGENT } from '../base/version.js'
import { commentMarker } from '../report/comment.js'

export interface PullRequestRef {
  owner: string
  repo: string
  number: number
}

export type CommentTarget = ({ kind: 'pull-request' } & PullRequestRef) | { kind: 'none'; reason: string }

export interface CommentLog {
  info: (message: string) => void
  notice: (message: string) => void
  warning: (message: string) => void
  debug: (message: string) => void
}

export interface PostCommentOptions {
  /** The github-token input. */
  token: string
  /** The comment-header input; picks which of our comments on the PR is ours to update. */
  header: string
  /** The rendered comment (renderComment); the marker for `header` is added when it is missing. */
  body: string
  /** Where messages go; @actions/core by default. */
  log?: CommentLog
  /** For all requests together; short when the run is being cancelled. */
  timeoutMs?: number
  /** Aborts every request at once: the runner is cancelling the step. */
  signal?: AbortSignal
}

export interface PostedComment {
  id: number
  url: string
}

const PER_PAGE = 100
/** 30,000 comments: far past any real PR, and a stop should the API keep saying "next". */
const MAX_PAGES = 300
const DEFAULT_TIMEOUT_MS = 30_000

const PERMISSION_HINT =
  'Add `permissions: pull-requests: write` to the job (or the workflow) so that the token may comment. ' +
  'Workflows run for pull requests from forks get a read-only token whatever they ask for; ' +
  'there the comment is skipped and the job summary still has the result.'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Which pull request a run is for, from the event name, the event payload and GITHUB_REPOSITORY. */
export function pullRequestFromEvent(eventName: string | undefined, payload: unknown, repository: string | undefined): CommentTarget {
  const name = eventName ?? ''
  if (!isRecord(payload)) {
    return { kind: 'none', reason: `the ${name || 'unknown'} event has no readable payload (GITHUB_EVENT_PATH)` }
  }
  let number: unknown
  if (name === 'issue_comment') {
    const issue = payload.issue
    if (!isRecord(issue) || !isRecord(issue.pull_request)) {
      return { kind: 'none', reason: 'this issue_comment event is on an issue, not a pull request' }
    }
    number = issue.number
  } else if (name === 'pull_request' || name === 'pull_request_target') {
    number = isRecord(payload.pull_request) ? payload.pull_request.number : payload.number
  } else {
    return { kind: 'none', reason: `the ${name || 'unknown'} event is not for a pull request` }
  }
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    return { kind: 'none', reason: `the ${name} event payload has no pull request number` }
  }

  let fullName = repository ?? ''
  if (fullName === '' && isRecord(payload.repository) && typeof payload.repository.full_name === 'string') {
    fullName = payload.repository.full_name
  }
  const [owner, repo, ...rest] = fullName.split('/')
  if (!owner || !repo || rest.length > 0) {
    return { kind: 'none', reason: `the repository is unknown (GITHUB_REPOSITORY is ${JSON.stringify(repository ?? '')})` }
  }
  return { kind: 'pull-request', owner, repo, number }
}

function readPayload(path: string | undefined, log: CommentLog): unknown {
  if (!path) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch (error) {
    log.debug(`Could not read the event payload ${path}: ${errorMessage(error)}`)
    return undefined
  }
}

/**
 * The HTTP status GitHub answered with. Octokit gives network failures status 500 too, but no
 * response; those had no answer at all.
 */
function errorStatus(error: unknown): number | undefined {
  if (!isRecord(error) || typeof error.status !== 'number' || !isRecord(error.response)) return undefined
  return error.status
}

function oneLineError(error: unknown): string {
  return oneLine(errorMessage(error))
}

/** Whether a `Link` header offers another page. */
function hasNextPage(link: string | undefined): boolean {
  return link !== undefined && /<[^<>]*>;\s*rel="next"/.test(link)
}

/**
 * Creates or updates our comment on the run's pull request. Never throws: every problem is a notice
 * or a warning, and the step's outcome stays the job's. Resolves to the comment, or undefined when
 * none was written.
 */
export async function postComment(options: PostCommentOptions): Promise<PostedComment | undefined> {
  const log: CommentLog = options.log ?? core
  try {
    const target = pullRequestFromEvent(
      process.env.GITHUB_EVENT_NAME,
      readPayload(process.env.GITHUB_EVENT_PATH, log),
      process.env.GITHUB_REPOSITORY
    )
    if (target.kind === 'none') {
      log.notice(`pr-comment is on, but ${target.reason}, so no pull-request comment was written.`)
      return undefined
    }
    if (options.token.trim() === '') {
      log.warning('pr-comment is on, but github-token is empty, so no pull-request comment was written.')
      return undefined
    }
    return await upsert(target, options, log)
  } catch (error) {
    const status = errorStatus(error)
    const message = oneLineError(error)
    if (status === 403 && /resource not accessible by integration/i.test(message)) {
      log.warning(
        `Could not write the pull-request comment: the token may not write to this pull request (403 Resource not accessible by integration). ${PERMISSION_HINT}`
      )
    } else if (status === 401) {
      log.warning(`Could not write the pull-request comment: GitHub rejected the github-token (401 ${message}).`)
    } else {
      const api = process.env.GITHUB_API_URL || 'https://api.github.com'
      log.warning(
        `Could not write the pull-request comment (${status === undefined ? `no answer from ${api}` : `HTTP ${status}`}): ${message}`
      )
    }
    return undefined
  }
}

async function upsert(target: PullRequestRef, options: PostCommentOptions, log: CommentLog): Promise<PostedComment> {
  const marker = commentMarker(options.header)
  const body = options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`
  const timeout = AbortSignal.timeout(Math.round(options.timeoutMs ?? DEFAULT_TIMEOUT_MS))
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout

  // Loaded here, not at the top, so that runs without a comment never pay for loading it.
  const github = await import('@actions/github')
  // getOctokit's defaults carry the base URL (GITHUB_API_URL, for GitHub Enterprise Server) and a fetch
  // that goes through HTTPS_PROXY unless NO_PROXY exempts the host. The options here are merged over
  // those defaults shallowly, so they must not set `baseUrl` or `request`: the signal goes with each
  // call instead, where it is merged deeply.
  const octokit: ReturnType<typeof getOctokit> = github.getOctokit(options.token, { userAgent: USER_AGENT })
  const where = { owner: target.owner, repo: target.repo }
  const request = { signal }

  let existing: { id: number; body?: string | undefined; html_url: string } | undefined
  // Page by number rather than following the Link URLs, which would drop the signal and could point
  // the token at another host.
  for (let page = 1; page <= MAX_PAGES && existing === undefined; page++) {
    const response = await octokit.rest.issues.listComments({
      ...where,
      issue_number: target.number,
      per_page: PER_PAGE,
      page,
      request
    })
    // Our body starts with the marker; a quote of our comment in someone's reply does not.
    existing = response.data.find(comment => comment.body?.startsWith(marker))
    if (!hasNextPage(response.headers.link) || response.data.length === 0) break
  }

  const pr = `${target.owner}/${target.repo}#${target.number}`
  if (existing !== undefined) {
    if (existing.body === body) {
      log.info(`The comment on ${pr} is already up to date: ${existing.html_url}`)
      return { id: existing.id, url: existing.html_url }
    }
    try {
      const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body, request })
      log.info(`Updated the comment on ${pr}: ${data.html_url}`)
      return { id: data.id, url: data.html_url }
    } catch (error) {
      // Deleted between listing and updating: write a new one instead.
      if (errorStatus(error) !== 404) throw error
      log.debug(`Comment ${existing.id} was gone when updating it; creating a new one.`)
    }
  }
  const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: target.number, body, request })
  log.info(`Commented on ${pr}: ${data.html_url}`)
  return { id: data.id, url: data.html_url }
}
