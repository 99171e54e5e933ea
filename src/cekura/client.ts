import type { Agent } from 'node:http'
import { HttpClient } from '@actions/http-client'
import { stringifyJson } from '../base/json.js'
import { type Redactor, redactor } from '../base/redact.js'
import { sleep } from '../base/sleep.js'
import { errorMessage } from '../base/text.js'
import { USER_AGENT } from '../base/version.js'
import { INPUT } from '../inputs.js'
import {
  apiErrorText,
  classifyAnswer,
  classifyNetworkError,
  fieldErrors,
  isScopeMissing,
  REQUEST_TIMEOUT_MS,
  type Verdict
} from './answers.js'
import { CekuraFailure } from './failure.js'
import { HELD_BACK, type RequestGate } from './gate.js'
import { NetworkError, NOT_SENT, RefusedAnswer, request, type HttpAnswer } from './http.js'
import { withRetries, type Try } from './retry.js'

export const PROGRESS_PATH = '/test_framework/v1/scenarios/instructions-progress/'
export const START_PATHS = {
  generate: '/test_framework/v1/scenarios/generate-instructions/',
  improve: '/test_framework/v1/scenarios/improve_instructions/'
} as const
export type StartMode = keyof typeof START_PATHS
export const scenarioPath = (id: number): string => `/test_framework/v1/scenarios/${id}/`

/** Network failures that prove the request never reached the server, so even a POST may be sent again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', NOT_SENT, HELD_BACK])
/** Of those, the ones another try cannot get past. */
const NEVER_SENDABLE = new Set([NOT_SENT])

export interface CallOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * The tenant a progress request is about. An organization-level API key must name one (Cekura answers
 * 400 otherwise); a key scoped to one project may, and needs not.
 */
export interface TenantScope {
  param: 'project_id' | 'agent_id'
  id: number
}

export interface ProgressOptions extends CallOptions {
  scope?: TenantScope | undefined
}

/** The one call the poll loop needs; tests and the benchmark give their own. */
export interface ProgressSource {
  getProgress(progressId: string, options: ProgressOptions): Promise<Verdict>
}

/** What the answer to a request that starts a job says. */
export interface StartedJob {
  progressId: string
  /** The project the job runs in, when the answer says. */
  projectId?: number
}

export type Scenario = Record<string, unknown>

/**
 * Everything a job needs from Cekura. Calls other than polls throw a CekuraFailure; `deadline` is on
 * the client's clock.
 */
export interface CekuraApi extends ProgressSource {
  /** Starts a job; `fieldInputs` names the input behind each body field, so a 400 can name it. */
  startJob(mode: StartMode, body: Record<string, unknown>, deadline: number, fieldInputs?: Record<string, string>): Promise<StartedJob>
  getScenario(id: number, deadline: number): Promise<Scenario>
  patchScenario(id: number, body: Record<string, unknown>, deadline: number): Promise<void>
}

export interface ClientOptions {
  apiUrl: string
  apiKey: string
  debug?: (line: string) => void
  /** For the retries of calls other than polls; tests make them instant. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Monotonic milliseconds, the clock of every deadline. */
  now?: () => number
  /** Aborts any call in flight: the run is being cancelled. */
  cancel?: AbortSignal
  /** Shared by the clients of a batch: a 429 or Retry-After that one hears holds back every request. */
  gate?: RequestGate
  /** Hides the secrets in response text quoted in messages; the API key alone by default. */
  redact?: Redactor
}

/** Talks to the Cekura API over HTTP, through the runner's proxy settings when there are any. */
export class CekuraClient implements CekuraApi {
  private readonly agents = new HttpClient(USER_AGENT, [], { keepAlive: true })
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly now: () => number
  /** Response text quoted in a message is redacted before it is cut, so no piece of the key is left. */
  private readonly quote: (body: string, length: number) => string

  constructor(private readonly options: ClientOptions) {
    this.sleep = options.sleep ?? (ms => sleep(ms, options.cancel))
    this.random = options.random ?? Math.random
    this.now = options.now ?? (() => performance.now())
    const redact = options.redact ?? redactor(options.apiKey)
    this.quote = (body, length) => redact.head(body, length)
  }

  url(path: string): URL {
    return new URL(`${this.options.apiUrl}${path}`)
  }

