import type { Agent } from 'node:http'
import { HttpClient } from '@actions/http-client'
import { NetworkError, NOT_SENT, RedirectError, request } from './http.js'
import {
  apiErrorText,
  fieldErrors,
  backoffDelay,
  classifyAnswer,
  classifyNetworkError,
  MAX_CONSECUTIVE_TRANSIENT,
  REQUEST_TIMEOUT_MS,
  type HttpAnswer,
  type Verdict
} from './retry.js'
import { redactor } from './redact.js'
import { sleep } from './signals.js'
import { USER_AGENT } from './version.js'

export const PROGRESS_PATH = '/test_framework/v1/scenarios/instructions-progress/'
export const START_PATHS = {
  generate: '/test_framework/v1/scenarios/generate-instructions/',
  improve: '/test_framework/v1/scenarios/improve_instructions/'
} as const
export const scenarioPath = (id: number): string => `/test_framework/v1/scenarios/${id}/`


/** Network failures that prove the request never reached the server, so even a POST may be sent again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', NOT_SENT])
/** Of those, the ones another try cannot get past. */
const NEVER_SENDABLE = new Set([NOT_SENT])

export interface CallOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/** The one call the poll loop needs; tests and the benchmark give their own. */
export interface ProgressSource {
  getProgress(progressId: string, options: CallOptions): Promise<Verdict>
}

export interface ClientOptions {
  apiUrl: string
  apiKey: string
  debug?: (line: string) => void
  /** For the retries of calls other than polls; tests make them instant. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Aborts any call in flight: the run is being cancelled. */
  cancel?: AbortSignal
}

/** A call failed for good; the message says what to do. `mayHaveStarted` marks a POST whose fate is unknown. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: string
  ) {
    super(message)
  }
}

export type Scenario = Record<string, unknown>

/** Talks to the Cekura API over HTTP, through the runner's proxy settings when there are any. */
export class CekuraClient implements ProgressSource {
  private readonly agents = new HttpClient(USER_AGENT, [], { keepAlive: true })
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  /** Response text quoted in a message is redacted before it is cut, so no piece of the key is left. */
  private readonly quote: (body: string, length: number) => string

