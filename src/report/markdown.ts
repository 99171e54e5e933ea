/**
 * Markdown building blocks that show untrusted text exactly as it is, with nothing in it rendered.
 * There is one function per place text lands, and every renderer uses them:
 *
 * | place | function | how the text is kept inert |
 * | --- | --- | --- |
 * | table cell | cellText | inside `<code>`, every mark that could start syntax, and line breaks, as character references |
 * | heading | headingText | the same: Markdown inside raw HTML is still parsed, references never are |
 * | `<pre>` block | preBlock | an HTML block: no Markdown at all; `& < > "` escaped |
 * | fenced block | fencedBlock | a fence longer than any run of backticks in the text |
 * | inline code | inlineCode | a code span with a longer fence, padded so edge spaces and backticks survive |
 *
 * Inside `<code>` and `<pre>` GitHub also leaves `@mentions`, `#123` references and `:emoji:` alone.
 * All of them show `printable(text)`: the text with line endings as LF and control characters (which
 * no renderer shows) as U+FFFD. Property tests render each one with a GFM parser and check that.
 */

import { plural } from '../base/text.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, char => HTML_ESCAPES[char] as string)
}

/**
 * The text as a reader can be shown it: CRLF and CR become LF; other control characters but tab and
 * LF, and lone surrogates, become U+FFFD (renderers drop or replace them anyway, each its own way).
 */
export function printable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/(?![\t\n])\p{Cc}/gu, '\uFFFD')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD')
}

/**
 * Every mark that could start Markdown, HTML, an autolink, a mention, a reference, an emoji or math,
 * and tabs and line breaks, as a hexadecimal character reference (`&#x40;` for `@`): a GFM parser
 * decodes references to plain text and never reads them as syntax. Hyphens, slashes, parentheses and
 * the like start nothing on their own and stay readable.
 */
function referenced(text: string): string {
  return text.replace(/[\t\n!#$&*.:<>@[\\\]^_`|~]/g, char => `&#x${char.charCodeAt(0).toString(16).toUpperCase()};`)
}

/**
 * A `<pre>` block: GitHub renders its contents as literal text, so backticks, Markdown, HTML,
 * `@mentions` and `#123` references inside stay inert. The newline after `<pre>` is eaten by HTML
 * parsing, which keeps a leading newline of the text itself.
 */
export function preBlock(text: string): string {
  return `<pre>\n${escapeHtml(printable(text))}</pre>`
}

/**
 * Text for a table cell, as inline code. A `|` cannot end the cell, a line break cannot end the row,
 * and no Markdown forms: not a link, an image, an autolink, emphasis or HTML.
 */
export function cellText(text: string): string {
  return `<code>${referenced(printable(text))}</code>`
}

/** Text inside a heading (the comment-header), as inline code: the same protection as a cell. */
export function headingText(text: string): string {
  return `<code>${referenced(printable(text))}</code>`
}

/**
 * Inline code in running text: a backtick fence longer than any run of backticks in the text, and a
 * space inside each end when the text starts or ends with a backtick or a space (one is taken off
 * again by the parser). Line breaks become spaces, as in any code span. Empty text gives ''.
 */
export function inlineCode(text: string): string {
  const shown = printable(text).replace(/\n/g, ' ')
  if (shown === '') return ''
  const longest = Math.max(0, ...Array.from(shown.matchAll(/`+/g), match => match[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = /^[` ]|[` ]$/.test(shown) && !/^ +$/.test(shown) ? ' ' : ''
  return `${fence}${pad}${shown}${pad}${fence}`
}

/** A fenced code block that no run of backticks inside the text can close early. */
export function fencedBlock(text: string, language = ''): string {
  const shown = printable(text)
  const longest = Math.max(0, ...Array.from(shown.matchAll(/`+/g), match => match[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${language}\n${shown}\n${fence}`
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