  private async send(method: 'GET' | 'POST' | 'PATCH', url: URL, body: unknown, options: CallOptions): Promise<HttpAnswer> {
    this.options.debug?.(`${method} ${url.href} (timeout ${Math.round(options.timeoutMs)}ms)`)
    const headers: Record<string, string> = {
      'X-CEKURA-API-KEY': this.options.apiKey,
      Accept: 'application/json',
      'User-Agent': USER_AGENT
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const signal = options.signal ?? this.options.cancel
    const timeoutMs = await this.holdBack(options.timeoutMs, signal)
    const answer = await request(url, {
      method,
      headers,
      // request-body may nest deeper than JSON.stringify can go.
      ...(body !== undefined ? { body: stringifyJson(body) } : {}),
      timeoutMs,
      ...(signal ? { signal } : {}),
      agentFor: target => this.agents.getAgent(target.href) as Agent
    })
    this.options.debug?.(`HTTP ${answer.status}: ${this.quote(answer.body, 2000)}`)
    this.options.gate?.heard(answer)
    return answer
  }

  /**
   * Waits while the gate holds requests back, within the time the request was given, and returns the
   * time left for the request itself. Throws (code HELD_BACK: provably not sent) when the hold outlasts
   * that time or the run is cancelled meanwhile.
   */
  private async holdBack(timeoutMs: number, signal: AbortSignal | undefined): Promise<number> {
    const gate = this.options.gate
    if (gate === undefined || gate.heldFor() <= 0) return timeoutMs
    const waited = await gate.wait(timeoutMs, signal)
    this.options.debug?.(`held back ${Math.round(waited)}ms by the rate limit`)
    if (signal?.aborted)
      throw new NetworkError('the run was cancelled while the request waited out the rate limit; it was not sent', HELD_BACK)
    if (gate.heldFor() > 0 || timeoutMs - waited < 1) {
      throw new NetworkError(
        "held back by Cekura's rate limit (Retry-After) for longer than this request could wait; it was not sent",
        HELD_BACK
      )
    }
    return timeoutMs - waited
  }

  private retrying<T>(deadline: number, once: (timeoutMs: number) => Promise<Try<T>>): Promise<T> {
    return withRetries(once, { deadline, now: this.now, sleep: this.sleep, random: this.random, signal: this.options.cancel })
  }

  async getProgress(progressId: string, options: ProgressOptions): Promise<Verdict> {
    const url = this.url(PROGRESS_PATH)
    url.searchParams.set('progress_id', progressId)
    if (options.scope) url.searchParams.set(options.scope.param, String(options.scope.id))
    try {
      const answer = await this.send('GET', url, undefined, options)
      if (isScopeMissing(answer.status, answer.body)) return scopeMissing(answer, options.scope)
      return classifyAnswer(answer, Date.now())
    } catch (error) {
      if (error instanceof RefusedAnswer) return { kind: 'fatal', message: error.message }
      this.options.debug?.(`request failed: ${errorMessage(error)}`)
      return classifyNetworkError(error)
    }
  }

  /**
   * Starts a job. Sent again only after a failure that proves the first try never reached Cekura:
   * anything else may already have started a job, and a second POST would start another.
   */
  async startJob(
    mode: StartMode,
    body: Record<string, unknown>,
    deadline: number,
    fieldInputs: Record<string, string> = {}
  ): Promise<StartedJob> {
    const url = this.url(START_PATHS[mode])
    return this.retrying(deadline, async (timeoutMs): Promise<Try<StartedJob>> => {
      let answer: HttpAnswer
      try {
        answer = await this.send('POST', url, body, { timeoutMs })
      } catch (error) {
        const code = error instanceof NetworkError ? error.code : undefined
        const reason = errorMessage(error)
        if (code !== undefined && NOT_SENT_CODES.has(code)) {
          const failure = new CekuraFailure(
            'not-sent',
            `Could not send the request to start the ${mode} job (${reason}); no job was started.`
          )
          return NEVER_SENDABLE.has(code) ? { fail: failure } : { retry: failure }
        }
        const failure = new CekuraFailure(
          'may-have-started',
          `The request to start the ${mode} job failed after it may have reached Cekura (${reason}), so a job may have started. ` +
            'It was not sent again, to avoid starting a second job: check the scenario in the Cekura dashboard before re-running, ' +
            'or follow the job with progress-id if you can find it.'
        )
        if (code === 'ABORTED') return { fail: failure.as('cancelled') }
        // Given all the time that was left, and it ran out.
        if (code === 'REQUEST_TIMEOUT' && timeoutMs < REQUEST_TIMEOUT_MS) return { fail: failure.as('timed-out') }
        return { fail: failure }
      }
      if (answer.status < 200 || answer.status >= 300) return { fail: startRejected(mode, answer, fieldInputs) }
      const started = readStarted(answer.body)
      if (started === undefined) {
        return {
          fail: new CekuraFailure(
            'fatal',
            `Cekura answered the ${mode} request with HTTP ${answer.status} but no progress_id, so the job cannot be followed. ` +
              `Response: ${this.quote(answer.body, 500)}`,
            answer.status
          )
        }
      }
      return { ok: started }
    })
  }

  async getScenario(id: number, deadline: number): Promise<Scenario> {
    const answer = await this.idempotent('GET', scenarioPath(id), undefined, deadline, `read scenario ${id}`)
    try {
      const parsed: unknown = JSON.parse(answer.body)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Scenario
    } catch {
      // reported below
    }
    throw new CekuraFailure(
      'fatal',
      `Cekura sent scenario ${id} in a form that is not a JSON object: ${this.quote(answer.body, 300)}`,
      answer.status
    )
  }

  async patchScenario(id: number, body: Record<string, unknown>, deadline: number): Promise<void> {
    await this.idempotent('PATCH', scenarioPath(id), body, deadline, `save the instructions into scenario ${id}`)
  }

  /** GET and PATCH can be sent again safely: transient faults are retried like polls. */
  private idempotent(method: 'GET' | 'PATCH', path: string, body: unknown, deadline: number, what: string): Promise<HttpAnswer> {
    const url = this.url(path)
    return this.retrying(deadline, async (timeoutMs): Promise<Try<HttpAnswer>> => {
      let answer: HttpAnswer
      try {
        answer = await this.send(method, url, body, { timeoutMs })
      } catch (error) {
        if (error instanceof RefusedAnswer) return { fail: new CekuraFailure('fatal', error.message) }
        if (error instanceof NetworkError && error.code === 'ABORTED') {
          return { fail: new CekuraFailure('cancelled', `Could not ${what}: the request was aborted.`) }
        }
        return this.verdictTry(classifyNetworkError(error), what)
      }
      if (answer.status >= 200 && answer.status < 300) return { ok: answer }
      return this.verdictTry(classifyAnswer(answer, Date.now()), what, answer.status)
    })
  }

  private verdictTry(verdict: Verdict, what: string, status?: number): Try<never> {
    switch (verdict.kind) {
      case 'transient': {
        const retry = new CekuraFailure('unavailable', `Could not ${what}: ${verdict.reason}`, status)
        return verdict.retryAfterMs === undefined ? { retry } : { retry, retryAfterMs: verdict.retryAfterMs }
      }
      case 'not-found':
        return {
          fail: new CekuraFailure(
            'not-found',
            `Could not ${what}: Cekura has no such scenario (HTTP 404). Check the scenario-id input.`,
            404
          )
        }
      case 'fatal':
        return { fail: new CekuraFailure(status === undefined ? 'fatal' : 'rejected', `Could not ${what}: ${verdict.message}`, status) }
      default:
        return { fail: new CekuraFailure('fatal', `Could not ${what}: no answer`, status) }
    }
  }

  /** Closes kept-alive sockets so nothing holds the process open. */
  close(): void {
    this.agents.dispose()
  }
}

/** The progress id (and the project, when given) in the answer to a POST that starts a job. */
function readStarted(body: string): StartedJob | undefined {
  let parsed: Record<string, unknown> | null
  try {
    parsed = JSON.parse(body) as Record<string, unknown> | null
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const data = typeof parsed.data === 'object' && parsed.data !== null ? (parsed.data as Record<string, unknown>) : {}
  const value = parsed.progress_id ?? data.progress_id
  const progressId = typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined
  if (progressId === undefined) return undefined
  const project = parsed.project_id ?? data.project_id
  const projectId = typeof project === 'string' && /^\d+$/.test(project.trim()) ? Number(project) : project
  return typeof projectId === 'number' && Number.isSafeInteger(projectId) && projectId > 0 ? { progressId, projectId } : { progressId }
}

/** A 400 for want of a tenant scope: say which inputs give one. */
function scopeMissing(answer: HttpAnswer, sent: TenantScope | undefined): Verdict {
  const detail = apiErrorText(answer.body)
  return {
    kind: 'fatal',
    message:
      `Cekura asks which project the job belongs to (HTTP 400${detail ? `: ${detail}` : ''})` +
      (sent ? `, although the request named ${sent.param}=${sent.id}` : '') +
      `. Organization-level API keys must name one: set the '${INPUT.projectId}' input to the Cekura project id ` +
      `(a whole number), or '${INPUT.agentId}' to an agent of that project.`
  }
}

function startRejected(mode: string, answer: HttpAnswer, fieldInputs: Record<string, string>): CekuraFailure {
  const verdict = classifyAnswer(answer, Date.now())
  if (answer.status === 401 || answer.status === 403) {
    return new CekuraFailure('rejected', verdict.kind === 'fatal' ? verdict.message : `HTTP ${answer.status}`, answer.status)
  }
  const fields = answer.status === 400 ? fieldErrors(answer.body) : undefined
  if (fields) {
    const lines = fields.map(([field, text]) => {
      // The field names come from Cekura: look up only the table's own keys, never Object.prototype's.
      const input = Object.hasOwn(fieldInputs, field) ? fieldInputs[field] : undefined
      return input ? `input '${input}' (field ${field}): ${text}` : field === 'non_field_errors' ? text : `field ${field}: ${text}`
    })
    return new CekuraFailure('rejected', `Cekura refused to start the ${mode} job (HTTP 400): ${lines.join('; ')}`, 400)
  }
  const detail = apiErrorText(answer.body)
  const mayHaveStarted = answer.status >= 500 || answer.status === 408
  return new CekuraFailure(
    mayHaveStarted ? 'may-have-started' : 'rejected',
    `Cekura refused to start the ${mode} job (HTTP ${answer.status}${detail ? `: ${detail}` : ''}).` +
      (mayHaveStarted ? ' A job may have started: check the Cekura dashboard before re-running.' : ''),
    answer.status
  )
}