  constructor(private readonly options: ClientOptions) {
    this.sleep = options.sleep ?? (ms => sleep(ms, options.cancel))
    this.random = options.random ?? Math.random
    const redact = redactor(options.apiKey)
    this.quote = (body, length) => redact(body).slice(0, length)
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
    const answer = await request(url, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      timeoutMs: options.timeoutMs,
      ...(options.signal ?? this.options.cancel ? { signal: options.signal ?? this.options.cancel } : {}),
      agentFor: target => this.agents.getAgent(target.href) as Agent
    })
    this.options.debug?.(`HTTP ${answer.status}: ${this.quote(answer.body, 2000)}`)
    return answer
  }

  async getProgress(progressId: string, options: CallOptions): Promise<Verdict> {
    const url = this.url(PROGRESS_PATH)
    url.searchParams.set('progress_id', progressId)
    try {
      return classifyAnswer(await this.send('GET', url, undefined, options), Date.now())
    } catch (error) {
      if (error instanceof RedirectError) return { kind: 'fatal', message: error.message }
      this.options.debug?.(`request failed: ${error instanceof Error ? error.message : String(error)}`)
      return classifyNetworkError(error)
    }
  }

  /**
   * Starts a job. Sent again only after a failure that proves the first try never reached Cekura:
   * anything else may already have started a job, and a second POST would start another.
   */
  async startJob(
    mode: keyof typeof START_PATHS,
    body: Record<string, unknown>,
    deadline: number,
    /** Which input each body field came from, so a 400 can name it. */
    fieldInputs: Record<string, string> = {}
  ): Promise<string> {
    const url = this.url(START_PATHS[mode])
    for (let attempt = 1; ; attempt++) {
      let answer: HttpAnswer
      try {
        answer = await this.send('POST', url, body, { timeoutMs: timeLeft(deadline) })
      } catch (error) {
        const code = error instanceof NetworkError ? error.code : undefined
        const reason = error instanceof Error ? error.message : String(error)
        const notSent = code !== undefined && NOT_SENT_CODES.has(code)
        if (notSent && !NEVER_SENDABLE.has(code) && attempt < MAX_CONSECUTIVE_TRANSIENT && timeLeft(deadline) > 1000) {
          await this.sleep(Math.min(backoffDelay(attempt, { baseMs: 1000, capMs: 10_000 }, this.random), timeLeft(deadline)))
          continue
        }
        if (notSent) throw new ApiError(`Could not send the request to start the ${mode} job (${reason}); no job was started.`)
        throw new ApiError(
          `The request to start the ${mode} job failed after it may have reached Cekura (${reason}), so a job may have started. ` +
            'It was not sent again, to avoid starting a second job: check the scenario in the Cekura dashboard before re-running, ' +
            'or follow the job with progress-id if you can find it.'
        )
      }
      if (answer.status < 200 || answer.status >= 300) throw startRejected(mode, answer, fieldInputs)
      const progressId = readProgressId(answer.body)
      if (progressId === undefined) {
        throw new ApiError(
          `Cekura answered the ${mode} request with HTTP ${answer.status} but no progress_id, so the job cannot be followed. ` +
            `Response: ${this.quote(answer.body, 500)}`,
          answer.status,
          answer.body
        )
      }
      return progressId
    }
  }

  async getScenario(id: number, deadline: number): Promise<Scenario> {
    const answer = await this.idempotent('GET', scenarioPath(id), undefined, deadline, `read scenario ${id}`)
    try {
      const parsed: unknown = JSON.parse(answer.body)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Scenario
    } catch {
      // reported below
    }
    throw new ApiError(`Cekura sent scenario ${id} in a form that is not a JSON object: ${this.quote(answer.body, 300)}`)
  }

  async patchScenario(id: number, body: Record<string, unknown>, deadline: number): Promise<void> {
    await this.idempotent('PATCH', scenarioPath(id), body, deadline, `save the instructions into scenario ${id}`)
  }

  /** GET and PATCH can be sent again safely: transient faults are retried like polls. */
  private async idempotent(
    method: 'GET' | 'PATCH',
    path: string,
    body: unknown,
    deadline: number,
    what: string
  ): Promise<HttpAnswer> {
    const url = this.url(path)
    for (let attempt = 1; ; attempt++) {
      let verdict: Verdict
      let answer: HttpAnswer | undefined
      try {
        answer = await this.send(method, url, body, { timeoutMs: timeLeft(deadline) })
        verdict = answer.status >= 200 && answer.status < 300 ? { kind: 'ok', body: null } : classifyAnswer(answer, Date.now())
      } catch (error) {
        if (error instanceof RedirectError) throw new ApiError(error.message)
        verdict = classifyNetworkError(error)
      }
      if (verdict.kind === 'ok' && answer) return answer
      if (verdict.kind === 'transient' && attempt < MAX_CONSECUTIVE_TRANSIENT && timeLeft(deadline) > 1000) {
        const wait = verdict.retryAfterMs ?? backoffDelay(attempt, { baseMs: 1000, capMs: 10_000 }, this.random)
        await this.sleep(Math.min(wait, timeLeft(deadline)))
        continue
      }
      if (verdict.kind === 'not-found') {
        throw new ApiError(`Could not ${what}: Cekura has no such scenario (HTTP 404). Check the scenario-id input.`, 404)
      }
      const why = verdict.kind === 'fatal' ? verdict.message : verdict.kind === 'transient' ? verdict.reason : 'no answer'
      throw new ApiError(`Could not ${what}: ${why}`, answer?.status, answer?.body)
    }
  }

  /** Closes kept-alive sockets so nothing holds the process open. */
  close(): void {
    this.agents.dispose()
  }
}

/** `deadline` is on the monotonic clock (performance.now()), as the poll loop's is. */
function timeLeft(deadline: number): number {
  return Math.max(1, Math.min(REQUEST_TIMEOUT_MS, deadline - performance.now()))
}

function readProgressId(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown> | null
    const value = parsed?.progress_id ?? (parsed?.data as Record<string, unknown> | undefined)?.progress_id
    if (typeof value === 'string' && value.trim() !== '') return value.trim()
    if (typeof value === 'number') return String(value)
  } catch {
    // no JSON, no id
  }
  return undefined
}

function startRejected(mode: string, answer: HttpAnswer, fieldInputs: Record<string, string>): ApiError {
  const verdict = classifyAnswer(answer, Date.now())
  if (answer.status === 401 || answer.status === 403) {
    return new ApiError(verdict.kind === 'fatal' ? verdict.message : `HTTP ${answer.status}`, answer.status, answer.body)
  }
  const fields = answer.status === 400 ? fieldErrors(answer.body) : undefined
  if (fields) {
    const lines = fields.map(([field, text]) => {
      const input = fieldInputs[field]
      return input ? `input '${input}' (field ${field}): ${text}` : field === 'non_field_errors' ? text : `field ${field}: ${text}`
    })
    return new ApiError(`Cekura refused to start the ${mode} job (HTTP 400): ${lines.join('; ')}`, 400, answer.body)
  }
  const detail = apiErrorText(answer.body)
  const started = answer.status >= 500 || answer.status === 408 ? ' A job may have started: check the Cekura dashboard before re-running.' : ''
  return new ApiError(
    `Cekura refused to start the ${mode} job (HTTP ${answer.status}${detail ? `: ${detail}` : ''}).${started}`,
    answer.status,
    answer.body
  )
}
