/** Markdown building blocks that show untrusted text exactly as it is, with nothing in it rendered. */

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
  return `<code>${escapeHtml(text).replace(/\|/g, '&#124;').replace(/\r\n|\r|\n/g, ' ')}</code>`
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
