// A fake of the few GitHub REST endpoints the pull-request comment uses, speaking real HTTP on
// 127.0.0.1. Plain ESM JavaScript (types in fake-github.d.mts) so it runs with any Node >= 20 and no
// build step. The e2e tests start one per test; the CLI starts one that runs until SIGINT/SIGTERM:
//
//   node __tests__/support/fake-github.mjs [--port 8788] [--host 127.0.0.1] [--token TOKEN]
//                                          [--server-url https://github.com] [--tls] [--forbid writes]
//   -> prints "fake GitHub listening on http://127.0.0.1:8788" and the token it accepts
//   node __tests__/support/fake-github.mjs --help   lists the options; docs/fake-servers.md has more
//
//   GET   <prefix>/repos/{owner}/{repo}/issues/{number}/comments?per_page=&page=
//         per_page 1..100 (default 30), page from 1; a `Link` header with next/last/first/prev as
//         GitHub sends it, absolute URLs built from the request's Host
//   POST  <prefix>/repos/{owner}/{repo}/issues/{number}/comments        {"body": "..."}  -> 201
//   PATCH <prefix>/repos/{owner}/{repo}/issues/comments/{comment_id}     {"body": "..."}  -> 200
//   DELETE <prefix>/repos/{owner}/{repo}/issues/comments/{comment_id}                     -> 204
//   GET   <prefix>/repos/{owner}/{repo}/commits/{sha}/pulls   the pull requests added with addPullRequest
//         whose head or merge commit is {sha}, open or closed, as GitHub lists them
//   GET   <prefix>/user    the token's user; an app's installation token gets 403, as on GitHub
//   POST  <graphql prefix>/graphql   three operations, told apart by their text: `viewer { login }`,
//         `nodes(ids: $ids) { ... on IssueComment { id isMinimized } }` and
//         `minimizeComment(input: { subjectId: $id, classifier: ... })`; anything else is a GraphQL error
//
// <prefix> is anything before /repos/ or /user (for example /api/v3, as on GitHub Enterprise Server);
// Link URLs keep it. GraphQL is at /graphql, or at /api/graphql beside a /api/v3 REST prefix, as
// Octokit derives it. Every request needs `Authorization: token <TOKEN>` (or Bearer) with a known
// token, else 401 "Bad credentials". Tokens: DEFAULT_TOKEN is an app's installation token whose user is
// github-actions[bot] (GITHUB_TOKEN); addToken() adds more, of apps or of people. A comment's author is
// the token's user. A body over 65,536 characters is refused with 422, as GitHub does.
//
// Switches: `fake.forbid = 'writes'` answers POST, PATCH and DELETE with 403 "Resource not accessible
// by integration" (the read-only token of a fork pull request), and GraphQL mutations with a FORBIDDEN
// error; 'edits' does it for PATCH and DELETE only (an edit GitHub refuses); 'hides' for GraphQL
// mutations only; 'all' answers every request with 403.
// `fake.extraHeaders = { ... }` adds those headers to every answer (a `deprecation` and `sunset`, say).
// `fake.failWith = 500` answers every request with that status. `fake.hang = true` accepts every
// request and never answers it (an API that is down behind a load balancer); close() drops them.
// `fake.rateLimit = { kind, count, ... }` answers the next `count` requests (all when omitted) with a
// rate limit: 'secondary' is 403 (or `status`) with `retry-after: <retryAfter>` seconds when given;
// 'primary' is 403 (or `status`) with `x-ratelimit-remaining: 0` and `x-ratelimit-reset: <reset>`
// (epoch seconds). `fake.viewer = 'forbidden'` makes GraphQL's viewer an error for app tokens.
//
// The same port is also an HTTP proxy: a CONNECT request (what undici's ProxyAgent sends for
// HTTPS_PROXY) is recorded in `connects` and tunnelled into this server, over TLS with the test
// certificate for github.fake.test (tls/README.md) when `tls` is on, else in plain HTTP. Requests
// that came through a tunnel are recorded with `via: 'proxy'`.

import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { TLSSocket } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { parseOptions, runFakeCli } from './fake-cli.mjs'

