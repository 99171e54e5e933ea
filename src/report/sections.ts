import { formatDuration } from '../base/duration.js'
import type { Report, Status } from '../base/types.js'
import { lineDiff, unifiedDiff } from './diff.js'
import { cellText, collapsible, fencedBlock, isLong, printable } from './markdown.js'

/** The parts the job summary and the pull-request comment share. */

export const STATUS_LABEL: Record<Status, string> = {
  completed: '✅ completed',
  failed: '❌ failed',
  'timed-out': '⏱️ timed out',
  cancelled: '🚫 cancelled'
}

/** What an improve job changed, as a coloured diff block. */
export function diffSection(before: string, after: string, maxBytes: number): string {
  if (before === after) return '### Changes\n\nThe new instructions are the same as the old ones.\n'
  // Compared as shown, so that a CR or a control character cannot split or merge lines in the block.
  const lines = lineDiff(printable(before), printable(after))
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
    `| Progress id | ${outcome.progressId === '' ? '(none received)' : cellText(outcome.progressId)} |`,
    `| Status | ${outcome.status} |`,
    `| Elapsed | ${formatDuration(outcome.elapsedMs)} |`,
    `| Polls | ${outcome.polls} |`
  ]
  if (apiHost !== undefined) rows.push(`| API host | ${cellText(apiHost)} |`)
  if (report.agentId !== undefined) rows.push(`| Agent | ${report.agentId} |`)
  if (report.scenarioId !== undefined) rows.push(`| Scenario | ${report.scenarioId} |`)
  if (report.projectId !== undefined) rows.push(`| Project | ${report.projectId} |`)
  if (report.applied !== undefined) rows.push(`| Saved to scenario | ${report.applied ? 'yes' : 'no'} |`)
  return `${rows.join('\n')}\n`
}
