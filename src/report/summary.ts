import type { Report } from '../base/types.js'
import { fitEscaped, inlineCode, preBlock, textSection, cellText } from './markdown.js'
import { diffSection, factsTable, STATUS_LABEL } from './sections.js'

/** GitHub drops a step summary over 1 MiB; this leaves room for the table and notes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024
const SIDE_TEXT_BYTES = 64 * 1024
const DIFF_BYTES = 192 * 1024

export interface SummaryContext {
  apiHost: string
  /** Where the whole text is, for readers of a truncated summary. */
  instructionsFile: string
}

/** The job summary for one ending, as Markdown. Pure: the caller writes it. */
export function renderSummary(report: Report, context: SummaryContext): string {
  const { outcome } = report
  const limit = 'GitHub limits a job summary to 1 MiB'
  const parts: string[] = []
  parts.push(`## Cekura scenario instructions: ${STATUS_LABEL[outcome.status]}\n`)
  parts.push(factsTable(report, context.apiHost))
  if (outcome.unknownStatuses !== undefined && outcome.unknownStatuses.length > 0) parts.push(unknownStatusNote(outcome.unknownStatuses))
  if (outcome.error !== '') parts.push(`### Error\n\n${preBlock(fitEscaped(outcome.error, SIDE_TEXT_BYTES).text)}\n`)
  if (report.extraInstructions !== undefined) {
    parts.push(textSection('Request', report.extraInstructions, SIDE_TEXT_BYTES, { whereWhole: 'the extra-instructions input', limit }))
  }

  // Stryker disable next-line StringLiteral: the few separator bytes are well inside the 8 KiB margin
  const reserved = Buffer.byteLength(parts.join('\n')) + SIDE_TEXT_BYTES + DIFF_BYTES + 8192
  if (outcome.status === 'completed') {
    const whereWhole = `the \`instructions\` output and in the file named by the \`instructions-file\` output (${inlineCode(context.instructionsFile)})`
    parts.push(textSection('Instructions', outcome.instructions, SUMMARY_LIMIT_BYTES - reserved, { whereWhole, limit }))
    if (report.currentInstructions !== undefined) {
      parts.push(diffSection(report.currentInstructions, outcome.instructions, DIFF_BYTES))
    }
  }
  if (outcome.expectedOutcome !== '') {
    parts.push(
      textSection('Expected outcome', outcome.expectedOutcome, SIDE_TEXT_BYTES, { whereWhole: 'the `expected-outcome` output', limit })
    )
  }
  return parts.join('\n')
}

/** Status words the action does not know: it kept waiting through them, and the reader should know. */
function unknownStatusNote(words: readonly string[]): string {
  const list = words.map(word => cellText(word)).join(', ')
  const which = words.length === 1 ? 'a status word' : 'status words'
  return `> [!NOTE]\n> Cekura sent ${which} this action does not know: ${list}. The action took the job to be still running.\n`
}
