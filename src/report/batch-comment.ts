import type { BatchReport } from '../job/batch.js'
import { batchFacts, batchStatusLine, batchTable, fitSections, OMITTED_NOTE_BYTES, omittedNote } from './batch-sections.js'
import { COMMENT_TARGET_BYTES, type CommentContext, commentFooter, commentHead, defang, fingerprinted, withoutRunFacts } from './comment.js'
import { textSection } from './markdown.js'

const REQUEST_BYTES = 4000
const SECTION_BYTES = 16_000
/**
 * A table row's error. A hundred rows of errors made of marks a cell escapes (six bytes each shown) would
 * fill the comment on their own; this keeps the table to about 30 KB however the errors read.
 */
const ERROR_CELL = { chars: 100, bytes: 240 }
const LIMIT = 'GitHub limits a comment to 65,536 characters'

/**
 * The pull-request comment for a batch, as Markdown: one comment for every scenario, led by the same
 * hidden marker and fingerprint line as a single job's (so the comment-header rules are the same, and an
 * unchanged batch is not rewritten by comment-mode update), with the table and one
 * collapsed diff per scenario, within GitHub's limit. Sections that do not fit are named, with a
 * pointer to the job summary and the files. Pure: the caller posts it.
 */
export function renderBatchComment(batch: BatchReport, context: CommentContext): string {
  const neutral: BatchReport = { ...batch, elapsedMs: 0, polls: 0, reports: batch.reports.map(withoutRunFacts) }
  return fingerprinted(renderBody(batch, context), renderBody(neutral, { ...context, runUrl: undefined }))
}

function renderBody(batch: BatchReport, context: CommentContext): string {
  const run = context.runUrl === undefined ? 'the workflow run' : `[the workflow run](${context.runUrl})`

  const head = commentHead(context, batchStatusLine(batch), batchFacts(batch, undefined), batch.error)
  head.push(
    textSection('Request', batch.extraInstructions, REQUEST_BYTES, {
      whereWhole: 'the extra-instructions input',
      limit: LIMIT,
      show: defang
    })
  )
  head.push(`### Scenarios\n\n${batchTable(batch, ERROR_CELL, defang)}`)
  const footer = commentFooter(run, context.mode)

  // Stryker disable next-line StringLiteral: the few separator bytes are well inside the 5 KiB between the target and GitHub's limit
  const used = Buffer.byteLength([...head, footer].join('\n'))
  const { sections, omitted } = fitSections(batch.reports, COMMENT_TARGET_BYTES - used - OMITTED_NOTE_BYTES, SECTION_BYTES, defang)
  const where = `Every scenario's diff is in the job summary of ${run}, and the new texts in the files of the step's \`instructions-dir\` output.`
  return [...head, ...sections, omittedNote(omitted, LIMIT, where), footer].filter(part => part !== '').join('\n')
}
