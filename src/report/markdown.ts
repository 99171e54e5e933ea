/** Markdown building blocks that show untrusted text exactly as it is, with nothing in it rendered. */

import { plural } from '../base/text.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, char => HTML_ESCAPES[char] as string)
}

/**
 * A `<pre>` block: GitHub renders its contents as literal text, so backticks, Markdown, HTML,
 * `@mentions` and `#123` references inside stay inert. The newline after `<pre>` is eaten by HTML
 * parsing, which keeps a leading newline of the text itself.
 */
export function preBlock(text: string): string {
  return `<pre>\n${escapeHtml(text)}</pre>`
}

/** Inline code for a table cell: pipes and line breaks must not end the cell. */
export function codeCell(text: string): string {
  return `<code>${escapeHtml(text)
    .replace(/\|/g, '&#124;')
    .replace(/\r\n|\r|\n/g, ' ')}</code>`
}

/** Collapses a block behind a summary line when it is long. */
export function collapsible(title: string, body: string, open: boolean): string {
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(title)}</summary>\n\n${body}\n\n</details>`
}

/**
 * The longest start of `text` whose escaped form fits in `maxBytes` of UTF-8, so truncation never
 * cuts an entity or a character in half.
 */
export function fitEscaped(text: string, maxBytes: number): { text: string; truncated: boolean } {
  let used = 0
  let end = 0
  for (const char of text) {
    const escaped = HTML_ESCAPES[char] ?? char
    const size = Buffer.byteLength(escaped)
    if (used + size > maxBytes) return { text: text.slice(0, end), truncated: true }
    used += size
    end += char.length
  }
  return { text, truncated: false }
}

export function countLines(text: string): number {
  return text === '' ? 0 : text.split('\n').length
}

/**
 * Like fitEscaped, for text that is shown through `show` (which may lengthen it) before escaping: the
 * longest start whose shown, escaped form fits in `maxBytes`. A longer start never takes fewer bytes,
 * so the largest budget that still fits is found by halving.
 */
export function fitShown(text: string, maxBytes: number, show: (text: string) => string): { text: string; truncated: boolean } {
  const budget = Math.max(0, maxBytes)
  const fits = (part: string): boolean => Buffer.byteLength(escapeHtml(show(part))) <= budget
  const plain = fitEscaped(text, budget)
  if (fits(plain.text)) return plain
  let low = 0
  let high = budget
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (fits(fitEscaped(text, middle).text)) low = middle
    else high = middle
  }
  return fitEscaped(text, low)
}

/** Texts longer than this are collapsed. */
const COLLAPSE_LINES = 30
const COLLAPSE_CHARS = 3000

export function isLong(text: string): boolean {
  return countLines(text) > COLLAPSE_LINES || text.length > COLLAPSE_CHARS
}

export interface TextSectionOptions {
  /** Where a reader finds the whole text when this one is cut. */
  whereWhole: string
  /** Why it is cut: the page's own limit. */
  limit: string
  /** How the text is shown (the comment defangs mentions); the counts and the cut are the text's own. */
  show?: (text: string) => string
}

/** A titled `<pre>` section, cut to `maxBytes` and collapsed when long. */
export function textSection(title: string, text: string, maxBytes: number, options: TextSectionOptions): string {
  const show = options.show ?? (same => same)
  const fitted = options.show ? fitShown(text, maxBytes, show) : fitEscaped(text, maxBytes)
  const lines = countLines(text)
  const label = `${title} (${plural(lines, 'line')}, ${plural(text.length, 'character')})`
  const block = preBlock(show(fitted.text))
  // The note stays outside the collapsed block, where a reader sees it without opening the text.
  const note = fitted.truncated
    ? `\n\n> [!NOTE]\n> Cut here: this shows the first ${fitted.text.length} of ${text.length} characters, as ${options.limit}. ` +
      `The whole text is in ${options.whereWhole}.`
    : ''
  return `### ${title}\n\n${isLong(text) ? collapsible(label, block, false) : block}${note}\n`
}
