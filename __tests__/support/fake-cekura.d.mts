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
  /** which endpoint the path is; undefined when none (answered 404) or on the redirect target host */
  endpoint: Endpoint | undefined
  /** the body parsed as JSON; undefined when empty or not JSON */
  json: unknown
  /** undefined while unanswered (for ever, for a hung request) */
  response: { status: number; headers: Record<string, string>; body: string } | undefined
}

export type Endpoint = 'progress' | 'generate' | 'improve' | 'scenario-get' | 'scenario-patch'
/** The endpoints whose misbehaviour is set with `faults` (progress misbehaves through its jobs). */
export type FaultEndpoint = Exclude<Endpoint, 'progress'>

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
  /** body sent as these raw bytes (garbage, invalid UTF-8) */
  bytes?: Uint8Array
  /** a body of `bytes` filler bytes, chunked, without Content-Length; fake.streamed counts what went out */
  stream?: { bytes: number; chunkBytes?: number }
  /** the body cut into `pieces`, one every `intervalMs` */
  trickle?: { pieces: number; intervalMs: number }
  /** (faults only) answer as the endpoint normally would */
  normal?: boolean
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

/** A stored scenario: the documented fields, plus whatever a test seeds. */
export type Scenario = {
  id: number
  name: string
  agent: unknown
  instructions: string
  expected_outcome_prompt: string
} & Record<string, unknown>

/** What a valid POST that starts a job looked like. */
export interface StartContext {
  kind: 'generate' | 'improve'
  /** the request body, parsed and checked against the schema */
  body: Record<string, unknown>
  /** the id answered to the POST */
  progressId: string
  request: RecordedRequest
}

/**
 * What a job started by a POST does: 'answer-after-<N>', 'answer-in-<MS>ms' (text made from the request),
 * any progress id the fake knows ('demo-fail', 'never', 'complete-after-3', a custom job's id), a Job, or
 * a function of the request choosing one of those.
 */
export type StartJobSpec = string | Job | ((ctx: StartContext) => string | Job)

export interface StartedJob {
  kind: 'generate' | 'improve'
  progressId: string
  body: Record<string, unknown>
  job: Job
}

export interface FakeCekuraOptions {
  port?: number
  host?: string
  apiKey?: string
  jobs?: Record<string, Job>
  /** default 'answer-after-2' */
  startJob?: StartJobSpec
  /** the project_id a POST answers (default 1) */
  projectId?: number
  /** whether a POST's answer carries project_id (default true) */
  answerProjectId?: boolean
  /** the key is organization-level: progress requests without a tenant scope get 400 (default false) */
  organizationKey?: boolean
  /** stored scenarios by id (default DEMO_SCENARIOS; {} for none); unset fields get defaults */
  scenarios?: Record<string | number, Partial<Scenario>>
  /** misbehaviour by endpoint: phases used up in order, then normal answers */
  faults?: Partial<Record<FaultEndpoint, Phase[]>>
  log?: (line: string) => void
  /** record in overLimit every POST that makes more than this many jobs run at once */
  maxRunningJobs?: number
}

export interface FakeCekura {
  url: string
  port: number
  otherUrl: string
  requests: RecordedRequest[]
  /** every job started by a POST, in order */
  started: StartedJob[]
  /** bytes written so far of each streamed body (reply.stream) */
  streamed: Map<RecordedRequest, number>
  setJob(id: string, job: Job): void
  setStartJob(spec: StartJobSpec): void
  /** set (or with undefined, clear) an endpoint's misbehaviour, starting its count afresh */
  setFault(endpoint: FaultEndpoint, phases: Phase[] | undefined): void
  /** a copy of a stored scenario as it is now */
  scenario(id: number): Scenario | undefined
  /** store (replace) a scenario */
  setScenario(id: number, scenario: Partial<Scenario>): void
  /** whether progress requests need a tenant scope (project_id, agent_id or assistant_id) */
  setOrganizationKey(on: boolean): void
  /** forget requests, job state, started jobs, fault counts and running jobs; scenarios back to how they started */
  reset(): void
  /** jobs started by a POST and not yet answered with a final status */
  readonly running: number
  /** the most jobs that were running at once */
  readonly peakRunning: number
  /** every POST that made more than maxRunningJobs run at once */
  overLimit: Array<{ at: number; running: number; limit: number }>
  setMaxRunningJobs(limit: number | undefined): void
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
export const GENERATE_PATH: string
export const IMPROVE_PATH: string
export function scenarioPath(id: number | string): string
export const DEFAULT_START_JOB: string
export const CLI_START_JOB: string
export const DEMO_SCENARIO_ID: number
export const DEMO_AGENT_ID: number
export const DEMO_SCENARIO_INSTRUCTIONS: string
export const DEMO_SCENARIO_EXPECTED_OUTCOME: string
export const DEMO_SCENARIOS: Record<number, Scenario>
export function generatedInstructions(agent: unknown, extra: string): string
export function improvedInstructions(current: string, extra: string): string
export function expectedOutcomeFor(extra: string): string
export interface FieldRule {
  type: 'integer' | 'string'
  required?: boolean
  allowBlank?: boolean
}
export function schemaErrors(body: unknown, schema: Record<string, FieldRule>): Record<string, string[]> | undefined
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
  normal: Reply
  redirectToOtherHost(): ReplySpec
  redirectSameOrigin(progressId: string): ReplySpec
  /** a running job's answer carrying pacing headers (Retry-After, X-Poll-Interval); status default processing */
  paced(headers: Record<string, string>, status?: string): ReplySpec
  /** a job waiting for a person: status needs_* and its message */
  needsPerson(status: string, message: string): ReplySpec
}

export const jobs: {
  completeAfterPolls(n: number, options?: CompletedOptions): Job
  completeAfterMs(ms: number, options?: CompletedOptions): Job
  failAfterMs(ms: number, error?: string): Job
  always(reply: ReplySpec): Job
  first(reply: ReplySpec, times: number, then: Job): Job
  sequence(sequence: ReplySpec[], then: Job): Job
  /** `reply` (default a fast 503) until `ms` after the first poll, then `then` */
  storm(ms: number, then: Job, reply?: ReplySpec): Job
  fromRequest(ctx: StartContext, options?: { afterPolls?: number; afterMs?: number; expected?: string | null }): Job
}

export const faults: {
  /** `reply` (default a fast 503) until `ms` after the endpoint's first request */
  storm(ms: number, reply?: ReplySpec): Phase[]
  once(reply: ReplySpec): Phase[]
  times(reply: ReplySpec, times: number): Phase[]
  always(reply: ReplySpec): Phase[]
  sequence(sequence: ReplySpec[]): Phase[]
}

export const NAMED_JOBS: Record<string, Job>

export function startFakeCekura(options?: FakeCekuraOptions): Promise<FakeCekura>
