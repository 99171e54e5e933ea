import type { CommentMode, Report } from '../base/types.js'
import { cellText, fitShown, headingText, preBlock, textSection } from './markdown.js'
import { diffSection, factsTable, STATUS_LABEL } from './sections.js'

/** GitHub rejects a comment body longer than this. */
export const COMMENT_LIMIT_CHARS = 65_536
/**
 * What a rendered comment stays under, in UTF-8 bytes (never fewer than characters, however GitHub
 * counts them). The margin absorbs the little text added around the budgeted parts.
 */
export const COMMENT_TARGET_BYTES = 60_000

/** Caps for the parts other than the instructions, so that a huge one cannot crowd them out. */
const ERROR_BYTES = 4000
const REQUEST_BYTES = 4000
const EXPECTED_BYTES = 8000
const DIFF_BYTES = 16_000
/** Room for the instructions heading, its collapsible wrapper and its truncation note. */
const FRAME_RESERVE_BYTES = 1500
const MAX_SHOWN_HEADER = 100
// Written out rather than formatted with toLocaleString, which would start ICU on every run (~20 ms).
const LIMIT = 'GitHub limits a comment to 65,536 characters'

export const MARKER_NAME = 'cekura-instructions-action'

/** Which comment is this run's, and what its heading says about it. */
export interface CommentKey {
  /** The hidden first line of every comment with this key. */
  marker: string
  /**
   * First lines that earlier versions of the action wrote for the same comment: the default comment
   * was one per pull request before its key named the job.
   */
  legacyMarkers: readonly string[]
  /** Shown in the heading after the title ('' for none): the header, or the matrix leg's values. */
  label: string
  /** This run is one leg of a matrix: its sibling legs run at the same time under the same job. */
  matrixLeg: boolean
}

export interface CommentKeySource {
  /** The comment-header input. */
  header: string
  /** The job's id (GITHUB_JOB); '' when unknown. */
  job?: string | undefined
  /** The matrix input: the job's matrix as `toJSON(matrix)` gives it ('null' outside a matrix). */
  matrix?: string | undefined
}

export interface CommentContext {
  /** The comment-header input: a key so several steps keep separate comments on one PR. */
  header: string
  /** The whole key; by default the one of `header` alone, as commentMarker gives it. */
  key?: CommentKey | undefined
  /** The comment-mode input, for the line that says what later runs do. */
  mode?: CommentMode | undefined
  /** The job's id, named in the last line when the comment is the job's own (no comment-header). */
  job?: string | undefined
  /** The workflow run, from workflowRunUrl(); the whole text is in its job summary. */
  runUrl?: string | undefined
}

/** Percent-encodes what could end the HTML comment early (`>`, `!`, line breaks) and what the default key uses (`;`). */
function encodeKey(key: string): string {
  return Array.from(key, char =>
    /[A-Za-z0-9 ._~:/@+=,()-]/.test(char)
      ? char
      : Array.from(Buffer.from(char, 'utf8'), byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  ).join('')
}

/**
 * The hidden first line that lets a later run find a comment with this header again. No header can
 * break out of it, and none can spell a default key (those use `;`, which a header's encoding never leaves bare).
 */
export function commentMarker(header: string): string {
  const key = header.trim() === '' ? 'default' : header.trim()
  return `<!-- ${MARKER_NAME}:${encodeKey(key)} -->`
}

/**
 * A 64-bit digest of a text as 16 hex digits: two 32-bit lanes of FNV-1a over the UTF-16 code units,
 * the second seeded differently and stirred with the first. Not for secrecy: it only tells texts apart,
 * without loading node:crypto into every run.
 */
export function digest(text: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    a = Math.imul(a ^ code, 0x01000193)
    b = Math.imul(b ^ code, 0x01000193) ^ (a >>> 15)
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')
}

/** Object keys sorted at every level, so that the same matrix leg always reads the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * The leg of a matrix this run is, from the matrix input: its identity (stable while the leg's values
 * stay the same) and how the heading names it. Undefined outside a matrix, and when a runner left the
 * default's expression unevaluated.
 */
function matrixLeg(matrix: string | undefined): { id: string; label: string } | undefined {
  const text = (matrix ?? '').trim()
  if (text === '' || text === 'null' || text.startsWith('${{')) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // Not JSON: a value the workflow chose, such as `${{ matrix.os }}`; it is its own name.
    return { id: digest(text), label: text }
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const entries = Object.entries(parsed as Record<string, unknown>)
    if (entries.length === 0) return undefined
    const label = entries.map(([name, value]) => `${name}: ${typeof value === 'string' ? value : canonicalJson(value)}`).join(', ')
    return { id: digest(canonicalJson(parsed)), label }
  }
  return parsed === null ? undefined : { id: digest(canonicalJson(parsed)), label: typeof parsed === 'string' ? parsed : text }
}

