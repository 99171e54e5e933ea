import { formatDuration } from '../base/duration.js'
import { oneLine } from '../base/text.js'
import type { Report, Status } from '../base/types.js'
import type { BatchReport } from '../job/batch.js'
import { type DiffLine, lineDiff, unifiedDiff } from './diff.js'
import { cellText, collapsible, fencedBlock, fitShown, preBlock } from './markdown.js'
import { STATUS_LABEL } from './sections.js'

/** The parts the batch's job summary and pull-request comment share. Pure. */

/** How a rendering shows outside text: as it is (summary) or defanged (comment). */
export type Show = (text: string) => string

const same: Show = text => text

/** Below this a section cannot say more than its title and a note, so it is left out and named instead. */
export const MIN_SECTION_BYTES = 400
/** Room kept for the note that names the scenarios left out. */
export const OMITTED_NOTE_BYTES = 2000

/**
 * Outside text for a table cell or a line of prose, on one line and cut to `maxChars` characters, and
 * further until the cell takes at most `maxBytes` (each mark a cell escapes takes six bytes shown): see
 * cellText.
 */
export function inertText(text: string, maxChars: number, maxBytes = Number.POSITIVE_INFINITY): string {
  const chars = Array.from(oneLine(text).trim())
  if (chars.length === 0) return ''
  const cell = (keep: number): string => cellText(keep < chars.length ? `${chars.slice(0, keep).join('')}…` : chars.join(''))
  const fits = (keep: number): boolean => Buffer.byteLength(cell(keep)) <= maxBytes
  let keep = chars.length > maxChars ? maxChars - 1 : chars.length
  while (keep > 0 && !fits(keep)) keep -= 1
  return cell(keep)
}

