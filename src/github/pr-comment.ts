import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
// Types only: erased from the build, so the bundle does not load @actions/github up front.
import type { getOctokit } from '@actions/github'
import { errorMessage, oneLine, plural } from '../base/text.js'
import type { CommentMode } from '../base/types.js'
import { USER_AGENT } from '../base/version.js'
import { type CommentKey, commentFingerprint } from '../report/comment.js'
import { RateLimitedError, retryRateLimits } from './rate-limit.js'

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
  /** Which of the comments on the PR are this run's (commentKey). */
  key: CommentKey
  /** The rendered comment (renderComment); the key's marker is added when it is missing. */
  body: string
  /** The comment-mode input; update by default. */
  mode?: CommentMode
  /** The pr-number input: this pull request rather than the event's. */
  prNumber?: number | undefined
  /** Where messages go; @actions/core by default. */
  log?: CommentLog
  /** For all requests together, rate-limit waits included; short when the run is being cancelled. */
  timeoutMs?: number
  /** Ends the comment early (a cancel); combined with the time-out. */
  signal?: AbortSignal
}

export interface PostedComment {
  id: number
  url: string
}

/** What a comment of ours is, as the listing gives it. */
export interface OurComment {
  id: number
  nodeId: string
  body: string
  url: string
  /** Written by an earlier version under the key's legacy marker. */
  legacy: boolean
}

/** What one run does to the pull request. */
export type CommentPlan =
  | { kind: 'keep'; comment: OurComment }
  | { kind: 'edit'; comment: OurComment; takeover: boolean }
  | { kind: 'create'; remove: OurComment[]; hide: OurComment[] }
  | { kind: 'remove'; remove: OurComment[] }

/** The login of the app user that writes with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = 'github-actions[bot]'
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

/** Where the comment goes: a pull request, or the open pull request of a commit, to be looked up. */
export type CommentDestination =
  | ({ kind: 'pull-request' } & PullRequestRef)
  | { kind: 'commit'; owner: string; repo: string; sha: string; event: string }
  | { kind: 'none'; reason: string }

/** Events that name no pull request but run on a commit that may be one's head. */
const COMMIT_EVENTS = new Set(['push', 'workflow_dispatch', 'schedule'])

/**
 * Which pull request a run comments on: the pr-number input when given; else the one the event names;
 * else, for push, workflow_dispatch and schedule runs, the open pull request whose head is the run's commit.
 */
export function commentDestination(
  env: Record<string, string | undefined>,
  payload: unknown,
  prNumber: number | undefined
): CommentDestination {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  let fullName = env.GITHUB_REPOSITORY ?? ''
  if (fullName === '' && isRecord(payload) && isRecord(payload.repository) && typeof payload.repository.full_name === 'string') {
    fullName = payload.repository.full_name
  }
  const [owner, repo, ...rest] = fullName.split('/')
  const known = owner !== undefined && owner !== '' && repo !== undefined && repo !== '' && rest.length === 0
  if (prNumber !== undefined) {
    return known
      ? { kind: 'pull-request', owner, repo, number: prNumber }
      : { kind: 'none', reason: `the repository is unknown (GITHUB_REPOSITORY is ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')})` }
  }
  if (COMMIT_EVENTS.has(eventName)) {
    const after = isRecord(payload) && typeof payload.after === 'string' ? payload.after : ''
    const sha = env.GITHUB_SHA || after
    if (!/^[0-9a-f]{40}$/i.test(sha)) return { kind: 'none', reason: `the ${eventName} run's commit is unknown (GITHUB_SHA is not set)` }
    if (!known) {
      return { kind: 'none', reason: `the repository is unknown (GITHUB_REPOSITORY is ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')})` }
    }
    return { kind: 'commit', owner, repo, sha: sha.toLowerCase(), event: eventName }
  }
  const target = pullRequestFromEvent(eventName || undefined, payload, env.GITHUB_REPOSITORY)
  if (target.kind === 'none' && /is not for a pull request/.test(target.reason)) {
    return { kind: 'none', reason: `${target.reason} (set pr-number to pick one)` }
  }
  return target
}

/**
 * Whether a comment was written by the token's user. GitHub's REST answers name an app's user
 * `slug[bot]`; GraphQL's viewer may name it without the suffix, which only a user of type Bot may add.
 */
export function writtenBy(user: { login?: string; type?: string } | null | undefined, login: string): boolean {
  const author = (user?.login ?? '').toLowerCase()
  const me = login.toLowerCase()
  return author !== '' && (author === me || (user?.type === 'Bot' && author === `${me}[bot]`))
}

/**
 * What a run does, from the mode, our comments on the pull request (oldest first), the new body's
 * content fingerprint and whether this run is a matrix leg. Pure.
 */
