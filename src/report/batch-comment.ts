import type { BatchReport } from '../job/batch.js'
import { batchFacts, batchStatusLine, batchTable, fitSections, OMITTED_NOTE_BYTES, omittedNote } from './batch-sections.js'
import { COMMENT_TARGET_BYTES, type CommentContext, commentKey, defang } from './comment.js'
import { fitShown, headingText, preBlock, textSection } from './markdown.js'

const ERROR_BYTES = 4000
const REQUEST_BYTES = 4000
const SECTION_BYTES = 16_000
const ERROR_CHARS = 100
const MAX_SHOWN_HEADER = 100
const LIMIT = 'GitHub limits a comment to 65,536 characters'

/**
 * The pull-request comment for a batch, as Markdown: one comment for every scenario, led by the same
 * hidden marker as a single job's (so the comment-header rules are the same), with the table and one
 * collapsed diff per scenario, within GitHub's limit. Sections that do not fit are named, with a
 * pointer to the job summary and the files. Pure: the caller posts it.
 */
export function renderBatchComment(batch: BatchReport, context: CommentContext): string {
  const key = context.key ?? commentKey({ header: context.header })
  const header = key.label.trim()
  const folded = header.replace(/\s+/g, ' ')
  const shownHeader = folded.length > MAX_SHOWN_HEADER ? `${folded.slice(0, MAX_SHOWN_HEADER)}…` : folded
  const run = context.runUrl === undefined ? 'the workflow run' : `[the workflow run](${context.runUrl})`

  const head: string[] = [
    key.marker,
    `## Cekura scenario instructions${header === '' ? '' : ` (${headingText(shownHeader)})`}: ${batchStatusLine(batch)}\n`
  ]
  let facts = batchFacts(batch, undefined)
  if (context.runUrl !== undefined) {
    facts += `| Workflow run | [run ${context.runUrl.slice(context.runUrl.lastIndexOf('/') + 1)}](${context.runUrl}) |\n`
  }
  head.push(facts)
  if (batch.error !== '') {
    const error = fitShown(batch.error, ERROR_BYTES, defang)
    head.push(`### Error\n\n${preBlock(defang(error.text) + (error.truncated ? ' …' : ''))}\n`)
  }
  head.push(
    textSection('Request', batch.extraInstructions, REQUEST_BYTES, {
      whereWhole: 'the extra-instructions input',
      limit: LIMIT,
      show: defang
    })
  )
  head.push(`### Scenarios\n\n${batchTable(batch, ERROR_CHARS, defang)}`)
  const footer = `<sub>Posted by the Cekura Scenario Instructions action from ${run}; later runs update this comment in place.</sub>\n`

  const used = Buffer.byteLength([...head, footer].join('\n'))
  const { sections, omitted } = fitSections(batch.reports, COMMENT_TARGET_BYTES - used - OMITTED_NOTE_BYTES, SECTION_BYTES, defang)
  const where = `Every scenario's diff is in the job summary of ${run}, and the new texts in the files of the step's \`instructions-dir\` output.`
  return [...head, ...sections, omittedNote(omitted, LIMIT, where), footer].filter(part => part !== '').join('\n')
}
