import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { formatDuration, parseDuration } from './base/duration.js'
import { errorMessage } from './base/text.js'
import { COMMENT_MODES, MODES, type CommentMode, type Job, type Mode } from './base/types.js'

/**
 * One declaration per input, as action.yml declares it: its name, the default the code falls back on
 * (action.yml's, for runs that leave an input unset: tests, the demo), and which modes need or refuse
 * it. The parsers below read each value; parseInputs puts them together. A test ties the names and
 * defaults to action.yml, and the README's tables are generated from action.yml.
 */
interface InputDeclaration {
  name: string
  default?: string
  /** The modes that cannot run without it, and what it is. */
  needed?: { in: readonly Mode[]; what: string }
  /** The modes it does not fit, each with the reason. */
  refused?: Partial<Record<Mode, string>>
}

const STARTS_NOTHING = "mode poll follows a job started elsewhere (with 'progress-id') and starts nothing."
const OWN_PROGRESS_ID = (mode: Mode): string => `mode ${mode} starts a new job and reports its own progress id; leave 'progress-id' empty.`
const NOT_IN_GENERATE = 'generate writes new instructions from the agent; use mode improve to rewrite existing text.'

const DECLARATIONS = {
  apiKey: { name: 'api-key' },
  mode: { name: 'mode' },
  progressId: {
    name: 'progress-id',
    needed: { in: ['poll'], what: 'the progress_id returned by the generate-instructions or improve_instructions call.' },
    refused: { generate: OWN_PROGRESS_ID('generate'), improve: OWN_PROGRESS_ID('improve') }
  },
  agentId: {
    name: 'agent-id',
    // In poll mode it only names the tenant of the progress requests.
    needed: { in: ['generate'], what: 'the Cekura agent id (a whole number).' }
  },
  projectId: { name: 'project-id' },
  extraInstructions: {
    name: 'extra-instructions',
    needed: { in: ['generate', 'improve'], what: 'what the new instructions should do, in plain words.' },
    refused: { poll: STARTS_NOTHING }
  },
  currentInstructions: { name: 'current-instructions', refused: { poll: STARTS_NOTHING, generate: NOT_IN_GENERATE } },
  currentInstructionsFile: { name: 'current-instructions-file', refused: { poll: STARTS_NOTHING, generate: NOT_IN_GENERATE } },
  scenarioId: { name: 'scenario-id' },
  // Other modes and the inputs a batch sets itself are refused by checkBatch, before the mode is chosen.
  scenarioIds: { name: 'scenario-ids' },
  concurrency: { name: 'concurrency', default: '3' },
  requestBody: { name: 'request-body', refused: { poll: STARTS_NOTHING } },
  apply: { name: 'apply', default: 'false' },
  timeout: { name: 'timeout', default: '10m' },
  pollInterval: { name: 'poll-interval', default: '1.25s' },
  maxPollInterval: { name: 'max-poll-interval', default: '25s' },
  apiUrl: { name: 'api-url', default: 'https://api.cekura.ai' },
  failOnError: { name: 'fail-on-error', default: 'true' },
  summary: { name: 'summary', default: 'true' },
  prComment: { name: 'pr-comment', default: 'false' },
  githubToken: { name: 'github-token' },
  commentHeader: { name: 'comment-header' },
  commentMode: { name: 'comment-mode', default: 'update' },
  prNumber: { name: 'pr-number' },
  matrix: { name: 'matrix' }
} as const satisfies Record<string, InputDeclaration>

type InputKey = keyof typeof DECLARATIONS

/** Input names, as action.yml declares them. */
export const INPUT = Object.fromEntries(Object.entries(DECLARATIONS).map(([key, input]) => [key, input.name])) as {
  readonly [K in InputKey]: (typeof DECLARATIONS)[K]['name']
}

/** The same defaults as action.yml, for runs that leave an input unset (tests, the demo). */
export const DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(DECLARATIONS as Record<string, InputDeclaration>).flatMap(input =>
    input.default === undefined ? [] : [[input.name, input.default]]
  )
)

export interface Settings {
  apiKey: string
  job: Job
  /** The scenario the job is about, when known; `apply` writes the text into it. */
  scenarioId?: number
  /**
   * A batch: one improve job (settings.job, without a current text) per scenario, in this order; each
   * scenario's agent and text are read from Cekura. Undefined for a single job.
   */
  scenarioIds?: number[]
  /** How many jobs of a batch run at once. */
  concurrency: number
  /** The Cekura project of the job, when given: the tenant scope of every progress request. */
  projectId?: number
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
  /** Keeps this step's comment apart from others on the same pull request; '' for the job's own. */
  commentHeader: string
  /** What happens to our earlier comment: edit, replace, hide and replace, or delete. */
  commentMode: CommentMode
  /** The pull request to comment on, instead of the one the event names (or the commit's). */
  prNumber?: number
  /** The job's matrix as `toJSON(matrix)` gives it ('null' outside a matrix, '' when not evaluated): each leg keeps its own comment. */
  matrix: string
}