export function planComment(
  mode: CommentMode,
  ours: readonly OurComment[],
  fingerprint: string | undefined,
  matrixLeg: boolean
): CommentPlan {
  if (mode === 'delete') return { kind: 'remove', remove: [...ours] }
  if (mode === 'recreate') return { kind: 'create', remove: [...ours], hide: [] }
  if (mode === 'hide-and-recreate') return { kind: 'create', remove: [], hide: [...ours] }
  const current = ours.filter(comment => !comment.legacy)
  const legacy = ours.filter(comment => comment.legacy)
  const newest = current.at(-1)
  if (newest !== undefined) {
    const unchanged = fingerprint !== undefined && commentFingerprint(newest.body) === fingerprint
    return unchanged ? { kind: 'keep', comment: newest } : { kind: 'edit', comment: newest, takeover: false }
  }
  const old = legacy.at(-1)
  // The legs of a matrix run at once and share the job: each would take the one old comment over in
  // turn. They post their own and hide it instead, which is the same however many do it.
  if (old !== undefined && !matrixLeg) return { kind: 'edit', comment: old, takeover: true }
  return { kind: 'create', remove: [], hide: legacy }
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

type Octokit = ReturnType<typeof getOctokit>
type OctokitLog = Record<'debug' | 'info' | 'warn' | 'error', (message: string) => void>
type RequestOptions = { signal: AbortSignal; log: OctokitLog }

/**
 * Writes, updates, replaces, hides or deletes our comment on the run's pull request, as the mode says.
 * Never throws: every problem is a notice or a warning, and the step's outcome stays the job's.
 * Resolves to the comment that now shows the result, or undefined when there is none.
 */
export async function postComment(options: PostCommentOptions): Promise<PostedComment | undefined> {
  const log: CommentLog = options.log ?? core
  try {
    const destination = commentDestination(process.env, readPayload(process.env.GITHUB_EVENT_PATH, log), options.prNumber)
    if (destination.kind === 'none') {
      log.notice(`pr-comment is on, but ${destination.reason}, so no pull-request comment was written.`)
      return undefined
    }
    if (options.token.trim() === '') {
      log.warning('pr-comment is on, but github-token is empty, so no pull-request comment was written.')
      return undefined
    }
    return await publishComment(destination, options, log)
  } catch (error) {
    const status = errorStatus(error)
    const message = oneLineError(error)
    if (error instanceof RateLimitedError) {
      log.warning(`Could not write the pull-request comment: ${message}.`)
    } else if (status === 403 && /resource not accessible by integration/i.test(message)) {
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

async function publishComment(
  destination: Exclude<CommentDestination, { kind: 'none' }>,
  options: PostCommentOptions,
  log: CommentLog
): Promise<PostedComment | undefined> {
  const { key } = options
  const mode = options.mode ?? 'update'
  const body = options.body.startsWith(key.marker) ? options.body : `${key.marker}\n${options.body}`
  const timeoutMs = Math.max(0, Math.round(options.timeoutMs ?? DEFAULT_TIMEOUT_MS))
  const deadline = performance.now() + timeoutMs
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal])

  // Loaded here, not at the top, so that runs without a comment never pay for loading it.
  const github = await import('@actions/github')
  // getOctokit's defaults carry the base URL (GITHUB_API_URL, for GitHub Enterprise Server) and a fetch
  // that goes through HTTPS_PROXY unless NO_PROXY exempts the host. The options here are merged over
  // those defaults shallowly, so they must not set `baseUrl` or `request`: the signal goes with each
  // call instead, where it is merged deeply.
  // Octokit's own messages (a deprecation notice quotes GitHub's Sunset and Link headers) go through the
  // log sink like all outside text, not to the console, whose stderr the runner reads for commands too.
  // They are about the API, not the user's run: shown in the log, never as annotations. The request
  // layer reads its logger from each call's `request` options, the rest of Octokit from `log`.
  const octokitLog = { debug: log.debug, info: log.debug, warn: log.info, error: log.info }
  const octokit: Octokit = github.getOctokit(options.token, { userAgent: USER_AGENT, log: octokitLog })
  retryRateLimits(octokit, { deadline, signal, info: log.info })
  const request: RequestOptions = { signal, log: octokitLog }

  const target = destination.kind === 'commit' ? await pullRequestOfCommit(octokit, destination, request, log) : destination
  if (target === undefined) return undefined
  const where = { owner: target.owner, repo: target.repo }
  const pr = `${target.owner}/${target.repo}#${target.number}`

  const ours = await findOurs(octokit, target, key, options.token, request, log)
  const plan = planComment(mode, ours, commentFingerprint(body), key.matrixLeg)

  const create = async (): Promise<PostedComment> => {
    const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: target.number, body, request })
    log.info(`Commented on ${pr}: ${data.html_url}`)
    return { id: data.id, url: data.html_url }
  }

  if (plan.kind === 'keep') {
    log.info(`The comment on ${pr} is unchanged (only the run's own facts differ), so it was left as it is: ${plan.comment.url}`)
    return { id: plan.comment.id, url: plan.comment.url }
  }
  if (plan.kind === 'edit') {
    try {
      const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: plan.comment.id, body, request })
      log.info(
        plan.takeover
          ? `Took over the comment an earlier version of the action wrote on ${pr}, now this job's: ${data.html_url}`
          : `Updated the comment on ${pr}: ${data.html_url}`
      )
      return { id: data.id, url: data.html_url }
    } catch (error) {
      const status = errorStatus(error)
      // Deleted since it was listed, or GitHub refuses the edit: a new comment shows the result instead.
      if (status !== 404 && status !== 403) throw error
      log.info(
        status === 404
          ? `Comment ${plan.comment.id} was gone when updating it; posting a new one.`
          : `GitHub refused to edit comment ${plan.comment.id} (403: ${oneLineError(error)}); posting a new one.`
      )
      return await create()
    }
  }

  // The new comment first: should anything after it fail, the pull request still shows the result.
  const posted = plan.kind === 'create' ? await create() : undefined
  const remove = plan.remove
  const hide = plan.kind === 'create' ? plan.hide : []
  try {
    if (remove.length > 0) await removeComments(octokit, where, remove, request, log, pr)
    if (hide.length > 0) await hideComments(octokit, hide, request, log, pr)
  } catch (error) {
    if (posted === undefined) throw error
    const status = errorStatus(error)
    log.warning(
      `Posted the new comment (${posted.url}), but could not ${remove.length > 0 ? 'delete' : 'hide'} the earlier ones` +
        `${status === undefined ? '' : ` (HTTP ${status})`}: ${oneLineError(error)}`
    )
  }
  if (plan.kind === 'remove' && remove.length === 0) log.info(`comment-mode is delete, and ${pr} has no comment of ours to delete.`)
  return posted
}

