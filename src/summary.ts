import { formatDuration } from './duration.js'
import type { Outcome, Status } from './poll.js'
import { codeCell, collapsible, countLines, fitEscaped, preBlock } from './render.js'

/** GitHub drops a step summary over 1 MiB; this leaves room for the table and notes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024
/** Texts longer than this are collapsed. */
const COLLAPSE_LINES = 30
const COLLAPSE_CHARS = 3000

export const STATUS_LABEL: Record<Status, string> = {
  completed: '✅ completed',
  failed: '❌ failed',
  'timed-out': '⏱️ timed out',
  cancelled: '🚫 cancelled'
}

export interface SummaryContext {
  apiHost: string
  /** Where the whole text is, for readers of a truncated summary. */
  instructionsFile: string
}

function textSection(title: string, text: string, maxBytes: number, whereWhole: string): string {
  const fitted = fitEscaped(text, maxBytes)
  const lines = countLines(text)
  const label = `${title} (${lines} ${lines === 1 ? 'line' : 'lines'}, ${text.length} characters)`
  let block = preBlock(fitted.text)
  if (fitted.truncated) {
    block +=
      `\n\n> [!NOTE]\n> Cut here: this summary shows the first ${fitted.text.length} of ${text.length} characters, ` +
      `as GitHub limits a job summary to 1 MiB. The whole text is in ${whereWhole}.`
  }
  const long = lines > COLLAPSE_LINES || text.length > COLLAPSE_CHARS
  return `### ${title}\n\n${long ? collapsible(label, block, false) : block}\n`
}

/** The job summary for one ending, as Markdown. Pure: the caller writes it. */
export function renderSummary(outcome: Outcome, context: SummaryContext): string {
  const parts: string[] = []
  parts.push(`## Cekura scenario instructions: ${STATUS_LABEL[outcome.status]}\n`)
  parts.push(
    [
      '| | |',
      '| --- | --- |',
      `| Progress id | ${codeCell(outcome.progressId)} |`,
      `| Status | ${outcome.status} |`,
      `| Elapsed | ${formatDuration(outcome.elapsedMs)} |`,
      `| Polls | ${outcome.polls} |`,
      `| API host | ${codeCell(context.apiHost)} |`
    ].join('\n') + '\n'
  )
  if (outcome.error !== '') parts.push(`### Error\n\n${preBlock(outcome.error)}\n`)

  const fixed = Buffer.byteLength(parts.join('\n'))
  const expectedBudget = Math.min(Buffer.byteLength(outcome.expectedOutcome) * 6, 64 * 1024)
  if (outcome.status === 'completed') {
    const instructionsBudget = SUMMARY_LIMIT_BYTES - fixed - expectedBudget - 4096
    const whereWhole = `the \`instructions\` output and in the file named by the \`instructions-file\` output (${codeCell(context.instructionsFile)})`
    parts.push(textSection('Instructions', outcome.instructions, instructionsBudget, whereWhole))
  }
  if (outcome.expectedOutcome !== '') {
    parts.push(textSection('Expected outcome', outcome.expectedOutcome, expectedBudget, 'the `expected-outcome` output'))
  }
  return parts.join('\n')
}
