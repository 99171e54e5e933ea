// Shared by the rendering tests: reading back what the renderer wrote.

/** Reverses escapeHtml; &amp; last so that an escaped entity in the text is not decoded twice. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

/** Every `<pre>` block's raw (still escaped) content, without the newline the renderer puts after `<pre>`. */
export function preContents(markdown: string): string[] {
  return [...markdown.matchAll(/<pre>\n([\s\S]*?)<\/pre>/g)].map(match => match[1] as string)
}

export function count(haystack: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return haystack.split(needle).length - 1
  return [...haystack.matchAll(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`))].length
}