export const DEFAULT_TOKEN = 'ghs_fakeGitHubTokenForTests0123456789'
export const BOT_LOGIN = 'github-actions[bot]'
export const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.'
export const PRIMARY_RATE_LIMIT_MESSAGE = 'API rate limit exceeded for installation ID 1.'
export const FORBIDDEN_MESSAGE = 'Resource not accessible by integration'
/** Where the test CA is, for NODE_EXTRA_CA_CERTS. */
export const TEST_CA_FILE = fileURLToPath(new URL('./tls/ca.crt.pem', import.meta.url))
const TLS_CERT_FILE = fileURLToPath(new URL('./tls/github.fake.test.crt.pem', import.meta.url))
const TLS_KEY_FILE = fileURLToPath(new URL('./tls/github.fake.test.key.pem', import.meta.url))
const MAX_BODY_CHARS = 65_536

/**
 * @typedef {object} Comment
 * @property {number} id
 * @property {string} node_id
 * @property {string} url
 * @property {string} html_url
 * @property {string} issue_url
 * @property {string} body
 * @property {{ login: string, id: number, type: string }} user
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} author_association
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path      decoded pathname without the query, prefix included
 * @property {string} prefix    what came before /repos/ ('' or e.g. '/api/v3')
 * @property {Record<string, string>} query
 * @property {Record<string, string>} headers  lowercased names
 * @property {string} body
 * @property {'direct' | 'proxy'} via
 * @property {{ status: number, body: string } | undefined} response
 * @property {number} at  when it arrived, in epoch milliseconds
 */

/**
 * @typedef {object} TokenUser
 * @property {string} login  an app's user ends in [bot]
 * @property {'app' | 'user'} kind  an app's installation token, or a person's token
 */

/**
 * @typedef {object} PullRequestSpec
 * @property {string} owner
 * @property {string} repo
 * @property {number} number
 * @property {string} headSha
 * @property {'open' | 'closed'} [state]
 */

/**
 * @typedef {object} RateLimitSpec
 * @property {'primary' | 'secondary'} kind
 * @property {number} [count]       how many requests get it; all when omitted
 * @property {number} [status]      403 unless given (GitHub also uses 429)
 * @property {number} [retryAfter]  seconds, for the retry-after header
 * @property {number} [reset]       epoch seconds, for x-ratelimit-reset (primary)
 */

/**
 * @typedef {object} FakeGitHubOptions
 * @property {string} [token]      the one token accepted (DEFAULT_TOKEN)
 * @property {string} [host]       default 127.0.0.1
 * @property {number} [port]       default 0 (any free port)
 * @property {string} [serverUrl]  for html_url (default https://github.com)
 * @property {boolean} [tls]       serve HTTPS inside proxy tunnels (default false)
 */

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} json
 * @param {Record<string, string>} [headers]
 */
function send(res, status, json, headers = {}) {
  const body = status === 204 ? '' : JSON.stringify(json)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
  return body
}

