import type { Report } from '../base/types.js'
import { escapeHtml, fitShown, preBlock, textSection } from './markdown.js'
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

export interface CommentContext {
  /** The comment-header input: a key so several steps keep separate comments on one PR. */
  header: string
  /** The workflow run, from workflowRunUrl(); the whole text is in its job summary. */
  runUrl?: string | undefined
}

/**
 * The hidden first line that lets a later run find this comment again. Characters that could end the
 * HTML comment early (`>`, `!`, line breaks) are percent-encoded, so no header can break out of it.
 */
export function commentMarker(header: string): string {
  const key = header.trim() === '' ? 'default' : header.trim()
  const safe = Array.from(key, char =>
    // `char` is one code point, so the class needs no anchors.
    /[A-Za-z0-9 ._~:/@+=,()-]/.test(char)
      ? char
      : Array.from(Buffer.from(char, 'utf8'), byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  ).join('')
  return `<!-- ${MARKER_NAME}:${safe} -->`
}

/** The run's page, from the variables the runner sets; undefined when they are missing or odd. */
export function workflowRunUrl(env: Record<string, string | undefined>): string | undefined {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  // Stryker disable next-line StringLiteral: a missing repository fails the check below whatever it is replaced with
  const repository = env.GITHUB_REPOSITORY ?? ''
  // Stryker disable next-line StringLiteral: a missing run id fails the check below whatever it is replaced with
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

/**
 * The pull-request comment for one ending, as Markdown: a sibling of the job summary, led by the
 * hidden marker that finds it again. Pure: the caller posts it.
 */
export function renderComment(report: Report, context: CommentContext): string {
  const { outcome } = report
  const header = context.header.trim()
  const oneLine = header.replace(/\s+/g, ' ')
  const shownHeader = oneLine.length > MAX_SHOWN_HEADER ? `${oneLine.slice(0, MAX_SHOWN_HEADER)}…` : oneLine
  const run = context.runUrl === undefined ? 'the workflow run' : `[the workflow run](${context.runUrl})`
  const whereWhole = (output: string): string => `the job summary of ${run} and in the step's \`${output}\` output`

  const head: string[] = [
    commentMarker(header),
    `## Cekura scenario instructions${header === '' ? '' : ` (${escapeHtml(defang(shownHeader))})`}: ${STATUS_LABEL[outcome.status]}\n`
  ]
  let table = factsTable({ ...report, outcome: { ...outcome, progressId: defang(outcome.progressId) } }, undefined)
  if (context.runUrl !== undefined) {
    table += `| Workflow run | [run ${context.runUrl.slice(context.runUrl.lastIndexOf('/') + 1)}](${context.runUrl}) |\n`
  }
  head.push(table)
  if (outcome.error !== '') {
    const error = fitShown(outcome.error, ERROR_BYTES, defang)
    head.push(`### Error\n\n${preBlock(defang(error.text) + (error.truncated ? ' …' : ''))}\n`)
  }
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
  tail.push(`<sub>Posted by the Cekura Scenario Instructions action from ${run}; later runs update this comment in place.</sub>\n`)

  const body: string[] = [...head]
  if (outcome.status === 'completed') {
    // Stryker disable next-line StringLiteral: the few separator bytes are well inside FRAME_RESERVE_BYTES
    const used = Buffer.byteLength([...head, ...tail].join('\n'))
    const room = COMMENT_TARGET_BYTES - FRAME_RESERVE_BYTES - used
    body.push(
      textSection('Instructions', outcome.instructions, room, { whereWhole: whereWhole('instructions'), limit: LIMIT, show: defang })
    )
  }
  return [...body, ...tail].join('\n')
}
