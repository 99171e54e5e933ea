import { cellText, collapsible, countLines, escapeHtml, fitEscaped, preBlock } from '../../src/report/markdown.js'
import { unescapeHtml } from './html-helpers.js'

const HOSTILE = [
  '```',
  '</pre><script>alert(1)</script>',
  '<details open><summary>x</summary>',
  '</details>',
  '| a | b |',
  '@octocat #123 **bold** _em_ [link](https://evil.example)',
  '&amp; &lt; &#124; "quoted" \'single\'',
  '<!-- comment -->',
  '> quote',
  '    indented code',
  '😀 ünïcödé'
].join('\n')

describe('escapeHtml', () => {
  it('escapes & < > "', () => {
    expect(escapeHtml('a & b < c > d "e"')).toBe('a &amp; b &lt; c &gt; d &quot;e&quot;')
  })

  it('escapes & first so entities in the text stay literal', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;')
  })

  it('leaves everything else alone', () => {
    expect(escapeHtml("plain `text` | @me 😀 '")).toBe("plain `text` | @me 😀 '")
  })
})

describe('preBlock', () => {
  it('wraps escaped text, and unescaping gives back the text exactly', () => {
    const block = preBlock(HOSTILE)
    expect(block.startsWith('<pre>\n')).toBe(true)
    expect(block.endsWith('</pre>')).toBe(true)
    const inner = block.slice('<pre>\n'.length, -'</pre>'.length)
    expect(inner).not.toMatch(/[<>"]/)
    expect(unescapeHtml(inner)).toBe(HOSTILE)
  })

  it('holds exactly one closing tag whatever the text says', () => {
    const block = preBlock('</pre></PRE></pre >')
    expect(block.match(/<\/pre/gi)).toHaveLength(1)
  })

  it('keeps a leading newline of the text (HTML eats only the one after <pre>)', () => {
    expect(preBlock('\nx')).toBe('<pre>\n\nx</pre>')
  })

  it('leaves no & that is not one of its own entities', () => {
    const inner = preBlock('a & b &amp; c &#124; d').slice(6, -6)
    expect(inner.replace(/&(amp|lt|gt|quot);/g, '')).not.toContain('&')
  })
})

describe('cellText', () => {
  it('keeps a pipe from ending the table cell', () => {
    const cell = cellText('a|b||c')
    expect(cell).not.toContain('|')
    expect(cell).toBe('<code>a&#x7C;b&#x7C;&#x7C;c</code>')
  })

  it('keeps line breaks from ending the table row, and shows them as line breaks', () => {
    expect(cellText('a\nb\r\nc')).toBe('<code>a&#xA;b&#xA;c</code>')
  })

  // Regression (found by this test): CommonMark also ends a line at a lone carriage return, and a
  // progress id returned by a POST (modes generate and improve) is not checked like the input is.
  it('keeps a lone carriage return from ending the table row', () => {
    expect(cellText('a\rb')).not.toMatch(/[\r\n]/)
  })

  it('escapes HTML so the cell cannot close the code tag', () => {
    const cell = cellText('</code><img src=x onerror=alert(1)>')
    expect(cell.match(/<\/code>/g)).toHaveLength(1)
    expect(cell).not.toContain('<img')
  })

  it('leaves no Markdown punctuation for a link or an image to form from', () => {
    expect(cellText('![t](https://x/y.png)')).toBe('<code>&#x21;&#x5B;t&#x5D;(https&#x3A;//x/y&#x2E;png)</code>')
  })
})

describe('collapsible', () => {
  it('puts the body behind an escaped summary line, closed or open', () => {
    expect(collapsible('Title <b>', 'BODY', false)).toBe('<details><summary>Title &lt;b&gt;</summary>\n\nBODY\n\n</details>')
    expect(collapsible('T', 'BODY', true)).toBe('<details open><summary>T</summary>\n\nBODY\n\n</details>')
  })
})

describe('fitEscaped', () => {
  it('keeps a text that fits whole', () => {
    expect(fitEscaped('abc', 3)).toEqual({ text: 'abc', truncated: false })
    expect(fitEscaped('', 0)).toEqual({ text: '', truncated: false })
  })

  it('counts the escaped size, not the raw size', () => {
    // '<' escapes to 4 bytes
    expect(fitEscaped('<<<', 8)).toEqual({ text: '<<', truncated: true })
    expect(fitEscaped('<<<', 12)).toEqual({ text: '<<<', truncated: false })
    expect(fitEscaped('a&b', 5)).toEqual({ text: 'a', truncated: true })
    expect(fitEscaped('a&b', 6)).toEqual({ text: 'a&', truncated: true })
  })

  it('never cuts an entity in half', () => {
    expect(fitEscaped('a<', 4)).toEqual({ text: 'a', truncated: true })
  })

  it('never cuts a character in half', () => {
    // each emoji is 4 UTF-8 bytes and 2 UTF-16 units
    const fitted = fitEscaped('😀😀😀', 10)
    expect(fitted).toEqual({ text: '😀😀', truncated: true })
    expect(fitEscaped('é😀', 4)).toEqual({ text: 'é', truncated: true })
  })

  it('makes the escaped form of what it keeps fit the budget exactly or under', () => {
    const text = '<&>"x😀é'.repeat(1000)
    for (const budget of [0, 1, 3, 4, 5, 17, 100, 1001, 4096]) {
      const fitted = fitEscaped(text, budget)
      expect(Buffer.byteLength(escapeHtml(fitted.text))).toBeLessThanOrEqual(budget)
      expect(text.startsWith(fitted.text)).toBe(true)
      // The next character would not have fitted.
      const next = text.slice(fitted.text.length).codePointAt(0) as number
      expect(Buffer.byteLength(escapeHtml(fitted.text + String.fromCodePoint(next)))).toBeGreaterThan(budget)
    }
  })

  it('keeps nothing from a budget of zero or less', () => {
    expect(fitEscaped('abc', 0)).toEqual({ text: '', truncated: true })
    expect(fitEscaped('abc', -10)).toEqual({ text: '', truncated: true })
  })
})

describe('countLines', () => {
  it.each([
    ['', 0],
    ['one', 1],
    ['one\n', 2],
    ['a\nb\nc', 3]
  ])('counts %j as %d', (text, lines) => {
    expect(countLines(text)).toBe(lines)
  })
})