/** @param {string} text @returns {any} */
function safeJson(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** @param {FakeGitHubOptions} [options] */
export async function startFakeGitHub(options = {}) {
  /** @type {Map<string, TokenUser>} */
  const tokens = new Map([[options.token ?? DEFAULT_TOKEN, { login: BOT_LOGIN, kind: 'app' }]])
  /** @type {PullRequestSpec[]} */
  const pulls = []
  /** @type {Map<number, string>} comment id -> classifier, for the hidden ones */
  const minimized = new Map()
  const serverUrl = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '')
  const tlsContext = options.tls ? { key: readFileSync(TLS_KEY_FILE), cert: readFileSync(TLS_CERT_FILE) } : undefined

  /** @type {Map<string, Comment[]>} by owner/repo#number */
  const threads = new Map()
  /** @type {Map<number, string>} comment id -> thread key */
  const threadOf = new Map()
  let nextId = 1_000_001
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {{ target: string, headers: Record<string, string> }[]} */
  const connects = []
  /** @type {WeakSet<import('node:net').Socket>} */
  const tunnelled = new WeakSet()
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  /** @param {string} owner @param {string} repo @param {number} number */
  const key = (owner, repo, number) => `${owner}/${repo}#${number}`.toLowerCase()
  /** @param {string} owner @param {string} repo @param {number} number */
  const thread = (owner, repo, number) => {
    const k = key(owner, repo, number)
    const list = threads.get(k) ?? []
    threads.set(k, list)
    return list
  }

  /**
   * @param {string} owner @param {string} repo @param {number} number
   * @param {{ body: string, user?: string, userType?: string }} spec
   * @param {string} apiBase
   */
  const makeComment = (owner, repo, number, spec, apiBase) => {
    const id = nextId++
    const now = new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
    const login = spec.user ?? BOT_LOGIN
    /** @type {Comment} */
    const comment = {
      id,
      node_id: `IC_fake${id}`,
      url: `${apiBase}/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `${serverUrl}/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
      issue_url: `${apiBase}/repos/${owner}/${repo}/issues/${number}`,
      body: spec.body,
      user: { login, id: login.length * 1000 + 7, type: spec.userType ?? (login.endsWith('[bot]') ? 'Bot' : 'User') },
      created_at: now,
      updated_at: now,
      author_association: 'NONE'
    }
    thread(owner, repo, number).push(comment)
    threadOf.set(id, key(owner, repo, number))
    return comment
  }

  const fake = {
    url: '',
    port: 0,
    /** @type {RecordedRequest[]} */
    requests,
    connects,
    /** @type {'none' | 'writes' | 'edits' | 'hides' | 'all'} */
    forbid: 'none',
    /** @type {number | undefined} */
    failWith: undefined,
    /** when true, every request is recorded and never answered */
    hang: false,
    /** @type {Record<string, string>} added to every answer */
    extraHeaders: {},
    /** @type {RateLimitSpec | undefined} */
    rateLimit: undefined,
    /** @type {'login' | 'forbidden'} */
    viewer: 'login',
    /** @param {string} value @param {TokenUser} user */
    addToken(value, user) {
      tokens.set(value, user)
    },
    /** @param {PullRequestSpec} spec */
    addPullRequest(spec) {
      pulls.push({ state: 'open', ...spec })
    },
    /** @param {number} id @returns {string | undefined} the classifier, when hidden */
    minimizedAs: id => minimized.get(id),
    /** @param {string} owner @param {string} repo @param {number} number @returns {Comment[]} */
    comments: (owner, repo, number) => [...thread(owner, repo, number)],
    /**
     * @param {string} owner @param {string} repo @param {number} number
     * @param {{ body: string, user?: string, userType?: string }} spec
     */
    addComment: (owner, repo, number, spec) => makeComment(owner, repo, number, spec, fake.url),
    /**
     * @param {string} owner @param {string} repo @param {number} number @param {number} count
     * @param {(index: number) => { body: string, user?: string, userType?: string }} [make]
     */
    addComments(owner, repo, number, count, make) {
      const made = []
      for (let i = 0; i < count; i++) {
        made.push(makeComment(owner, repo, number, make ? make(i) : { body: `Comment ${i + 1}`, user: `reviewer${i % 7}` }, fake.url))
      }
      return made
    },
    reset() {
      threads.clear()
      threadOf.clear()
      pulls.length = 0
      minimized.clear()
      fake.rateLimit = undefined
      fake.viewer = 'login'
      requests.length = 0
      connects.length = 0
      fake.forbid = 'none'
      fake.failWith = undefined
      fake.hang = false
      fake.extraHeaders = {}
    },
    close() {
      return new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve(undefined))
      })
    }
  }

  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([])
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      const via = tunnelled.has(req.socket) ? 'proxy' : 'direct'
      const scheme = via === 'proxy' && tlsContext ? 'https' : 'http'
      const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? '127.0.0.1'}`)
      /** @type {Record<string, string>} */
      const headers = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      const path = decodeURIComponent(url.pathname)
      const at = /\/(?:repos\/|user\/?$|graphql\/?$)/.exec(path)?.index ?? -1
      const prefix = at > 0 ? path.slice(0, at) : ''
      /** @type {RecordedRequest} */
      const record = {
        method: req.method ?? 'GET',
        path,
        prefix,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        via,
        response: undefined,
        at: Date.now()
      }
      requests.push(record)
      /** @param {number} status @param {unknown} json @param {Record<string, string>} [extra] */
      const reply = (status, json, extra) => {
        record.response = { status, body: send(res, status, json, { ...fake.extraHeaders, ...extra }) }
      }
      const apiBase = `${url.origin}${prefix}`

      // Left unanswered: the socket stays open until the client gives up or close() destroys it.
      if (fake.hang) return
      if (fake.failWith !== undefined) {
        return reply(fake.failWith, { message: `Fake failure ${fake.failWith}`, documentation_url: 'https://docs.github.com/rest' })
      }
      const auth = /^(?:token|bearer) (.+)$/i.exec(headers.authorization ?? '')
      const user = auth ? tokens.get(auth[1] ?? '') : undefined
      if (!user) {
        return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
      }
      const limit = fake.rateLimit
      if (limit !== undefined && (limit.count === undefined || limit.count > 0)) {
        if (limit.count !== undefined) limit.count--
        const status = limit.status ?? 403
        if (limit.kind === 'primary') {
          return reply(
            status,
            {
              message: PRIMARY_RATE_LIMIT_MESSAGE,
              documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
              status: String(status)
            },
            {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-used': '5000',
              'x-ratelimit-resource': 'core',
              'x-ratelimit-reset': String(limit.reset ?? Math.ceil(Date.now() / 1000) + 3600)
            }
          )
        }
        return reply(
          status,
          {
            message: SECONDARY_RATE_LIMIT_MESSAGE,
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
            status: String(status)
          },
          limit.retryAfter === undefined ? {} : { 'retry-after': String(limit.retryAfter) }
        )
      }

      const route = path.slice(prefix.length)
      const graphql = /^\/graphql\/?$/.test(route) && record.method === 'POST'
      const mutation = graphql && /^\s*mutation\b/.test(String(safeJson(record.body)?.query ?? ''))
      const write = record.method !== 'GET' && record.method !== 'HEAD' && !graphql
      const edit = record.method === 'PATCH' || record.method === 'DELETE'
      // GraphQL says no inside a 200 answer, as GitHub does.
      if (mutation && (fake.forbid === 'writes' || fake.forbid === 'hides')) {
        return reply(200, {
          data: { minimizeComment: null },
          errors: [{ type: 'FORBIDDEN', path: ['minimizeComment'], message: FORBIDDEN_MESSAGE }]
        })
      }
      if (fake.forbid === 'all' || (fake.forbid === 'writes' && write) || (fake.forbid === 'edits' && edit)) {
        return reply(403, {
          message: FORBIDDEN_MESSAGE,
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          status: '403'
        })
      }

      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments\/?$/.exec(route)
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/?$/.exec(route)
      const commitPulls = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls\/?$/.exec(route)
      /** @param {string} owner @param {string} repo @param {string} id */
      const findComment = (owner, repo, id) => {
        const k = threadOf.get(Number(id))
        const comment = k === undefined ? undefined : threads.get(k)?.find(c => c.id === Number(id))
        return comment && k?.startsWith(`${owner}/${repo}#`.toLowerCase()) ? { comment, key: k } : undefined
      }

      /** @returns {string | undefined} the body, or undefined after answering 422 */
      const bodyOf = () => {
        let parsed
        try {
          parsed = JSON.parse(record.body)
        } catch {
          reply(400, { message: 'Problems parsing JSON' })
          return undefined
        }
        if (typeof parsed?.body !== 'string') {
          reply(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', status: '422' })
          return undefined
        }
        if (Array.from(parsed.body).length > MAX_BODY_CHARS) {
          reply(422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'IssueComment',
                code: 'custom',
                field: 'body',
                message: `body is too long (maximum is ${MAX_BODY_CHARS} characters)`
              }
            ],
            documentation_url: 'https://docs.github.com/rest/issues/comments',
            status: '422'
          })
          return undefined
        }
        return parsed.body
      }

      if (list && record.method === 'GET') {
        const [, owner = '', repo = '', number = ''] = list
        const all = thread(owner, repo, Number(number))
        const perPage = Math.min(100, Math.max(1, Number(record.query.per_page ?? 30) || 30))
        const page = Math.max(1, Number(record.query.page ?? 1) || 1)
        const last = Math.max(1, Math.ceil(all.length / perPage))
        /** @param {number} n @param {string} rel */
        const link = (n, rel) => {
          const target = new URL(url)
          target.searchParams.set('per_page', String(perPage))
          target.searchParams.set('page', String(n))
          return `<${target.href}>; rel="${rel}"`
        }
        const links = []
        if (page > 1) links.push(link(page - 1, 'prev'))
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
        if (page > 1) links.push(link(1, 'first'))
        return reply(200, all.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {})
      }
      if (list && record.method === 'POST') {
        const body = bodyOf()
        if (body === undefined) return
        const [, owner = '', repo = '', number = ''] = list
        const comment = makeComment(
          owner,
          repo,
          Number(number),
          { body, user: user.login, userType: user.kind === 'app' ? 'Bot' : 'User' },
          apiBase
        )
        return reply(201, comment, { location: comment.url })
      }
      if (one && record.method === 'PATCH') {
        const [, owner = '', repo = '', id = ''] = one
        const comment = findComment(owner, repo, id)?.comment
        if (!comment) {
          return reply(404, {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
            status: '404'
          })
        }
        const body = bodyOf()
        if (body === undefined) return
        comment.body = body
        comment.updated_at = new Date(Date.parse(comment.updated_at) + 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
        return reply(200, comment)
      }
      if (one && record.method === 'DELETE') {
        const [, owner = '', repo = '', id = ''] = one
        const found = findComment(owner, repo, id)
        if (!found) {
          return reply(404, {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/rest/issues/comments#delete-an-issue-comment',
            status: '404'
          })
        }
        const list = threads.get(found.key) ?? []
        list.splice(list.indexOf(found.comment), 1)
        threadOf.delete(found.comment.id)
        minimized.delete(found.comment.id)
        return reply(204, undefined)
      }
      if (commitPulls && record.method === 'GET') {
        const [, owner = '', repo = '', sha = ''] = commitPulls
        const found = pulls.filter(
          pull =>
            `${pull.owner}/${pull.repo}`.toLowerCase() === `${owner}/${repo}`.toLowerCase() &&
            pull.headSha.toLowerCase() === sha.toLowerCase()
        )
        return reply(
          200,
          found.map(pull => ({
            url: `${apiBase}/repos/${pull.owner}/${pull.repo}/pulls/${pull.number}`,
            id: 500_000 + pull.number,
            number: pull.number,
            state: pull.state,
            title: `Pull request ${pull.number}`,
            user: { login: 'octo-dev', id: 42, type: 'User' },
            head: { label: `${pull.owner}:feature-${pull.number}`, ref: `feature-${pull.number}`, sha: pull.headSha },
            base: { label: `${pull.owner}:main`, ref: 'main', sha: '0'.repeat(40) },
            html_url: `${serverUrl}/${pull.owner}/${pull.repo}/pull/${pull.number}`
          }))
        )
      }
      if (/^\/user\/?$/.test(route) && record.method === 'GET') {
        if (user.kind === 'app') {
          return reply(403, {
            message: FORBIDDEN_MESSAGE,
            documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
            status: '403'
          })
        }
        return reply(200, { login: user.login, id: user.login.length * 1000 + 7, type: 'User', site_admin: false })
      }
      if (graphql) return answerGraphql(record.body, user, reply)
      return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
    })
  })

  /**
   * The three GraphQL operations the action sends, recognised by their text.
   * @param {string} text @param {TokenUser} user
   * @param {(status: number, json: unknown, extra?: Record<string, string>) => void} reply
   */
  function answerGraphql(text, user, reply) {
    const request = safeJson(text)
    const query = typeof request?.query === 'string' ? request.query : ''
    const variables = request?.variables ?? {}
    /** @param {string} type @param {string} message */
    const error = (type, message) => reply(200, { data: null, errors: [{ type, message, locations: [{ line: 1, column: 1 }] }] })
    /** @param {unknown} nodeId */
    const byNode = nodeId => {
      for (const list of threads.values()) {
        const found = list.find(comment => comment.node_id === nodeId)
        if (found) return found
      }
      return undefined
    }
    if (/\bviewer\s*\{\s*login\b/.test(query)) {
      if (user.kind === 'app' && fake.viewer === 'forbidden') return error('FORBIDDEN', FORBIDDEN_MESSAGE)
      return reply(200, { data: { viewer: { login: user.login } } })
    }
    if (/\bnodes\s*\(\s*ids\s*:/.test(query)) {
      const ids = Array.isArray(variables.ids) ? variables.ids : []
      if (ids.length > 100) return error('ARGUMENT_LIMIT', 'You may not request more than 100 node IDs')
      return reply(200, {
        data: {
          nodes: ids.map((/** @type {unknown} */ id) => {
            const comment = byNode(id)
            return comment ? { id: comment.node_id, isMinimized: minimized.has(comment.id) } : null
          })
        }
      })
    }
    if (/\bminimizeComment\s*\(/.test(query)) {
      const comment = byNode(variables.id)
      const classifier = /classifier\s*:\s*([A-Z_]+)/.exec(query)?.[1] ?? String(variables.classifier ?? '')
      if (!comment) return error('NOT_FOUND', `Could not resolve to a node with the global id of '${String(variables.id)}'`)
      if (!['SPAM', 'ABUSE', 'OFF_TOPIC', 'OUTDATED', 'DUPLICATE', 'RESOLVED'].includes(classifier)) {
        return error('INVALID', `Argument 'classifier' has an invalid value (${classifier})`)
      }
      minimized.set(comment.id, classifier)
      return reply(200, { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } })
    }
    return error('UNKNOWN', 'The fake GitHub does not know this query')
  }

  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  // Acting as the proxy: answer CONNECT, then serve the tunnel's bytes as if they came in directly.
  server.on('connect', (req, socket, head) => {
    /** @type {Record<string, string>} */
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    connects.push({ target: req.url ?? '', headers })
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) socket.unshift(head)
    const inner = tlsContext ? new TLSSocket(socket, { isServer: true, ...tlsContext }) : socket
    tunnelled.add(inner)
    sockets.add(inner)
    inner.on('close', () => sockets.delete(inner))
    inner.on('error', () => inner.destroy())
    server.emit('connection', inner)
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('fake GitHub: no port')
  fake.port = address.port
  fake.url = `http://${options.host ?? '127.0.0.1'}:${address.port}`
  return fake
}

// ---------------------------------------------------------------------------------------------------
// CLI

const CLI_USAGE = `usage: node __tests__/support/fake-github.mjs [options]

A fake of the GitHub REST endpoints the pull-request comment uses, on real HTTP. Point the action
at it with GITHUB_API_URL. It runs until SIGINT or SIGTERM. docs/fake-servers.md describes its
endpoints.

options:
  --port <n>            port to listen on (default 8788; 0 picks a free one)
  --host <address>      address to listen on (default 127.0.0.1)
  --token <token>       the token it accepts in Authorization (default ${DEFAULT_TOKEN})
  --server-url <url>    where the comments' html_url links point (default https://github.com)
  --tls                 inside proxy tunnels, serve HTTPS as github.fake.test, with the certificate
                        that __tests__/support/tls/ca.crt.pem signs (for NODE_EXTRA_CA_CERTS)
  --forbid <what>       none (the default), writes (POST and PATCH) or all: answer them 403
                        "${FORBIDDEN_MESSAGE}", as for a read-only token
  -h, --help            print this help and exit
`

/** @param {string[]} argv */
function parseArgs(argv) {
  const args = parseOptions(argv, {
    defaults: { port: 8788, host: '127.0.0.1', token: DEFAULT_TOKEN, serverUrl: 'https://github.com', tls: false, forbid: 'none' },
    values: { '--port': 'port', '--host': 'host', '--token': 'token', '--server-url': 'serverUrl', '--forbid': 'forbid' },
    flags: { '--tls': 'tls' },
    usage: 'fake-github.mjs [--port 8788] [--host 127.0.0.1] [--token TOKEN] [--server-url URL] [--tls] [--forbid none|writes|all]'
  })
  if (!args.help && !['none', 'writes', 'all'].includes(args.forbid)) {
    throw new Error(`--forbid must be none, writes or all, got '${args.forbid}'`)
  }
  return args
}

await runFakeCli(import.meta.url, {
  parse: parseArgs,
  help: CLI_USAGE,
  async start(args) {
    const fake = await startFakeGitHub({ port: args.port, host: args.host, token: args.token, serverUrl: args.serverUrl, tls: args.tls })
    fake.forbid = /** @type {'none' | 'writes' | 'all'} */ (args.forbid)
    console.log(`fake GitHub listening on ${fake.url}`)
    console.log(
      `  accepts the token ${args.token}${args.forbid === 'none' ? '' : `; answers 403 to ${args.forbid === 'all' ? 'every request' : 'POST and PATCH'}`}`
    )
    return fake
  }
})
