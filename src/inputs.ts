import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { formatDuration, parseDuration } from './base/duration.js'
import { errorMessage } from './base/text.js'
import { MODES, type Job, type Mode } from './base/types.js'

/** Input names, as action.yml declares them. */
export const INPUT = {
  apiKey: 'api-key',
  progressId: 'progress-id',
  timeout: 'timeout',
  pollInterval: 'poll-interval',
  maxPollInterval: 'max-poll-interval',
  apiUrl: 'api-url',
  failOnError: 'fail-on-error',
  summary: 'summary',
  mode: 'mode',
  agentId: 'agent-id',
  extraInstructions: 'extra-instructions',
  currentInstructions: 'current-instructions',
  currentInstructionsFile: 'current-instructions-file',
  scenarioId: 'scenario-id',
  requestBody: 'request-body',
  apply: 'apply',
  prComment: 'pr-comment',
  githubToken: 'github-token',
  commentHeader: 'comment-header'
} as const

export interface Settings {
  apiKey: string
  job: Job
  /** The scenario the job is about, when known; `apply` writes the text into it. */
  scenarioId?: number
  apply: boolean
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  /** Base URL without a trailing slash; a path prefix is kept. */
  apiUrl: string
  failOnError: boolean
  summary: boolean
  /** Post or update the pull-request comment. */
  prComment: boolean
  githubToken: string
  /** Keeps this step's comment apart from others on the same pull request; '' for the default one. */
  commentHeader: string
}

export class InputError extends Error {
  override name = 'InputError'
}

/** How parseInputs reaches the workspace; tests give their own. */
export interface InputContext {
  workspace: string
  readFile: (path: string) => string
}

/** The same defaults as action.yml, for runs that leave an input unset (tests, the demo). */
export const DEFAULTS: Record<string, string> = {
  [INPUT.apply]: 'false',
  [INPUT.timeout]: '10m',
  [INPUT.pollInterval]: '2.5s',
  [INPUT.maxPollInterval]: '25s',
  [INPUT.apiUrl]: 'https://api.cekura.ai',
  [INPUT.failOnError]: 'true',
  [INPUT.summary]: 'true',
  [INPUT.prComment]: 'false'
}

const MAX_TIMEOUT_MS = 6 * 3_600_000
const MIN_POLL_INTERVAL_MS = 100
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])
const DURATION_FORM = 'a number of seconds (600) or a duration with units ms, s, m, h (90s, 1m30s, 1h)'

/** Turns raw input text into settings, or throws an InputError naming the input and the form it expects. */
export function parseInputs(read: (name: string) => string, context: InputContext): Settings {
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
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    // It travels in an HTTP header, which takes printable ASCII only; say so before any request.
    throw new InputError(
      `Input '${INPUT.apiKey}' must be a single line of printable ASCII without spaces, as Cekura API keys are; the secret holds other characters.`
    )
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

  const settings: Settings = {
    apiKey,
    job: parseJob(get, context),
    apply: boolean(INPUT.apply, get(INPUT.apply)),
    timeoutMs,
    pollIntervalMs,
    maxPollIntervalMs,
    apiUrl: apiUrl(get(INPUT.apiUrl)),
    failOnError: boolean(INPUT.failOnError, get(INPUT.failOnError)),
    summary: boolean(INPUT.summary, get(INPUT.summary)),
    prComment: boolean(INPUT.prComment, get(INPUT.prComment)),
    githubToken: read(INPUT.githubToken).trim(),
    commentHeader: commentHeader(read(INPUT.commentHeader).trim())
  }
  const scenarioId = get(INPUT.scenarioId)
  if (scenarioId !== '') settings.scenarioId = positiveInteger(INPUT.scenarioId, scenarioId)
  if (settings.apply && settings.scenarioId === undefined) {
    throw new InputError(`Input '${INPUT.apply}' needs '${INPUT.scenarioId}': the scenario to write the new instructions into.`)
  }
  return settings
}

