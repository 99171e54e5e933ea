import { formatDuration } from './duration.js'
import type { Outcome } from './poll.js'
import { codeCell, collapsible, countLines, escapeHtml, fitEscaped, preBlock } from './render.js'
import { STATUS_LABEL } from './summary.js'

/** GitHub rejects a comment body longer than this. */
export const COMMENT_LIMIT_CHARS = 65_536
/**
 * What a rendered comment stays under, in UTF-8 bytes (never fewer than characters, however GitHub
 * counts them). The margin absorbs the little text added around the budgeted parts.
 */
export const COMMENT_TARGET_BYTES = 60_000

/** Texts longer than this are collapsed, as in the job summary. */
const COLLAPSE_LINES = 30
const COLLAPSE_CHARS = 3000
/** Budgets for the parts other than the instructions, so that a huge one cannot crowd them out. */
const ERROR_BUDGET_BYTES = 4000
const EXPECTED_BUDGET_BYTES = 8000
const DIFF_BUDGET_BYTES = 16_000
/** Room for headings, collapsible wrappers, truncation notes and the footer. */
const FRAME_RESERVE_BYTES = 3000
const MAX_SHOWN_HEADER = 100

export const MARKER_NAME = 'cekura-instructions-action'

export interface CommentContext {
  /** The comment-header input: a key so several steps keep separate comments on one PR. */
  header: string
  /** The workflow run, from workflowRunUrl(); the full text is in its job summary. */
  runUrl?: string
  /** How the job was started ('generate', 'improve', ...), shown when given. */
  mode?: string
  /** A unified diff from the previous instructions to the new ones (for improve), shown when given. */
  diff?: string
}

/**
 * The hidden line that lets a later run find this comment again. Characters that could end the HTML
 * comment early (`>`, `!`, line breaks) are percent-encoded, so no header can break out of it.
 */
