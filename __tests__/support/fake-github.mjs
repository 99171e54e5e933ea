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
//
// <prefix> is anything before /repos/ (for example /api/v3, as on GitHub Enterprise Server); Link
// URLs keep it. Every request needs `Authorization: token <TOKEN>` (or Bearer), else 401 "Bad
// credentials". A body over 65,536 characters is refused with 422, as GitHub does.
//
// Switches: `fake.forbid = 'writes'` answers POST and PATCH with 403 "Resource not accessible by
// integration" (the read-only token of a fork pull request); 'all' does it for every request.
// `fake.failWith = 500` answers every request with that status. `fake.hang = true` accepts every
// request and never answers it (an API that is down behind a load balancer); close() drops them.
//
// The same port is also an HTTP proxy: a CONNECT request (what undici's ProxyAgent sends for
// HTTPS_PROXY) is recorded in `connects` and tunnelled into this server, over TLS with the test
// certificate for github.fake.test (tls/README.md) when `tls` is on, else in plain HTTP. Requests
// that came through a tunnel are recorded with `via: 'proxy'`.

import { createServer } from 'node:http'
import { readFileSync, realpathSync } from 'node:fs'
import { TLSSocket } from 'node:tls'
import { fileURLToPath } from 'node:url'

export const DEFAULT_TOKEN = 'ghs_fakeGitHubTokenForTests0123456789'
export const BOT_LOGIN = 'github-actions[bot]'
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

/** @param {FakeGitHubOptions} [options] */
export async function startFakeGitHub(options = {}) {
  const token = options.token ?? DEFAULT_TOKEN
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
    /** @type {'none' | 'writes' | 'all'} */
    forbid: 'none',
    /** @type {number | undefined} */
    failWith: undefined,
    /** when true, every request is recorded and never answered */
    hang: false,
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
      requests.length = 0
      connects.length = 0
      fake.forbid = 'none'
      fake.failWith = undefined
      fake.hang = false
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
      const at = path.indexOf('/repos/')
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
        response: undefined
      }
      requests.push(record)
      /** @param {number} status @param {unknown} json @param {Record<string, string>} [extra] */
      const reply = (status, json, extra) => {
        record.response = { status, body: send(res, status, json, extra) }
      }
      const apiBase = `${url.origin}${prefix}`

      // Left unanswered: the socket stays open until the client gives up or close() destroys it.
      if (fake.hang) return
      if (fake.failWith !== undefined) {
        return reply(fake.failWith, { message: `Fake failure ${fake.failWith}`, documentation_url: 'https://docs.github.com/rest' })
      }
      const auth = /^(?:token|bearer) (.+)$/i.exec(headers.authorization ?? '')
      if (!auth || auth[1] !== token) {
        return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
      }
      const write = record.method !== 'GET' && record.method !== 'HEAD'
      if (fake.forbid === 'all' || (fake.forbid === 'writes' && write)) {
        return reply(403, {
          message: FORBIDDEN_MESSAGE,
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          status: '403'
        })
      }

      const route = path.slice(prefix.length)
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments\/?$/.exec(route)
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/?$/.exec(route)

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
        const comment = makeComment(owner, repo, Number(number), { body }, apiBase)
        return reply(201, comment, { location: comment.url })
      }
      if (one && record.method === 'PATCH') {
        const [, owner = '', repo = '', id = ''] = one
        const k = threadOf.get(Number(id))
        const comment = k === undefined ? undefined : threads.get(k)?.find(c => c.id === Number(id))
        if (!comment || !k?.startsWith(`${owner}/${repo}#`.toLowerCase())) {
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
      return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
    })
  })

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
  /** @type {{ port: number, host: string, token: string, serverUrl: string, tls: boolean, forbid: string, help: boolean }} */
  const args = {
    port: 8788,
    host: '127.0.0.1',
    token: DEFAULT_TOKEN,
    serverUrl: 'https://github.com',
    tls: false,
    forbid: 'none',
    help: false
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value (--help lists the options)`)
      return next
    }
    if (arg === '--port') args.port = Number(value())
    else if (arg === '--host') args.host = value()
    else if (arg === '--token') args.token = value()
    else if (arg === '--server-url') args.serverUrl = value()
    else if (arg === '--tls') args.tls = true
    else if (arg === '--forbid') args.forbid = value()
    else if (arg === '--help' || arg === '-h') args.help = true
    else
      throw new Error(
        `unknown argument ${arg}; usage: fake-github.mjs [--port 8788] [--host 127.0.0.1] [--token TOKEN] [--server-url URL] [--tls] [--forbid none|writes|all] (--help lists the options)`
      )
  }
  if (args.help) return args
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0..65535')
  if (!['none', 'writes', 'all'].includes(args.forbid)) throw new Error(`--forbid must be none, writes or all, got '${args.forbid}'`)
  return args
}

function isMain() {
  if (!process.argv[1]) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isMain()) {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error))
    process.exit(2)
  }
  if (args.help) {
    process.stdout.write(CLI_USAGE)
    process.exit(0)
  }
  let fake
  try {
    fake = await startFakeGitHub({ port: args.port, host: args.host, token: args.token, serverUrl: args.serverUrl, tls: args.tls })
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error))
    process.exit(2)
  }
  fake.forbid = /** @type {'none' | 'writes' | 'all'} */ (args.forbid)
  console.log(`fake GitHub listening on ${fake.url}`)
  console.log(
    `  accepts the token ${args.token}${args.forbid === 'none' ? '' : `; answers 403 to ${args.forbid === 'all' ? 'every request' : 'POST and PATCH'}`}`
  )
  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
