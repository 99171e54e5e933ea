// Types for fake-cekura.mjs (plain JavaScript so that it runs without a build).

export interface RecordedRequest {
  /** 'other' = the redirect target host */
  server: 'main' | 'other'
  method: string
  /** decoded pathname, without the query */
  path: string
  /** the request target as sent: path and raw query */
  url: string
  query: Record<string, string>
  /** lowercased names */
  headers: Record<string, string>
  body: string
  /** performance.now() when the request arrived */
  at: number
  progressId: string | undefined
  /** undefined while unanswered (for ever, for a hung request) */
  response: { status: number, headers: Record<string, string>, body: string } | undefined
}

export interface ReplyContext {
  progressId: string
  key: string
  count: number
  elapsedMs: number
  request: RecordedRequest
  selfOrigin: string
  otherOrigin: string
}

export interface Reply {
  status?: number
  headers?: Record<string, string>
  json?: unknown
  text?: string
  contentType?: string
  hang?: boolean
  reset?: boolean
  redirectTo?: string
  delayMs?: number
}

export type ReplySpec = Reply | ((ctx: ReplyContext) => Reply)

export interface Phase {
  reply: ReplySpec
  times?: number
  untilMs?: number
}

export interface Job {
  phases: Phase[]
}

export interface FakeCekuraOptions {
  port?: number
  host?: string
  apiKey?: string
  jobs?: Record<string, Job>
  log?: (line: string) => void
}

export interface FakeCekura {
  url: string
  port: number
  otherUrl: string
  requests: RecordedRequest[]
  setJob(id: string, job: Job): void
  reset(): void
  close(): Promise<void>
}

export interface CompletedOptions {
  instructions?: string
  expected?: string | null
  nest?: 'result' | 'scenario' | 'data'
  extra?: Record<string, unknown>
}

export const DEFAULT_API_KEY: string
export const PROGRESS_PATH: string
export const DEMO_INSTRUCTIONS: string
export const DEMO_EXPECTED_OUTCOME: string
export const TRICKY_INSTRUCTIONS: string
export const LONG_INSTRUCTIONS: string
export const HUGE_INSTRUCTIONS: string

export const replies: {
  queued(stage?: string, progress?: number): ReplySpec
  inProgress(stage?: string, progress?: number): ReplySpec
  completed(options?: CompletedOptions): ReplySpec
  failed(error?: string, status?: string): ReplySpec
  http(status: number, json?: unknown): Reply
  retryAfter(seconds: number): Reply
  retryAfterDate(seconds: number): ReplySpec
  malformedJson: Reply
  htmlBadGateway: Reply
  hang: Reply
  reset: Reply
  redirectToOtherHost(): ReplySpec
  redirectSameOrigin(progressId: string): ReplySpec
}

export const jobs: {
  completeAfterPolls(n: number, options?: CompletedOptions): Job
  completeAfterMs(ms: number, options?: CompletedOptions): Job
  failAfterMs(ms: number, error?: string): Job
  always(reply: ReplySpec): Job
  first(reply: ReplySpec, times: number, then: Job): Job
  sequence(sequence: ReplySpec[], then: Job): Job
}

export const NAMED_JOBS: Record<string, Job>

export function startFakeCekura(options?: FakeCekuraOptions): Promise<FakeCekura>