export class InputError extends Error {
  override name = 'InputError'
}

/** How parseInputs reaches the workspace; tests give their own. */
export interface InputContext {
  workspace: string
  readFile: (path: string) => string
}

const MAX_TIMEOUT_MS = 6 * 3_600_000
const MAX_BATCH = 100
const MAX_CONCURRENCY = 10
/** Less could not even carry one request and its answer. */
const MIN_TIMEOUT_MS = 1000
const MIN_POLL_INTERVAL_MS = 100
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])
const DURATION_FORM = 'a number of seconds (600) or a duration with units ms, s, m, h (90s, 1m30s, 1h)'

type Reader = (key: InputKey) => string

/** Turns raw input text into settings, or throws an InputError naming the input and the form it expects. */
export function parseInputs(read: (name: string) => string, context: InputContext): Settings {
  const get: Reader = key => {
    const input: InputDeclaration = DECLARATIONS[key]
    const raw = read(input.name).trim()
    return raw === '' ? (input.default ?? '') : raw
  }

  const apiKey = get('apiKey')
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

  const timeoutMs = duration('timeout', get)
  if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
    throw new InputError(`Input '${INPUT.timeout}' must be at least 1s and at most 6h, got '${get('timeout')}'.`)
  }
  const pollIntervalMs = duration('pollInterval', get)
  const maxPollIntervalMs = duration('maxPollInterval', get)
  if (pollIntervalMs < MIN_POLL_INTERVAL_MS) {
    throw new InputError(`Input '${INPUT.pollInterval}' must be at least 100ms, got '${get('pollInterval')}'.`)
  }
  if (maxPollIntervalMs > MAX_TIMEOUT_MS) {
    throw new InputError(`Input '${INPUT.maxPollInterval}' must be at most 6h, got '${get('maxPollInterval')}'.`)
  }
  if (pollIntervalMs > maxPollIntervalMs) {
    throw new InputError(
      `Input '${INPUT.pollInterval}' (${formatDuration(pollIntervalMs)}) must not be above '${INPUT.maxPollInterval}' (${formatDuration(maxPollIntervalMs)}).`
    )
  }

  const settings: Settings = {
    apiKey,
    job: parseJob(get, context),
    apply: boolean('apply', get),
    timeoutMs,
    pollIntervalMs,
    maxPollIntervalMs,
    apiUrl: apiUrl(get('apiUrl')),
    failOnError: boolean('failOnError', get),
    summary: boolean('summary', get),
    prComment: boolean('prComment', get),
    githubToken: get('githubToken'),
    commentHeader: commentHeader(get('commentHeader')),
    concurrency: concurrency(get('concurrency')),
    commentMode: commentMode(get('commentMode')),
    matrix: get('matrix')
  }
  if (get('scenarioId') !== '') settings.scenarioId = positiveInteger('scenarioId', get)
  if (get('scenarioIds') !== '') settings.scenarioIds = scenarioIds(get('scenarioIds'))
  if (get('prNumber') !== '') settings.prNumber = pullRequestNumber(get('prNumber'))
  if (get('projectId') !== '') settings.projectId = positiveInteger('projectId', get)
  if (settings.apply && settings.scenarioId === undefined && settings.scenarioIds === undefined) {
    throw new InputError(`Input '${INPUT.apply}' needs '${INPUT.scenarioId}': the scenario to write the new instructions into.`)
  }
  return settings
}

/** The mode given, or inferred from which inputs are set. */
function modeOf(get: Reader): Mode | undefined {
  const given = (key: InputKey): boolean => get(key) !== ''
  const text = get('mode').toLowerCase()
  if (text !== '' && !(MODES as readonly string[]).includes(text)) {
    throw new InputError(`Input '${INPUT.mode}' must be one of ${MODES.join(', ')} (or empty to infer it), got '${get('mode')}'.`)
  }
  if (text !== '') return text as Mode
  if (given('progressId')) return 'poll'
  if (given('scenarioId') || given('scenarioIds') || given('currentInstructions') || given('currentInstructionsFile')) return 'improve'
  return given('agentId') ? 'generate' : undefined
}

