import { formatDuration, parseDuration } from './duration.js'

/** Input names, as action.yml declares them. */
export const INPUT = {
  apiKey: 'api-key',
  progressId: 'progress-id',
  timeout: 'timeout',
  pollInterval: 'poll-interval',
  maxPollInterval: 'max-poll-interval',
  apiUrl: 'api-url',
  failOnError: 'fail-on-error',
  summary: 'summary'
} as const

export interface Settings {
  apiKey: string
  progressId: string
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  /** Base URL without a trailing slash; a path prefix is kept. */
  apiUrl: string
  failOnError: boolean
  summary: boolean
}

export class InputError extends Error {
  override name = 'InputError'
}

const DEFAULTS: Record<string, string> = {
  [INPUT.timeout]: '10m',
  [INPUT.pollInterval]: '2s',
  [INPUT.maxPollInterval]: '30s',
  [INPUT.apiUrl]: 'https://api.cekura.ai',
  [INPUT.failOnError]: 'true',
  [INPUT.summary]: 'true'
}

const MAX_TIMEOUT_MS = 6 * 3_600_000
const MIN_POLL_INTERVAL_MS = 100
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])
const DURATION_FORM = 'a number of seconds (600) or a duration with units ms, s, m, h (90s, 1m30s, 1h)'

/** Turns raw input text into settings, or throws an InputError naming the input and the form it expects. */
export function parseInputs(read: (name: string) => string): Settings {
  const get = (name: string): string => {
    const raw = read(name).trim()
    return raw === '' ? (DEFAULTS[name] ?? '') : raw
  }

  const apiKey = read(INPUT.apiKey).trim()
  if (apiKey === '') {
    throw new InputError(
      `Input '${INPUT.apiKey}' is required: pass your Cekura API key from a secret, e.g. api-key: \${{ secrets.CEKURA_API_KEY }}. ` +
        'Workflows triggered from forks get no secrets.'
    )
  }
  if (/[\r\n]/.test(apiKey)) {
    throw new InputError(`Input '${INPUT.apiKey}' must be a single line; the secret holds a line break.`)
  }

  const progressId = get(INPUT.progressId)
  if (progressId === '') {
    throw new InputError(
      `Input '${INPUT.progressId}' is required: the progress_id returned by the generate-instructions or improve_instructions call.`
    )
  }
  if (/[\r\n]/.test(progressId) || progressId.length > 200) {
    throw new InputError(`Input '${INPUT.progressId}' must be a single line of at most 200 characters, got ${JSON.stringify(progressId.slice(0, 60))}.`)
  }

  const timeoutMs = duration(INPUT.timeout, get(INPUT.timeout))
  if (timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new InputError(`Input '${INPUT.timeout}' must be more than 0 and at most 6h, got '${get(INPUT.timeout)}'.`)
  }
  const pollIntervalMs = duration(INPUT.pollInterval, get(INPUT.pollInterval))
  const maxPollIntervalMs = duration(INPUT.maxPollInterval, get(INPUT.maxPollInterval))
  if (pollIntervalMs < MIN_POLL_INTERVAL_MS) {
    throw new InputError(`Input '${INPUT.pollInterval}' must be at least 100ms, got '${get(INPUT.pollInterval)}'.`)
  }
  if (maxPollIntervalMs > MAX_TIMEOUT_MS) {
    throw new InputError(`Input '${INPUT.maxPollInterval}' must be at most 6h, got '${get(INPUT.maxPollInterval)}'.`)
  }
  if (pollIntervalMs > maxPollIntervalMs) {
    throw new InputError(
      `Input '${INPUT.pollInterval}' (${formatDuration(pollIntervalMs)}) must not be above '${INPUT.maxPollInterval}' (${formatDuration(maxPollIntervalMs)}).`
    )
  }

  return {
    apiKey,
    progressId,
    timeoutMs,
    pollIntervalMs,
    maxPollIntervalMs,
    apiUrl: apiUrl(get(INPUT.apiUrl)),
    failOnError: boolean(INPUT.failOnError, get(INPUT.failOnError)),
    summary: boolean(INPUT.summary, get(INPUT.summary))
  }
}

function duration(name: string, text: string): number {
  const ms = parseDuration(text)
  if (ms === undefined) throw new InputError(`Input '${name}' must be ${DURATION_FORM}, got '${text}'.`)
  return ms
}

function boolean(name: string, text: string): boolean {
  // The same words the toolkit's getBooleanInput accepts.
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`Input '${name}' must be true or false, got '${text}'.`)
}

function apiUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(`Input '${INPUT.apiUrl}' must be an absolute URL such as https://api.cekura.ai, got '${text}'.`)
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(
      `Input '${INPUT.apiUrl}' must use https (plain http only for 127.0.0.1, ::1 or localhost), got '${text}'.`
    )
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `Input '${INPUT.apiUrl}' must be a base URL without credentials, query or fragment, such as https://api.cekura.ai, got '${url.origin}${url.pathname}'.`
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}