/**
 * The key of this run's comment. A comment-header is the whole key, as it always was. Without one the
 * key is the job's, and each leg of a matrix has its own, so that jobs and legs keep separate comments
 * without anyone setting a header; the default comment of earlier versions (one per pull request) is
 * named as the legacy marker, so that it can be found and taken over.
 */
export function commentKey(source: CommentKeySource): CommentKey {
  const header = source.header.trim()
  if (header !== '') return { marker: commentMarker(header), legacyMarkers: [], label: header, matrixLeg: false }
  const job = (source.job ?? '').trim()
  const leg = matrixLeg(source.matrix)
  const legacy = commentMarker('')
  if (job === '' && leg === undefined) return { marker: legacy, legacyMarkers: [], label: '', matrixLeg: false }
  const parts = ['default', ...(job === '' ? [] : [`job=${encodeKey(job)}`]), ...(leg === undefined ? [] : [`leg=${leg.id}`])]
  return {
    marker: `<!-- ${MARKER_NAME}:${parts.join(';')} -->`,
    legacyMarkers: [legacy],
    label: leg?.label ?? '',
    matrixLeg: leg !== undefined
  }
}

const FINGERPRINT = new RegExp(`^<!-- ${MARKER_NAME} content=([0-9a-f]{16}) -->$`)

/**
 * The content fingerprint a comment we wrote carries on its second line: a digest of everything but
 * the run's own facts (elapsed time, polls, the run's link). Undefined for other comments, and for
 * ours from versions that wrote none.
 */
export function commentFingerprint(body: string): string | undefined {
  const lines = body.split('\n', 3)
  return FINGERPRINT.exec(lines[1] ?? '')?.[1]
}

/** The run's page, from the variables the runner sets; undefined when they are missing or odd. */
export function workflowRunUrl(env: Record<string, string | undefined>): string | undefined {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY ?? ''
  const runId = env.GITHUB_RUN_ID ?? ''
  // Only characters that cannot end a Markdown link or a table cell.
  if (!/^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._~%/-]*)?$/.test(server)) return undefined
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) || !/^\d+$/.test(runId)) return undefined
  return `${server}/${repository}/actions/runs/${runId}`
}

/**
 * GitHub ignores `@mentions` and `#123` / `GH-123` references inside `<pre>` and code blocks, which
 * is where the texts go. This is a second line of defence, in the comment's copy only (the outputs,
 * the file and the job summary keep the exact text): a zero-width joiner after `@`, `#` and `GH-`
 * means that even a renderer that did scan the text would notify no one and add no cross-reference
 * to any issue. The text still reads the same.
 */