/** Refuses the inputs set that the mode does not take, and asks for those it needs, as the declarations say. */
function checkFitsMode(mode: Mode, get: Reader): void {
  const declared = Object.entries(DECLARATIONS) as Array<[InputKey, InputDeclaration]>
  const refused = declared.filter(([key, input]) => input.refused?.[mode] !== undefined && get(key) !== '')
  const why = refused[0]?.[1].refused?.[mode]
  if (why !== undefined) {
    const names = refused.filter(([, input]) => input.refused?.[mode] === why).map(([, input]) => `'${input.name}'`)
    throw new InputError(`${names.join(' and ')} ${names.length > 1 ? 'do' : 'does'} not fit mode '${mode}': ${why}`)
  }
  for (const [key, input] of declared) {
    if (input.needed?.in.includes(mode) && get(key) === '') {
      throw new InputError(`Input '${input.name}' is required in mode ${mode}: ${input.needed.what}`)
    }
  }
}

/** The mode the inputs give or imply, or undefined when they do not say (or say something invalid); never throws. */
export function modeFromInputs(read: (name: string) => string): Mode | undefined {
  try {
    return modeOf(key => read(DECLARATIONS[key].name).trim())
  } catch {
    // Inputs that name no valid mode, or cannot be read: none.
  }
  return undefined
}

/** What a batch (scenario-ids) cannot be combined with, and why. */
const NOT_IN_BATCH: Array<[InputKey, string]> = [
  ['scenarioId', "a batch takes its scenarios from 'scenario-ids' only; list this one there too."],
  ['progressId', "a batch starts one new job per scenario; follow a job started elsewhere in a step of its own, with 'progress-id' alone."],
  ['currentInstructions', "a batch improves each scenario's own stored instructions, read from Cekura."],
  ['currentInstructionsFile', "a batch improves each scenario's own stored instructions, read from Cekura."]
]

/** Refuses what a batch cannot be combined with, before anything else is read. */
function checkBatch(get: Reader): void {
  if (get('scenarioIds') === '') return
  const clash = NOT_IN_BATCH.find(([key]) => get(key) !== '')
  if (clash !== undefined) {
    throw new InputError(`Input '${INPUT.scenarioIds}' cannot be combined with '${INPUT[clash[0]]}': ${clash[1]}`)
  }
  const mode = get('mode').toLowerCase()
  if ((MODES as readonly string[]).includes(mode) && mode !== 'improve') {
    throw new InputError(
      `Input '${INPUT.scenarioIds}' cannot be combined with mode '${mode}': a batch improves the stored instructions of each scenario ` +
        `listed, so its mode is improve (or empty).`
    )
  }
}

/** Picks the mode and checks that the inputs fit it. */
function parseJob(get: Reader, context: InputContext): Job {
  checkBatch(get)
  const mode = modeOf(get)
  if (mode === undefined) {
    throw new InputError(
      `Nothing to do: set '${INPUT.progressId}' to follow a job started elsewhere, '${INPUT.agentId}' and ` +
        `'${INPUT.extraInstructions}' to generate instructions, or '${INPUT.scenarioId}' (or '${INPUT.currentInstructions}') ` +
        `and '${INPUT.extraInstructions}' to improve them.`
    )
  }
  if (get('currentInstructions') !== '' && get('currentInstructionsFile') !== '') {
    throw new InputError(
      `Inputs '${INPUT.currentInstructions}' and '${INPUT.currentInstructionsFile}' are both set: give the text to improve one way only.`
    )
  }
  checkFitsMode(mode, get)

  if (mode === 'poll') {
    const progressId = get('progressId')
    if (/[\r\n]/.test(progressId) || progressId.length > 200) {
      throw new InputError(
        `Input '${INPUT.progressId}' must be a single line of at most 200 characters, got ${JSON.stringify(progressId.slice(0, 60))}.`
      )
    }
    return get('agentId') === '' ? { mode, progressId } : { mode, progressId, agentId: positiveInteger('agentId', get) }
  }

  const extraInstructions = get('extraInstructions')
  const requestBody = parseRequestBody(get('requestBody'))
  if (mode === 'generate') {
    const job: Job = { mode, agentId: positiveInteger('agentId', get), extraInstructions, requestBody }
    clashes(job, requestBody)
    return job
  }

  const currentInput = (['currentInstructions', 'currentInstructionsFile'] as const).find(key => get(key) !== '')
  const job: Job = {
    mode,
    extraInstructions,
    requestBody,
    ...(get('agentId') !== '' ? { agentId: positiveInteger('agentId', get) } : {}),
    ...(currentInput === 'currentInstructions'
      ? { currentInstructions: get(currentInput), currentInstructionsInput: INPUT.currentInstructions }
      : {}),
    ...(currentInput === 'currentInstructionsFile'
      ? { currentInstructions: readWorkspaceFile(get(currentInput), context), currentInstructionsInput: INPUT.currentInstructionsFile }
      : {}),
    // In a batch each scenario's own text is sent; a field error about it names the list.
    ...(get('scenarioIds') !== '' ? { currentInstructionsInput: INPUT.scenarioIds } : {})
  }
  if (get('scenarioId') === '' && get('scenarioIds') === '' && job.agentId === undefined) {
    throw new InputError(`Mode improve needs '${INPUT.agentId}', or '${INPUT.scenarioId}' to read the agent from the scenario.`)
  }
  clashes(job, requestBody)
  return job
}