/** "3 scenarios: 2 completed, 1 failed". */
export function tally(batch: BatchReport): string {
  const order: Status[] = ['completed', 'failed', 'timed-out', 'cancelled']
  const counts = order
    .map(status => [status, batch.reports.filter(report => report.outcome.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
  const total = batch.reports.length
  return `${total} ${total === 1 ? 'scenario' : 'scenarios'}: ${counts.join(', ')}`
}

/** The heading line both renderings start with, after any header of their own. */
export function batchStatusLine(batch: BatchReport): string {
  const total = batch.reports.length
  return `batch of ${total} ${total === 1 ? 'scenario' : 'scenarios'}, ${STATUS_LABEL[batch.status]}`
}

/** The facts about the whole batch, as a two-column table. */
export function batchFacts(batch: BatchReport, apiHost: string | undefined): string {
  const rows = [
    '| | |',
    '| --- | --- |',
    '| Mode | improve, one job per scenario |',
    `| Scenarios | ${tally(batch)} |`,
    `| Concurrency | ${batch.concurrency} |`,
    `| Elapsed | ${formatDuration(batch.elapsedMs)} |`,
    `| Polls | ${batch.polls} |`
  ]
  if (apiHost !== undefined) rows.push(`| API host | ${cellText(apiHost)} |`)
  if (batch.apply) {
    const saved = batch.reports.filter(report => report.applied === true).length
    rows.push(`| Saved to the scenarios | ${batch.applied ? 'yes, all' : `no: ${saved} of ${batch.reports.length}`} |`)
  }
  return `${rows.join('\n')}\n`
}

/** One row per scenario, in the order given: scenario, status, saved, time, polls, one-line error. */
export function batchTable(batch: BatchReport, errorCell: { chars: number; bytes: number }, show: Show = same): string {
  const rows = [
    '| Scenario | Status | Saved | Time | Polls | Error |',
    '| ---: | --- | --- | ---: | ---: | --- |',
    ...batch.reports.map(report => {
      const { outcome } = report
      const saved = report.applied === undefined ? '–' : report.applied ? 'yes' : 'no'
      return (
        `| ${report.scenarioId ?? ''} | ${STATUS_LABEL[outcome.status]} | ${saved} | ${formatDuration(outcome.elapsedMs)} | ` +
        `${outcome.polls} | ${inertText(show(outcome.error), errorCell.chars, errorCell.bytes)} |`
      )
    })
  ]
  return `${rows.join('\n')}\n`
}

/**
 * Each report's diff, made once for the summary and the comment alike: a hundred long texts take
 * seconds to compare. Showing a text (defanging it) changes no line's equality with another, so the
 * diff of the texts as shown is this diff with each line shown.
 */
const diffs = new WeakMap<Report, DiffLine[] | undefined>()

function diffOf(report: Report, before: string, after: string, show: Show): DiffLine[] | undefined {
  if (!diffs.has(report)) diffs.set(report, lineDiff(before, after))
  return diffs.get(report)?.map(line => ({ op: line.op, text: show(line.text) }))
}

/** What an improve job changed, cut to `maxBytes`: the label for the section's title and the block. */
function changes(report: Report, before: string, after: string, maxBytes: number, show: Show): { label: string; block: string } {
  if (before === after) return { label: 'no change', block: 'The new instructions are the same as the old ones.' }
  const lines = diffOf(report, before, after, show)
  if (lines === undefined) return { label: 'too large to compare', block: 'The texts are too large to compare here.' }
  const added = lines.filter(line => line.op === '+').length
  const removed = lines.filter(line => line.op === '-').length
  const label = `${added} ${added === 1 ? 'line' : 'lines'} added, ${removed} removed`
  const text = unifiedDiff(lines)
  const note = '\n\n> [!NOTE]\n> Cut here: the diff is longer than this page has room for; compare the texts themselves.'
  const whole = fencedBlock(text, 'diff')
  if (Buffer.byteLength(whole) <= maxBytes) return { label, block: whole }
  // The fence around a part is never longer than the one around the whole, so this frame is enough.
  const frame = Buffer.byteLength(whole) - Buffer.byteLength(text)
  let used = frame + Buffer.byteLength(note)
  const kept: string[] = []
  for (const line of text.split('\n')) {
    used += Buffer.byteLength(line) + 1
    if (used > maxBytes) break
    kept.push(line)
  }
  if (kept.length === 0) return { label, block: 'The diff does not fit on this page; compare the texts themselves.' }
  return { label, block: fencedBlock(kept.join('\n'), 'diff') + note }
}

/**
 * One scenario's collapsed section, within about `maxBytes` (never less than a title and a note): its
 * error, its progress id and, when it completed, its diff.
 */
export function scenarioSection(report: Report, maxBytes: number, show: Show = same): string {
  const { outcome } = report
  const parts: string[] = []
  if (outcome.progressId !== '') parts.push(`Progress id: ${inertText(show(outcome.progressId), 200)}`)
  if (outcome.error !== '') {
    const error = fitShown(outcome.error, Math.max(200, Math.min(4000, Math.floor(maxBytes / 3))), show)
    parts.push(preBlock(show(error.text) + (error.truncated ? ' …' : '')))
  }
  let title = `Scenario ${report.scenarioId ?? '?'}: ${STATUS_LABEL[outcome.status]}`
  if (report.applied !== undefined) title += report.applied ? ', saved' : ', not saved'
  if (outcome.status === 'completed' && report.currentInstructions !== undefined) {
    const frame = Buffer.byteLength(collapsible(`${title} (000 lines added, 000 removed)`, parts.join('\n\n'), false)) + 8
    const diff = changes(report, report.currentInstructions, outcome.instructions, maxBytes - frame, show)
    title += ` (${diff.label})`
    parts.push(diff.block)
  }
  return `${collapsible(title, parts.join('\n\n'), false)}\n`
}

/**
 * The scenarios' sections, in order, within `roomBytes`: each gets a fair share of the room still
 * left (at most `maxSectionBytes`, at least MIN_SECTION_BYTES), so that a small diff leaves room for
 * the ones after it. The sections that do not fit at all are returned by scenario id, for the caller
 * to name.
 */
export function fitSections(
  reports: readonly Report[],
  roomBytes: number,
  maxSectionBytes: number,
  show: Show = same
): { sections: string[]; omitted: number[] } {
  const sections: string[] = []
  const omitted: number[] = []
  let room = roomBytes
  reports.forEach((report, index) => {
    const share = Math.min(maxSectionBytes, Math.floor(room / (reports.length - index)))
    const section = scenarioSection(report, Math.max(MIN_SECTION_BYTES, share), show)
    const size = Buffer.byteLength(section) + 1
    if (size > room) {
      omitted.push(report.scenarioId ?? 0)
      return
    }
    sections.push(section)
    room -= size
  })
  return { sections, omitted }
}

/** Names the scenarios left out, and where to read them instead. */
export function omittedNote(omitted: readonly number[], limit: string, whereInstead: string): string {
  if (omitted.length === 0) return ''
  const shown = omitted.slice(0, 150).join(', ')
  const more = omitted.length > 150 ? ` and ${omitted.length - 150} more` : ''
  return (
    `> [!NOTE]\n> Not shown here for lack of room (${limit}): the ${omitted.length === 1 ? 'section' : 'sections'} of ` +
    `${omitted.length === 1 ? 'scenario' : 'scenarios'} ${shown}${more}. ${whereInstead}\n`
  )
}