export function defang(text: string): string {
  return text.replace(/[@#]/g, '$&\u200D').replace(/\b(GH)-(?=\d)/gi, '$1-\u200D')
}

const LATER_RUNS: Record<CommentMode, string> = {
  update: 'later runs update this comment in place',
  recreate: 'later runs replace this comment with a new one',
  'hide-and-recreate': 'later runs hide this comment as outdated and post a new one',
  delete: 'later runs delete this comment'
}

/**
 * The pull-request comment for one ending, as Markdown: a sibling of the job summary, led by the
 * hidden marker that finds it again and the fingerprint of its content. Pure: the caller posts it.
 */
export function renderComment(report: Report, context: CommentContext): string {
  return fingerprinted(renderBody(report, context), renderBody(withoutRunFacts(report), { ...context, runUrl: undefined }))
}

/**
 * A report as every run of the same request would report it: no time taken, no polls, and no progress
 * id when the run started the job (each run starts its own; in poll mode the id is the input).
 */
export function withoutRunFacts<T extends Report>(report: T): T {
  // Stryker disable next-line StringLiteral: any constant would do; fingerprints are only compared with each other
  const progressId = report.mode === 'poll' ? report.outcome.progressId : ''
  return { ...report, outcome: { ...report.outcome, elapsedMs: 0, polls: 0, progressId } }
}

/**
 * A comment with the fingerprint on its second line, after the marker. `neutral` is the same comment
 * rendered without the run's own facts (withoutRunFacts, no run link): what a re-run compares to decide
 * whether anything changed.
 */
export function fingerprinted(body: string, neutral: string): string {
  const [marker, ...rest] = body.split('\n')
  return [marker, `<!-- ${MARKER_NAME} content=${digest(neutral)} -->`, ...rest].join('\n')
}

/** The comment's last line: who posted it, from which run, and what later runs do to it. */
export function commentFooter(run: string, mode: CommentMode | undefined, job?: string): string {
  return `<sub>Posted by the Cekura Scenario Instructions action from ${job === undefined ? '' : `job ${cellText(job)} of `}${run}; ${LATER_RUNS[mode ?? 'update']}.</sub>\n`
}

/**
 * The parts every comment starts with, a single job's or a batch's: the key's marker, the heading with
 * the key's label, the facts table with a row for the run, and the error when there is one.
 */
export function commentHead(context: CommentContext, statusLine: string, facts: string, error: string): string[] {
  const key = context.key ?? commentKey({ header: context.header })
  const label = key.label.trim().replace(/\s+/g, ' ')
  const shown = label.length > MAX_SHOWN_HEADER ? `${label.slice(0, MAX_SHOWN_HEADER)}…` : label
  const runRow =
    context.runUrl === undefined
      ? ''
      : `| Workflow run | [run ${context.runUrl.slice(context.runUrl.lastIndexOf('/') + 1)}](${context.runUrl}) |\n`
  const head = [
    key.marker,
    `## Cekura scenario instructions${shown === '' ? '' : ` (${headingText(shown)})`}: ${statusLine}\n`,
    facts + runRow
  ]
  if (error !== '') {
    const fitted = fitShown(error, ERROR_BYTES, defang)
    head.push(`### Error\n\n${preBlock(defang(fitted.text) + (fitted.truncated ? ' …' : ''))}\n`)
  }
  return head
}

function renderBody(report: Report, context: CommentContext): string {
  const { outcome } = report
  const run = context.runUrl === undefined ? 'the workflow run' : `[the workflow run](${context.runUrl})`
  const job = context.header.trim() === '' && context.job !== undefined && context.job.trim() !== '' ? context.job.trim() : undefined
  const whereWhole = (output: string): string => `the job summary of ${run} and in the step's \`${output}\` output`

  const head = commentHead(
    context,
    STATUS_LABEL[outcome.status],
    factsTable({ ...report, outcome: { ...outcome, progressId: defang(outcome.progressId) } }, undefined),
    outcome.error
  )
  if (report.extraInstructions !== undefined) {
    head.push(
      textSection('Request', report.extraInstructions, REQUEST_BYTES, {
        whereWhole: 'the extra-instructions input',
        limit: LIMIT,
        show: defang
      })
    )
  }

  // The parts after the instructions are made first, so the instructions get whatever room is left.
  const tail: string[] = []
  if (outcome.status === 'completed' && report.currentInstructions !== undefined) {
    // Defanging line by line keeps equal lines equal, so the diff is the same diff.
    tail.push(diffSection(defang(report.currentInstructions), defang(outcome.instructions), DIFF_BYTES))
  }
  if (outcome.expectedOutcome !== '') {
    tail.push(
      textSection('Expected outcome', outcome.expectedOutcome, EXPECTED_BYTES, {
        whereWhole: whereWhole('expected-outcome'),
        limit: LIMIT,
        show: defang
      })
    )
  }
  tail.push(commentFooter(run, context.mode, job))

  const body: string[] = [...head]
  if (outcome.status === 'completed') {
    const used = Buffer.byteLength([...head, ...tail].join('\n'))
    const room = COMMENT_TARGET_BYTES - FRAME_RESERVE_BYTES - used
    body.push(
      textSection('Instructions', outcome.instructions, room, { whereWhole: whereWhole('instructions'), limit: LIMIT, show: defang })
    )
  }
  return [...body, ...tail].join('\n')
}