/** Fields our own inputs send may not come from request-body too: one of the two would be lost. */
function clashes(job: Job, requestBody: Record<string, unknown>): void {
  const ours: Record<string, string> = { agent: INPUT.agentId, extra_instructions: INPUT.extraInstructions }
  if (job.mode === 'improve') ours.current_instructions = job.currentInstructionsInput ?? INPUT.scenarioId
  // The keys are the user's: only our own fields count, never Object.prototype's (`constructor`).
  const both = Object.keys(requestBody).filter(key => Object.hasOwn(ours, key))
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
    throw new InputError(`Input '${INPUT.requestBody}' must be a JSON object such as {"name": "Impatient caller"}: ${errorMessage(error)}.`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(
      `Input '${INPUT.requestBody}' must be a JSON object such as {"name": "Impatient caller"}, got ${Array.isArray(parsed) ? 'an array' : `a ${parsed === null ? 'null' : typeof parsed}`}.`
    )
  }
  return parsed as Record<string, unknown>
}

/** A list of scenario ids: whole numbers separated by commas, spaces or new lines, each once. */
function scenarioIds(text: string): number[] {
  const name = INPUT.scenarioIds
  const parts = text.split(/[\s,]/).filter(part => part !== '')
  const form = 'Cekura scenario ids (whole numbers such as 1234) separated by commas, spaces or new lines'
  if (parts.length === 0) throw new InputError(`Input '${name}' must list ${form}, got '${text}'.`)
  const bad = parts.find(part => !/^\d+$/.test(part) || Number(part) < 1 || !Number.isSafeInteger(Number(part)))
  if (bad !== undefined) throw new InputError(`Input '${name}' must list ${form}; '${bad.slice(0, 40)}' is not one.`)
  const ids = parts.map(Number)
  const twice = ids.find((id, index) => ids.indexOf(id) !== index)
  if (twice !== undefined) throw new InputError(`Input '${name}' lists scenario ${twice} more than once; list each scenario once.`)
  if (ids.length > MAX_BATCH) {
    throw new InputError(
      `Input '${name}' lists ${ids.length} scenarios; a batch takes at most ${MAX_BATCH}. Split the list over several steps.`
    )
  }
  return ids
}

function concurrency(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_CONCURRENCY) {
    throw new InputError(`Input '${INPUT.concurrency}' must be a whole number from 1 to ${MAX_CONCURRENCY}, got '${text}'.`)
  }
  return Number(text)
}

function positiveInteger(key: InputKey, get: Reader): number {
  const text = get(key)
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InputError(`Input '${INPUT[key]}' must be a positive whole number (a Cekura id such as 1234), got '${text}'.`)
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

function duration(key: InputKey, get: Reader): number {
  const ms = parseDuration(get(key))
  if (ms === undefined) throw new InputError(`Input '${INPUT[key]}' must be ${DURATION_FORM}, got '${get(key)}'.`)
  return ms
}

function boolean(key: InputKey, get: Reader): boolean {
  const text = get(key)
  // The same words the toolkit's getBooleanInput accepts.
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`Input '${INPUT[key]}' must be true or false, got '${text}'.`)
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
    throw new InputError(`Input '${INPUT.apiUrl}' must use https (plain http only for 127.0.0.1, ::1 or localhost), got '${text}'.`)
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
    throw new InputError(
      `Input '${INPUT.commentHeader}' must be a single line of at most 100 characters, got ${JSON.stringify(text.slice(0, 60))}.`
    )
  }
  return text
}

function commentMode(text: string): CommentMode {
  const mode = text.toLowerCase()
  if (!(COMMENT_MODES as readonly string[]).includes(mode)) {
    throw new InputError(`Input '${INPUT.commentMode}' must be one of ${COMMENT_MODES.join(', ')}, got '${text}'.`)
  }
  return mode as CommentMode
}

function pullRequestNumber(text: string): number {
  // A leading '#' is what people copy from the page; accept it.
  const digits = text.startsWith('#') ? text.slice(1) : text
  if (!/^\d+$/.test(digits) || Number(digits) < 1 || !Number.isSafeInteger(Number(digits))) {
    throw new InputError(`Input '${INPUT.prNumber}' must be a pull request number (a whole number such as 42), got '${text}'.`)
  }
  return Number(digits)
}