export function commentMarker(header: string): string {
  const key = header.trim() === '' ? 'default' : header.trim()
  const safe = Array.from(key, char =>
    /^[A-Za-z0-9 ._~:/@+=,()-]$/.test(char)
      ? char
      : Array.from(Buffer.from(char, 'utf8'), byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  ).join('')
  return `<!-- ${MARKER_NAME}:${safe} -->`
}

/** The run's page, from the variables the runner sets; undefined when they are missing or odd. */
export function workflowRunUrl(env: Record<string, string | undefined>): string | undefined {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY ?? ''
  const runId = env.GITHUB_RUN_ID ?? ''
  if (!/^https?:\/\/[^\s/?#()<>|]+(\/[^\s?#()<>|]*)?$/.test(server)) return undefined
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) || !/^\d+$/.test(runId)) return undefined
  return `${server}/${repository}/actions/runs/${runId}`
}

/**
 * GitHub ignores `@mentions` and `#123` / `GH-123` references inside `<pre>` and code, which is where
 * the texts go. This is a second line of defence, in the comment's copy only (outputs, file and
 * summary keep the exact text): a zero-width joiner after `@`, `#` and `GH-` means that even if some
 * renderer did scan the text, no one is notified and no issue gets a cross-reference from generated
 * text. The text still reads the same.
 */
export function defang(text: string): string {
  return text.replace(/[@#]/g, '$&\u200D').replace(/\b(GH)-(?=\d)/gi, '$1-\u200D')
}

function defangGrowth(text: string): number {
  return Buffer.byteLength(defang(text)) - Buffer.byteLength(text)
}

/**
 * The longest start of `text` whose defanged, escaped form fits in `maxBytes`. The second pass takes
 * off what defanging adds to the first cut, so the result always fits and is rarely much shorter.
 */
function fitDefanged(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const first = fitEscaped(text, Math.max(0, maxBytes))
  const growth = defangGrowth(first.text)
  if (growth === 0) return first
  return fitEscaped(text, Math.max(0, maxBytes - growth))
}

function escapedSize(text: string): number {
  return Buffer.byteLength(escapeHtml(defang(text)))
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function whereWhole(runUrl: string | undefined, output: string): string {
  const run = runUrl === undefined ? 'the workflow run' : `[the workflow run](${runUrl})`
  return `the job summary of ${run} and in the step's \`${output}\` output`
}

function cutNote(shown: number, total: number, where: string): string {
  return (
    `\n\n> [!NOTE]\n> Cut here: this comment shows the first ${shown} of ${total} characters, ` +
    `as GitHub limits a comment to ${COMMENT_LIMIT_CHARS.toLocaleString('en-US')} characters. The whole text is in ${where}.`
  )
}

function textSection(title: string, text: string, maxBytes: number, where: string): string {
  const fitted = fitDefanged(text, maxBytes)
  const lines = countLines(text)
  const label = `${title} (${plural(lines, 'line')}, ${plural(text.length, 'character')})`
  let block = preBlock(defang(fitted.text))
  if (fitted.truncated) block += cutNote(fitted.text.length, text.length, where)
  const long = lines > COLLAPSE_LINES || text.length > COLLAPSE_CHARS
  return `### ${title}\n\n${long ? collapsible(label, block, false) : block}\n`
}

/**
 * A diff goes in a fenced `diff` block so that GitHub colours it. Code blocks show their text
 * literally; the fence is longer than any run of backticks in the text, so nothing can close it early.
 */
function diffSection(diff: string, maxBytes: number, runUrl: string | undefined): string {
  const fitted = fitDefanged(diff, maxBytes)
  // Whole lines only: half a line would read as a wrong change.
  const cut = fitted.truncated && fitted.text.includes('\n') ? fitted.text.slice(0, fitted.text.lastIndexOf('\n')) : fitted.text
  const shown = defang(cut)
  const longestRun = Math.max(0, ...Array.from(shown.matchAll(/`+/g), match => match[0].length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  let block = `${fence}diff\n${shown}\n${fence}`
  if (fitted.truncated) block += cutNote(cut.length, diff.length, `the job summary of ${runUrl === undefined ? 'the workflow run' : `[the workflow run](${runUrl})`}`)
  const lines = countLines(diff)
  const label = `Changes (${plural(lines, 'line')})`
  return `### Changes\n\n${collapsible(label, block, lines <= COLLAPSE_LINES)}\n`
}

/**
 * The pull-request comment for one ending, as Markdown: a sibling of the job summary, led by the
 * hidden marker that finds it again. Pure: the caller posts it.
 */
export function renderComment(outcome: Outcome, context: CommentContext): string {
  const header = context.header.trim()
  const shownHeader = header.length > MAX_SHOWN_HEADER ? `${header.slice(0, MAX_SHOWN_HEADER)}…` : header
  const title = `## Cekura scenario instructions${header === '' ? '' : ` (${escapeHtml(defang(shownHeader))})`}: ${STATUS_LABEL[outcome.status]}\n`

  const rows = [
    '| | |',
    '| --- | --- |',
    `| Progress id | ${codeCell(defang(outcome.progressId))} |`,
    `| Status | ${outcome.status} |`,
    `| Elapsed | ${formatDuration(outcome.elapsedMs)} |`,
    `| Polls | ${outcome.polls} |`
  ]
  if (context.mode !== undefined && context.mode !== '') rows.push(`| Mode | ${codeCell(defang(context.mode))} |`)
  if (context.runUrl !== undefined) rows.push(`| Workflow run | [${context.runUrl.replace(/^.*\/runs\//, 'run ')}](${context.runUrl}) |`)

  const parts: string[] = [commentMarker(header), title, rows.join('\n') + '\n']
  if (outcome.error !== '') {
    const error = fitDefanged(outcome.error, ERROR_BUDGET_BYTES)
    parts.push(`### Error\n\n${preBlock(defang(error.text) + (error.truncated ? ' …' : ''))}\n`)
  }

  const diff = context.diff ?? ''
  const expectedBudget = Math.min(escapedSize(outcome.expectedOutcome), EXPECTED_BUDGET_BYTES)
  const diffBudget = Math.min(escapedSize(diff), DIFF_BUDGET_BYTES)
  const footer =
    `<sub>Posted by the Cekura Scenario Instructions action` +
    `${context.runUrl === undefined ? '' : ` from [this workflow run](${context.runUrl})`}; later runs update this comment in place.</sub>\n`

  const fixed = Buffer.byteLength(parts.join('\n')) + Buffer.byteLength(footer)
  if (outcome.status === 'completed') {
    const instructionsBudget = COMMENT_TARGET_BYTES - FRAME_RESERVE_BYTES - fixed - expectedBudget - diffBudget
    parts.push(textSection('Instructions', outcome.instructions, instructionsBudget, whereWhole(context.runUrl, 'instructions')))
  }
  if (diff !== '') parts.push(diffSection(diff, diffBudget, context.runUrl))
  if (outcome.expectedOutcome !== '') {
    parts.push(textSection('Expected outcome', outcome.expectedOutcome, expectedBudget, whereWhole(context.runUrl, 'expected-outcome')))
  }
  parts.push(footer)
  return parts.join('\n')
}