/** The open pull request whose head is the run's commit, or undefined (with a notice) when there is none. */
async function pullRequestOfCommit(
  octokit: Octokit,
  commit: Extract<CommentDestination, { kind: 'commit' }>,
  request: RequestOptions,
  log: CommentLog
): Promise<PullRequestRef | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: commit.owner,
    repo: commit.repo,
    commit_sha: commit.sha,
    per_page: PER_PAGE,
    request
  })
  const open = data
    .filter(pull => pull.state === 'open' && pull.head?.sha?.toLowerCase() === commit.sha)
    .sort((a, b) => a.number - b.number)
  const short = commit.sha.slice(0, 7)
  const [first] = open
  if (first === undefined) {
    log.notice(
      `pr-comment is on, but no open pull request has commit ${short} (this ${commit.event} run's) as its head, so no pull-request comment was written; set pr-number to pick one.`
    )
    return undefined
  }
  if (open.length > 1) {
    log.info(`${plural(open.length, 'open pull request')} have commit ${short} as their head; commenting on the first, #${first.number}.`)
  }
  return { owner: commit.owner, repo: commit.repo, number: first.number }
}

/**
 * Our comments on the pull request, oldest first: the ones whose first line is the key's marker (or a
 * legacy marker of it) and whose author is the token's user. Someone else's comment that starts the
 * same way is not ours, and is left alone.
 */
async function findOurs(
  octokit: Octokit,
  target: PullRequestRef,
  key: CommentKey,
  token: string,
  request: RequestOptions,
  log: CommentLog
): Promise<OurComment[]> {
  type Listed = { id: number; node_id: string; body?: string | undefined; html_url: string; user: { login?: string; type?: string } | null }
  const candidates: Array<{ comment: Listed; legacy: boolean }> = []
  // Page by number rather than following the Link URLs, which would drop the signal and could point
  // the token at another host.
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await octokit.rest.issues.listComments({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: PER_PAGE,
      page,
      request
    })
    for (const comment of response.data) {
      // Our body starts with the marker; a quote of our comment in someone's reply does not.
      const text = comment.body ?? ''
      if (text.startsWith(key.marker)) candidates.push({ comment, legacy: false })
      else if (key.legacyMarkers.some(marker => text.startsWith(marker))) candidates.push({ comment, legacy: true })
    }
    if (!hasNextPage(response.headers.link) || response.data.length === 0) break
  }
  if (candidates.length === 0) return []

  const login = await tokenLogin(octokit, token, request, log)
  const ours: OurComment[] = []
  for (const { comment, legacy } of candidates) {
    if (writtenBy(comment.user, login)) {
      ours.push({ id: comment.id, nodeId: comment.node_id, body: comment.body ?? '', url: comment.html_url, legacy })
    } else {
      log.info(
        oneLine(
          `Comment ${comment.id} starts with this action's marker but was written by ${comment.user?.login ?? 'someone else'}, not ${login}; it is left alone.`
        )
      )
    }
  }
  return ours
}

