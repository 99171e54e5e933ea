import { fencedBlock, lineDiff, unifiedDiff } from './diff.js'
import { formatDuration } from './duration.js'
import type { Status } from './poll.js'
import { codeCell, collapsible, fitEscaped, isLong, preBlock, textSection } from './render.js'
import type { Report } from './report.js'

/** GitHub drops a step summary over 1 MiB; this leaves room for the table and notes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024
const SIDE_TEXT_BYTES = 64 * 1024
const DIFF_BYTES = 192 * 1024

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

/** What an improve job changed, as a coloured diff block. */
export function diffSection(before: string, after: string, maxBytes: number): string {
  if (before === after) return '### Changes\n\nThe new instructions are the same as the old ones.\n'
  const lines = lineDiff(before, after)
  if (lines === undefined) return '### Changes\n\nThe texts are too large to compare here.\n'
  let text = unifiedDiff(lines)
  let note = ''
  if (Buffer.byteLength(text) > maxBytes) {
    const kept: string[] = []
    let used = 0
    for (const line of text.split('\n')) {
      used += Buffer.byteLength(line) + 1
      if (used > maxBytes) break
      kept.push(line)
    }
    note = `\n\n> [!NOTE]\n> Cut here: the diff is longer than this page can hold; compare the texts themselves.`
    text = kept.join('\n')
  }
  const added = lines.filter(line => line.op === '+').length
  const removed = lines.filter(line => line.op === '-').length
  const block = fencedBlock(text, 'diff') + note
  const label = `Changes (${added} ${added === 1 ? 'line' : 'lines'} added, ${removed} removed)`
  return `### Changes\n\n${isLong(text) ? collapsible(label, block, false) : `${label}\n\n${block}`}\n`
}

/** The facts table shared by the summary and the comment. */
export function factsTable(report: Report, apiHost: string | undefined): string {
  const { outcome } = report
  const rows = [
    '| | |',
    '| --- | --- |',
    `| Mode | ${report.mode} |`,
    `| Progress id | ${outcome.progressId === '' ? '(none received)' : codeCell(outcome.progressId)} |`,
    `| Status | ${outcome.status} |`,
    `| Elapsed | ${formatDuration(outcome.elapsedMs)} |`,
    `| Polls | ${outcome.polls} |`
  ]
  if (apiHost !== undefined) rows.push(`| API host | ${codeCell(apiHost)} |`)
  if (report.agentId !== undefined) rows.push(`| Agent | ${report.agentId} |`)
  if (report.scenarioId !== undefined) rows.push(`| Scenario | ${report.scenarioId} |`)
  if (report.applied !== undefined) rows.push(`| Saved to scenario | ${report.applied ? 'yes' : 'no'} |`)
  return rows.join('\n') + '\n'
}

/** The job summary for one ending, as Markdown. Pure: the caller writes it. */
export function renderSummary(report: Report, context: SummaryContext): string {
  const { outcome } = report
  const limit = 'GitHub limits a job summary to 1 MiB'
  const parts: string[] = []
  parts.push(`## Cekura scenario instructions: ${STATUS_LABEL[outcome.status]}\n`)
  parts.push(factsTable(report, context.apiHost))
  if (outcome.error !== '') parts.push(`### Error\n\n${preBlock(fitEscaped(outcome.error, SIDE_TEXT_BYTES).text)}\n`)
  if (report.extraInstructions !== undefined) {
    parts.push(textSection('Request', report.extraInstructions, SIDE_TEXT_BYTES, { whereWhole: 'the extra-instructions input', limit }))
  }

  const reserved = Buffer.byteLength(parts.join('\n')) + SIDE_TEXT_BYTES + DIFF_BYTES + 8192
  if (outcome.status === 'completed') {
    const whereWhole = `the \`instructions\` output and in the file named by the \`instructions-file\` output (${codeCell(context.instructionsFile)})`
    parts.push(textSection('Instructions', outcome.instructions, SUMMARY_LIMIT_BYTES - reserved, { whereWhole, limit }))
    if (report.currentInstructions !== undefined) {
      parts.push(diffSection(report.currentInstructions, outcome.instructions, DIFF_BYTES))
    }
  }
  if (outcome.expectedOutcome !== '') {
    parts.push(textSection('Expected outcome', outcome.expectedOutcome, SIDE_TEXT_BYTES, { whereWhole: 'the `expected-outcome` output', limit }))
  }
  return parts.join('\n')
}
