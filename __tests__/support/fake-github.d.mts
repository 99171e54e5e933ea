// Types for fake-github.mjs (plain JavaScript so that it runs without a build).

export const DEFAULT_TOKEN: string
export const BOT_LOGIN: string
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
}

export interface CommentSpec {
  body: string
  user?: string
  userType?: string
}

export interface FakeGitHubOptions {
  /** the one token accepted (DEFAULT_TOKEN) */
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
  /** 'writes': POST and PATCH answer 403 "Resource not accessible by integration"; 'all': every request */
  forbid: 'none' | 'writes' | 'all'
  /** when set, every request answers this status */
  failWith: number | undefined
  /** when true, every request is recorded (response undefined) and never answered */
  hang: boolean
  comments(owner: string, repo: string, number: number): Comment[]
  addComment(owner: string, repo: string, number: number, spec: CommentSpec): Comment
  addComments(owner: string, repo: string, number: number, count: number, make?: (index: number) => CommentSpec): Comment[]
  reset(): void
  close(): Promise<void>
}

export function startFakeGitHub(options?: FakeGitHubOptions): Promise<FakeGitHub>