/**
 * The login the token writes as: the token's own user for a personal token (GET /user); for an app's
 * installation token, which may not read /user, GraphQL's viewer; failing both, the app user of the
 * workflow's GITHUB_TOKEN.
 */
async function tokenLogin(octokit: Octokit, token: string, request: RequestOptions, log: CommentLog): Promise<string> {
  // Installation tokens (GITHUB_TOKEN among them) start with ghs_ and are always refused /user.
  if (!token.startsWith('ghs_')) {
    try {
      const { data } = await octokit.rest.users.getAuthenticated({ request })
      if (typeof data.login === 'string' && data.login !== '') return data.login
    } catch (error) {
      if (error instanceof RateLimitedError || errorStatus(error) === undefined || errorStatus(error) === 401) throw error
      log.debug(`GET /user: ${oneLineError(error)}; asking GraphQL's viewer.`)
    }
  }
  try {
    const answer = await octokit.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }', { request })
    const login = answer.viewer?.login
    if (typeof login === 'string' && login !== '') return login
  } catch (error) {
    if (error instanceof RateLimitedError || signalAborted(request)) throw error
    log.debug(`GraphQL viewer: ${oneLineError(error)}; taking the token for GITHUB_TOKEN (${ACTIONS_BOT}).`)
  }
  return ACTIONS_BOT
}

function signalAborted(request: RequestOptions): boolean {
  return request.signal.aborted
}

async function removeComments(
  octokit: Octokit,
  where: { owner: string; repo: string },
  comments: readonly OurComment[],
  request: RequestOptions,
  log: CommentLog,
  pr: string
): Promise<void> {
  let removed = 0
  const failed: string[] = []
  for (const comment of comments) {
    try {
      await octokit.rest.issues.deleteComment({ ...where, comment_id: comment.id, request })
      removed++
    } catch (error) {
      // Already gone is what we wanted.
      if (errorStatus(error) === 404) continue
      if (error instanceof RateLimitedError || errorStatus(error) === undefined) throw error
      failed.push(`${comment.id} (HTTP ${errorStatus(error)}: ${oneLineError(error)})`)
    }
  }
  if (removed > 0) log.info(`Deleted ${plural(removed, 'earlier comment')} of ours on ${pr}.`)
  if (failed.length > 0) log.warning(`Could not delete ${plural(failed.length, 'earlier comment')} on ${pr}: ${failed.join('; ')}.`)
}

const IS_MINIMIZED = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }'
const MINIMIZE =
  'mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }'
/** GraphQL's nodes() takes at most this many ids; older ones were hidden by earlier runs. */
const MAX_NODES = 100

/** Hides our earlier comments as outdated (GraphQL minimizeComment), skipping those already hidden. */
async function hideComments(
  octokit: Octokit,
  comments: readonly OurComment[],
  request: RequestOptions,
  log: CommentLog,
  pr: string
): Promise<void> {
  const recent = comments.slice(-MAX_NODES)
  let visible = recent
  try {
    const answer = await octokit.graphql<{ nodes?: Array<{ id?: unknown; isMinimized?: unknown } | null> }>(IS_MINIMIZED, {
      ids: recent.map(comment => comment.nodeId),
      request
    })
    const hidden = new Set(
      (answer.nodes ?? []).flatMap(node => (node?.isMinimized === true && typeof node.id === 'string' ? [node.id] : []))
    )
    visible = recent.filter(comment => !hidden.has(comment.nodeId))
  } catch (error) {
    if (error instanceof RateLimitedError || signalAborted(request)) throw error
    log.debug(`Could not tell which earlier comments are hidden already: ${oneLineError(error)}`)
  }
  let count = 0
  const failed: string[] = []
  for (const comment of visible) {
    try {
      await octokit.graphql(MINIMIZE, { id: comment.nodeId, request })
      count++
    } catch (error) {
      if (error instanceof RateLimitedError || signalAborted(request)) throw error
      failed.push(`${comment.id} (${oneLineError(error)})`)
    }
  }
  if (count > 0) log.info(`Hid ${plural(count, 'earlier comment')} of ours on ${pr} as outdated.`)
  if (failed.length > 0) {
    log.warning(
      `Could not hide ${plural(failed.length, 'earlier comment')} on ${pr}: ${failed.join('; ')}. Hiding needs \`permissions: pull-requests: write\`.`
    )
  }
}
