import { stringifyJson } from '../base/json.js'

/** What one progress response says about the job, read tolerantly (see the API notes in the README). */
export interface JobProgress {
  state: 'running' | 'completed' | 'failed' | 'cancelled'
  /** The status word exactly as the API sent it, when it sent one. */
  rawStatus?: string
  instructions?: string
  expectedOutcome?: string
  /** The job's own error text (or question, when it waits for a person), when it failed. */
  error?: string
  /** A `needs_*` status: the job waits for a person and cannot finish on its own. */
  waitsForPerson?: boolean
  /** The status word, when the action does not know it (the job is taken to be still running). */
  unknownStatus?: string
  stage?: string
  /** 0–100 */
  percent?: number
}

const SUCCESS = new Set(['completed', 'complete', 'succeeded', 'success', 'done'])
const CANCELLED = new Set(['cancelled', 'canceled'])
const FAILURE = new Set(['failed', 'error', 'errored', 'timeout', 'timed_out'])
/** Words sibling endpoints use for a job still on its way; any other word is logged as unknown. */
const RUNNING = new Set(['queued', 'pending', 'processing', 'in_progress', 'running', 'started', 'created', 'scheduled'])
/** needs_clarification, needs_agent_clarification, ...: the job waits for a person. */
const NEEDS_PERSON = /^needs_/

/** Where a finished job's text may sit, in the order it is looked for (see the API notes in the README). */
const TEXT_PATHS = [
  ['instructions'],
  ['result', 'instructions'],
  ['scenario', 'instructions'],
  ['data', 'instructions'],
  ['improved_instructions'],
  ['generated_instructions']
] as const
const EXPECTED_PATHS = [
  ['expected_outcome_prompt'],
  ['result', 'expected_outcome_prompt'],
  ['scenario', 'expected_outcome_prompt'],
  ['data', 'expected_outcome_prompt'],
  ['expected_outcome']
] as const

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The first path holding a string with more than white space in it. */
function firstText(body: Json, paths: ReadonlyArray<readonly string[]>): string | undefined {
  for (const path of paths) {
    let value: unknown = body
    for (const key of path) value = isObject(value) ? value[key] : undefined
    if (typeof value === 'string' && value.trim() !== '') return value
  }
  return undefined
}

/** A status or stage word is cut to this length: it goes on every poll's log line. */
export const MAX_WORD_CHARS = 200
/** describeError looks this deep into lists and objects, then shows the rest as JSON. */
const MAX_ERROR_DEPTH = 4

function clipWord(text: string): string {
  return text.length > MAX_WORD_CHARS ? `${text.slice(0, MAX_WORD_CHARS)}…` : text
}

/** Turns an error field of any shape (string, {message}, {detail}, list) into one line of text, at any depth. */
export function describeError(value: unknown, depth = 0): string | undefined {
  if (value === null || value === undefined || value === '') return undefined
  if (typeof value === 'string') return value
  if (depth >= MAX_ERROR_DEPTH) return stringifyJson(value)
  if (Array.isArray(value)) {
    const parts = value.map(item => describeError(item, depth + 1)).filter((part): part is string => part !== undefined)
    return parts.length > 0 ? parts.join('; ') : undefined
  }
  // A number or boolean has none of these keys: it ends as JSON writes it (`42`, `false`).
  const record = value as Json
  for (const key of ['message', 'detail', 'error', 'reason']) {
    const text = describeError(record[key], depth + 1)
    if (text !== undefined) return text
  }
  return stringifyJson(value)
}

/** A number as JSON gives it, or as text: `40`, `0.4`, `40%`, `40 %`. Anything else is no number. */
function numberOf(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const text = value.trim().replace(/\s*%$/, '')
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined
}

function percentOf(body: Json): number | undefined {
  for (const key of ['progress', 'percentage', 'percent', 'progress_percentage']) {
    const number = numberOf(body[key])
    if (typeof number === 'number' && Number.isFinite(number) && number >= 0) {
      // A fraction (0.4) and a percentage (40) both occur in sibling endpoints.
      return key === 'progress' && number < 1 ? number * 100 : Math.min(number, 100)
    }
  }
  return undefined
}

function stageOf(body: Json): string | undefined {
  for (const key of ['stage', 'step', 'phase', 'message']) {
    const value = body[key]
    if (typeof value === 'string' && value.trim() !== '') return clipWord(value.trim())
  }
  return undefined
}

function errorOf(body: Json): string | undefined {
  return (
    describeError(body.error) ??
    describeError(body.detail) ??
    describeError(body.errors) ??
    (isObject(body.result) ? describeError(body.result.error) : undefined)
  )
}

export function readProgress(body: unknown): JobProgress {
  if (!isObject(body)) return { state: 'running' }
  const statusValue = body.status ?? body.state
  const rawStatus = typeof statusValue === 'string' ? statusValue : undefined
  // `In Progress`, `in-progress` and `in_progress` are one word.
  const word = rawStatus
    ?.trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')

  const progress: JobProgress = { state: 'running' }
  if (rawStatus !== undefined) progress.rawStatus = clipWord(rawStatus)
  const stage = stageOf(body)
  if (stage !== undefined) progress.stage = stage
  const percent = percentOf(body)
  if (percent !== undefined) progress.percent = percent

  if (word !== undefined && SUCCESS.has(word)) {
    progress.state = 'completed'
    const instructions = firstText(body, TEXT_PATHS)
    if (instructions !== undefined) progress.instructions = instructions
    const expected = firstText(body, EXPECTED_PATHS)
    if (expected !== undefined) progress.expectedOutcome = expected
  } else if (word !== undefined && NEEDS_PERSON.test(word)) {
    progress.state = 'failed'
    progress.waitsForPerson = true
    // The job's own words for what it needs: a question, or a message, before an error text.
    const said =
      describeError(body.question) ??
      describeError(body.clarification) ??
      describeError(body.clarification_question) ??
      describeError(body.message) ??
      errorOf(body)
    if (said !== undefined) progress.error = said
  } else if (word !== undefined && (FAILURE.has(word) || CANCELLED.has(word))) {
    progress.state = CANCELLED.has(word) ? 'cancelled' : 'failed'
    const error = errorOf(body) ?? describeError(body.message)
    if (error !== undefined) progress.error = error
  } else if (word !== undefined && word !== '' && !RUNNING.has(word)) {
    if (rawStatus !== undefined) progress.unknownStatus = rawStatus.trim()
  }
  return progress
}