/** Picks the mode (given, or inferred from which inputs are set) and checks that the inputs fit it. */
function parseJob(get: (name: string) => string, context: InputContext): Job {
  const given = (name: string): boolean => get(name) !== ''
  const modeText = get(INPUT.mode).toLowerCase()
  if (modeText !== '' && !(MODES as readonly string[]).includes(modeText)) {
    throw new InputError(`Input '${INPUT.mode}' must be one of ${MODES.join(', ')} (or empty to infer it), got '${get(INPUT.mode)}'.`)
  }
  const hasCurrent = given(INPUT.currentInstructions) || given(INPUT.currentInstructionsFile)
  const mode: Mode | undefined =
    (modeText as Mode) ||
    (given(INPUT.progressId)
      ? 'poll'
      : given(INPUT.scenarioId) || hasCurrent
        ? 'improve'
        : given(INPUT.agentId)
          ? 'generate'
          : undefined)
  if (mode === undefined) {
    throw new InputError(
      `Nothing to do: set '${INPUT.progressId}' to follow a job started elsewhere, '${INPUT.agentId}' and ` +
        `'${INPUT.extraInstructions}' to generate instructions, or '${INPUT.scenarioId}' (or '${INPUT.currentInstructions}') ` +
        `and '${INPUT.extraInstructions}' to improve them.`
    )
  }
  const refuse = (names: string[], why: string): void => {
    const set = names.filter(given)
    if (set.length > 0) {
      throw new InputError(`${set.map(name => `'${name}'`).join(' and ')} ${set.length > 1 ? 'do' : 'does'} not fit mode '${mode}': ${why}`)
    }
  }
  if (given(INPUT.currentInstructions) && given(INPUT.currentInstructionsFile)) {
    throw new InputError(
      `Inputs '${INPUT.currentInstructions}' and '${INPUT.currentInstructionsFile}' are both set: give the text to improve one way only.`
    )
  }

  if (mode === 'poll') {
    refuse(
      [INPUT.agentId, INPUT.extraInstructions, INPUT.currentInstructions, INPUT.currentInstructionsFile, INPUT.requestBody],
      `mode poll follows a job started elsewhere (with '${INPUT.progressId}') and starts nothing.`
    )
    const progressId = get(INPUT.progressId)
    if (progressId === '') {
      throw new InputError(
        `Input '${INPUT.progressId}' is required in mode poll: the progress_id returned by the generate-instructions or improve_instructions call.`
      )
    }
    if (/[\r\n]/.test(progressId) || progressId.length > 200) {
      throw new InputError(
        `Input '${INPUT.progressId}' must be a single line of at most 200 characters, got ${JSON.stringify(progressId.slice(0, 60))}.`
      )
    }
    return { mode, progressId }
  }

  refuse([INPUT.progressId], `mode ${mode} starts a new job and reports its own progress id; leave '${INPUT.progressId}' empty.`)
  const extraInstructions = get(INPUT.extraInstructions)
  if (extraInstructions === '') {
    throw new InputError(`Input '${INPUT.extraInstructions}' is required in mode ${mode}: what the new instructions should do, in plain words.`)
  }
  const requestBody = parseRequestBody(get(INPUT.requestBody))
  const agentText = get(INPUT.agentId)

  if (mode === 'generate') {
    refuse(
      [INPUT.currentInstructions, INPUT.currentInstructionsFile],
      `generate writes new instructions from the agent; use mode improve to rewrite existing text.`
    )
    if (agentText === '') throw new InputError(`Input '${INPUT.agentId}' is required in mode generate: the Cekura agent id (a whole number).`)
    const job: Job = { mode, agentId: positiveInteger(INPUT.agentId, agentText), extraInstructions, requestBody }
    clashes(job, requestBody)
    return job
  }

  const currentInput = [INPUT.currentInstructions, INPUT.currentInstructionsFile].find(given)
  const job: Job = {
    mode,
    extraInstructions,
    requestBody,
    ...(agentText !== '' ? { agentId: positiveInteger(INPUT.agentId, agentText) } : {}),
    ...(currentInput === INPUT.currentInstructions ? { currentInstructions: get(currentInput), currentInstructionsInput: currentInput } : {}),
    ...(currentInput === INPUT.currentInstructionsFile
      ? { currentInstructions: readWorkspaceFile(get(currentInput), context), currentInstructionsInput: currentInput }
      : {})
  }
  if (!given(INPUT.scenarioId) && job.agentId === undefined) {
    throw new InputError(`Mode improve needs '${INPUT.agentId}', or '${INPUT.scenarioId}' to read the agent from the scenario.`)
  }
  clashes(job, requestBody)
  return job
}

/** Fields our own inputs send may not come from request-body too: one of the two would be lost. */
function clashes(job: Job, requestBody: Record<string, unknown>): void {
  const ours: Record<string, string> = { agent: INPUT.agentId, extra_instructions: INPUT.extraInstructions }
  if (job.mode === 'improve') ours.current_instructions = job.currentInstructionsInput ?? INPUT.scenarioId
  const both = Object.keys(requestBody).filter(key => key in ours)
  if (both.length > 0) {
    throw new InputError(
      `Input '${INPUT.requestBody}' sets ${both.map(key => `'${key}'`).join(', ')}, which ` +
        `${both.map(key => `'${ours[key]}'`).join(', ')} already ${both.length > 1 ? 'set' : 'sets'}: set each field one way only.`
    )
  }
}

function parseRequestBody(text: string): Record<string, unknown> {
  if (text === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new InputError(
      `Input '${INPUT.requestBody}' must be a JSON object such as {"name": "Impatient caller"}: ${errorMessage(error)}.`
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(
      `Input '${INPUT.requestBody}' must be a JSON object such as {"name": "Impatient caller"}, got ${Array.isArray(parsed) ? 'an array' : `a ${parsed === null ? 'null' : typeof parsed}`}.`
    )
  }
  return parsed as Record<string, unknown>
}

function positiveInteger(name: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InputError(`Input '${name}' must be a positive whole number (a Cekura id such as 1234), got '${text}'.`)
  }
  return Number(text)
}

/** Reads a file the user named, refusing paths that leave the workspace (symbolic links included). */
function readWorkspaceFile(path: string, context: InputContext): string {
  const name = INPUT.currentInstructionsFile
  const full = resolve(context.workspace, path)
  let real: string
  let root: string
  try {
    root = realpathSync(context.workspace)
    real = realpathSync(full)
  } catch {
    throw new InputError(`Input '${name}' names a file that does not exist: '${path}' (looked for ${full}).`)
  }
  const inside = relative(root, real)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError(`Input '${name}' must be a file inside the workspace (${root}), got '${path}'.`)
  }
  try {
    return context.readFile(real)
  } catch (error) {
    throw new InputError(`Input '${name}': could not read '${path}': ${errorMessage(error)}.`)
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

function commentHeader(text: string): string {
  if (/[\r\n]/.test(text) || text.length > 100) {
    throw new InputError(`Input '${INPUT.commentHeader}' must be a single line of at most 100 characters, got ${JSON.stringify(text.slice(0, 60))}.`)
  }
  return text
}
