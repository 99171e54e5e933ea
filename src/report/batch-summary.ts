import type { BatchReport } from '../job/batch.js'
import { batchFacts, batchStatusLine, batchTable, fitSections, OMITTED_NOTE_BYTES, omittedNote } from './batch-sections.js'
import { cellText, fitEscaped, preBlock, textSection } from './markdown.js'
import { SUMMARY_LIMIT_BYTES } from './summary.js'

const SIDE_TEXT_BYTES = 64 * 1024
/** No one scenario's section takes more than this, however few there are. */
const SECTION_BYTES = 192 * 1024
/** A table row's error: the words are in the scenario's section too. */
const ERROR_CELL = { chars: 200, bytes: 800 }
const LIMIT = 'GitHub limits a job summary to 1 MiB'

export interface BatchSummaryContext {
  apiHost: string
  /** The folder of the new texts, for readers of sections left out. */
  instructionsDir: string
}

/**
 * The job summary of a batch, as Markdown: the facts, the error, the request, one table of the
 * scenarios, then one collapsed section per scenario with its diff, within GitHub's 1 MiB. Sections
 * that do not fit are named, with a pointer to the files. Pure: the caller writes it.
 */
export function renderBatchSummary(batch: BatchReport, context: BatchSummaryContext): string {
  const head: string[] = [`## Cekura scenario instructions: ${batchStatusLine(batch)}\n`, batchFacts(batch, context.apiHost)]
  if (batch.error !== '') head.push(`### Error\n\n${preBlock(fitEscaped(batch.error, SIDE_TEXT_BYTES).text)}\n`)
  head.push(textSection('Request', batch.extraInstructions, SIDE_TEXT_BYTES, { whereWhole: 'the extra-instructions input', limit: LIMIT }))
  head.push(`### Scenarios\n\n${batchTable(batch, ERROR_CELL)}`)

  // Stryker disable next-line StringLiteral: the few separator bytes are well inside the 16 KiB margin under GitHub's limit
  const used = Buffer.byteLength(head.join('\n'))
  const { sections, omitted } = fitSections(batch.reports, SUMMARY_LIMIT_BYTES - used - OMITTED_NOTE_BYTES, SECTION_BYTES)
  const where =
    `The new texts are in the files of the \`instructions-dir\` output (${cellText(context.instructionsDir)}), one per completed ` +
    'scenario, and each error in the `results` output.'
  return [...head, ...sections, omittedNote(omitted, LIMIT, where)].filter(part => part !== '').join('\n')
}
