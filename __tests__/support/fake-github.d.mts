// Types for fake-github.mjs (plain JavaScript so that it runs without a build).

export const DEFAULT_TOKEN: string
export const BOT_LOGIN: string
export const SECONDARY_RATE_LIMIT_MESSAGE: string
export const PRIMARY_RATE_LIMIT_MESSAGE: string
export const FORBIDDEN_MESSAGE: string
/** The test CA, for NODE_EXTRA_CA_CERTS. */
export const TEST_CA_FILE: string

export interface Comment {
  id: number
  node_id: string
  url: string
  html_url: string
  issue_url: string
  body: string
  user: { login: string; id: number; type: string }
  created_at: string
  updated_at: string
  author_association: string
}

export interface RecordedRequest {
  method: string
  /** decoded pathname without the query, prefix included */
  path: string
  /** what came before /repos/ ('' or e.g. '/api/v3') */
  prefix: string
  query: Record<string, string>
  /** lowercased names */
  headers: Record<string, string>
  body: string
  via: 'direct' | 'proxy'
  response: { status: number; body: string } | undefined
  /** when it arrived, in epoch milliseconds */
  at: number
}

export interface CommentSpec {
  body: string
  user?: string
  userType?: string
}

export interface TokenUser {
  /** an app's user ends in [bot] */
  login: string
  /** an app's installation token (GET /user is refused), or a person's token */
  kind: 'app' | 'user'
}

export interface PullRequestSpec {
  owner: string
  repo: string
  number: number
  headSha: string
  /** open unless given */
  state?: 'open' | 'closed'
}

export interface RateLimitSpec {
  kind: 'primary' | 'secondary'
  /** how many requests get it; all when omitted (counts down) */
  count?: number
  /** 403 unless given (GitHub also uses 429) */
  status?: number
  /** seconds, for the retry-after header */
  retryAfter?: number
  /** epoch seconds, for x-ratelimit-reset (primary); an hour from now when omitted */
  reset?: number
}

export interface FakeGitHubOptions {
  /** the token of github-actions[bot], an app's installation token (DEFAULT_TOKEN) */
  token?: string
  host?: string
  port?: number
  /** for html_url (default https://github.com) */
  serverUrl?: string
  /** serve HTTPS, as github.fake.test, inside proxy tunnels */
  tls?: boolean
}

export interface FakeGitHub {
  /** http://127.0.0.1:PORT, no trailing slash; any path prefix (e.g. /api/v3) is accepted */
  url: string
  port: number
  requests: RecordedRequest[]
  /** CONNECT requests received as a proxy */
  connects: { target: string; headers: Record<string, string> }[]
  /**
   * 'writes': POST, PATCH and DELETE answer 403 "Resource not accessible by integration" and GraphQL
   * mutations a FORBIDDEN error; 'edits': PATCH and DELETE only; 'hides': GraphQL mutations only;
   * 'all': every request answers 403
   */
  forbid: 'none' | 'writes' | 'edits' | 'hides' | 'all'
  /** when set, every request answers this status */
  failWith: number | undefined
  /** when true, every request is recorded (response undefined) and never answered */
  hang: boolean
  /** Added to every answer. */
  extraHeaders: Record<string, string>
  /** the next requests answer with this rate limit */
  rateLimit: RateLimitSpec | undefined
  /** 'forbidden': GraphQL's viewer is an error for app tokens */
  viewer: 'login' | 'forbidden'
  addToken(token: string, user: TokenUser): void
  addPullRequest(spec: PullRequestSpec): void
  /** the classifier a comment was hidden with (e.g. OUTDATED), or undefined when it is not hidden */
  minimizedAs(id: number): string | undefined
  comments(owner: string, repo: string, number: number): Comment[]
  addComment(owner: string, repo: string, number: number, spec: CommentSpec): Comment
  addComments(owner: string, repo: string, number: number, count: number, make?: (index: number) => CommentSpec): Comment[]
  reset(): void
  close(): Promise<void>
}

export function startFakeGitHub(options?: FakeGitHubOptions): Promise<FakeGitHub>
