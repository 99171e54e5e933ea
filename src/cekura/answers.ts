import { headerValue, NOT_SENT, type HttpAnswer } from './http.js'
import { stringifyJson } from '../base/json.js'
import { errorMessage } from '../base/text.js'

/** How the poll loop should treat one answer (or failure to answer) from the API. Pure functions only. */
export type Verdict =
  /** `pacing`: when the server asked for the next request (Retry-After or X-Poll-Interval on a 2xx). */
  | { kind: 'ok'; body: unknown; pacing?: Pacing }
  /** Worth another try: the fault says nothing about the job. */
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  /** 404: a brand-new job may not be visible yet, so a few tries before giving up. */
  | { kind: 'not-found'; reason: string }
  /** Retrying cannot help; the message tells the user what to do. */
  | { kind: 'fatal'; message: string }

/** The server's word on when to ask again, from a header of a 2xx answer. */
export interface Pacing {
  ms: number
  header: 'Retry-After' | 'X-Poll-Interval'
}

export const MAX_NOT_FOUND_RETRIES = 3
/** No single request waits longer than this, whatever time is left. */
export const REQUEST_TIMEOUT_MS = 30_000

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CONSTANT',
  'REQUEST_TIMEOUT'
])

/** Certificate problems: retrying cannot fix them, and they may mean someone is in the middle. */
const TLS_CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED'
])

/** A number of seconds as both pacing headers write it (`3`, `2.5`), in ms; undefined for anything else. */
function secondsOf(text: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : undefined
}

const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? .*\b\d\d:\d\d:\d\d\b/

/** Reads Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowEpochMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  const seconds = secondsOf(text)
  if (seconds !== undefined) return seconds
  // Else an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`, or its two obsolete forms): a day's name and a
  // time of day. Date.parse alone would read almost anything as some date (`abc 12` is in 2001).
  if (!HTTP_DATE.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowEpochMs)
}

/** X-Poll-Interval: a number of seconds; undefined when absent or unreadable. */
export function parsePollInterval(value: string | undefined): number | undefined {
  return value === undefined ? undefined : secondsOf(value.trim())
}

/** The pacing a 2xx answer asks for: Retry-After first, then X-Poll-Interval. */
export function pacingOf(answer: HttpAnswer, nowEpochMs: number): Pacing | undefined {
  const retryAfter = parseRetryAfter(headerValue(answer, 'retry-after'), nowEpochMs)
  if (retryAfter !== undefined) return { ms: retryAfter, header: 'Retry-After' }
  const interval = parsePollInterval(headerValue(answer, 'x-poll-interval'))
  return interval === undefined ? undefined : { ms: interval, header: 'X-Poll-Interval' }
}

/**
 * Whether a 400 says that the request lacks a tenant scope (`project_id`, `agent_id` or
 * `assistant_id`), as Cekura answers an organization-level API key that names no project.
 */
export function isScopeMissing(status: number, body: string): boolean {
  if (status !== 400) return false
  const text = apiErrorText(body) ?? body
  return /required query param/i.test(text) || /\b(project_id|agent_id|assistant_id)\b/.test(text)
}

/** DRF field errors `{"field": ["message", ...]}` as pairs, or undefined when the body has none. */
export function fieldErrors(body: string): Array<[field: string, message: string]> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    // Not JSON: parsed stays undefined, which holds no field errors.
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const pairs: Array<[string, string]> = []
  for (const [field, messages] of Object.entries(parsed as Record<string, unknown>)) {
    if (field === 'detail') continue
    const list = Array.isArray(messages) ? messages : [messages]
    const text = list
      .map(item => (typeof item === 'string' ? item : stringifyJson(item)))
      .filter(Boolean)
      .join(' ')
    if (text) pairs.push([field, text])
  }
  return pairs.length > 0 ? pairs : undefined
}

/** The API's own words about an error: `detail`, or DRF field errors `{"field": ["msg"]}`. */
export function apiErrorText(body: string): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    // Not JSON: parsed stays undefined, which holds no error text.
  }
  if (typeof parsed === 'string') return parsed
  // DRF sends errors that belong to no field as a bare list of messages.
  if (Array.isArray(parsed)) {
    const messages = parsed.filter((item): item is string => typeof item === 'string')
    return messages.length > 0 ? messages.join(' ') : undefined
  }
  // Other values than objects have no detail, and no field errors either.
  const detail = (parsed as { detail?: unknown } | null)?.detail
  if (typeof detail === 'string') return detail
  return fieldErrors(body)
    ?.map(([field, text]) => (field === 'non_field_errors' ? text : `${field}: ${text}`))
    .join('; ')
}

export function classifyAnswer(answer: HttpAnswer, nowEpochMs: number): Verdict {
  const { status } = answer
  if (status >= 200 && status < 300) {
    try {
      const body = JSON.parse(answer.body) as unknown
      const pacing = pacingOf(answer, nowEpochMs)
      return pacing === undefined ? { kind: 'ok', body } : { kind: 'ok', body, pacing }
    } catch {
      return { kind: 'transient', reason: `HTTP ${status} with a body that is not JSON` }
    }
  }
  if (TRANSIENT_STATUS.has(status)) {
    const verdict: Verdict = { kind: 'transient', reason: `HTTP ${status}` }
    const retryAfterMs = parseRetryAfter(headerValue(answer, 'retry-after'), nowEpochMs)
    if (retryAfterMs !== undefined) verdict.retryAfterMs = retryAfterMs
    return verdict
  }
  const detail = apiErrorText(answer.body)
  const said = detail ? `: ${detail}` : ''
  if (status === 401 || status === 403) {
    return {
      kind: 'fatal',
      message:
        `Cekura refused the API key (HTTP ${status}${said}). Check the api-key secret: it must be a valid Cekura API key. ` +
        'Workflows triggered from forks get no secrets, so the key is empty there.'
    }
  }
  if (status === 404) return { kind: 'not-found', reason: `HTTP 404${said}` }
  if (status >= 300 && status < 400) {
    return { kind: 'fatal', message: `Cekura answered with a redirect (HTTP ${status}) that was not followed.` }
  }
  if (status >= 400 && status <= 499) {
    return { kind: 'fatal', message: `Cekura rejected the request (HTTP ${status}${said}).` }
  }
  return { kind: 'transient', reason: `HTTP ${status}` }
}

/** Network-level failures (no HTTP answer) are transient when they are the kind a later try can get past. */
export function classifyNetworkError(error: unknown): Verdict {
  const code = (error as { code?: unknown } | null)?.code
  const message = errorMessage(error)
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) {
    return { kind: 'transient', reason: `network error ${code}${message && !message.includes(code) ? ` (${message})` : ''}` }
  }
  if (code === 'ABORTED') return { kind: 'fatal', message: 'the request was aborted: the run is being cancelled' }
  if (code === NOT_SENT) return { kind: 'fatal', message: `the request could not be sent: ${message}` }
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || TLS_CERTIFICATE_CODES.has(code))) {
    return { kind: 'fatal', message: `TLS error talking to Cekura: ${message}` }
  }
  return { kind: 'transient', reason: `network error: ${message}` }
}

export interface BackoffPolicy {
  baseMs: number
  capMs: number
}

/**
 * Wait before retry number `attempt` (1 for the first retry): exponential backoff with full jitter,
 * never shorter than a tenth of the base so a tight loop cannot form.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.max(policy.baseMs / 10, Math.round(random() * ceiling))
}
