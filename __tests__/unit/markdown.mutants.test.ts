// Markdown blocks at the edges mutation testing found unpinned: a text that fills its budget exactly,
// the collapse thresholds, and the exact form of a section with and without its note.

import { fitShown, inlineCode, isLong, printable, textSection } from '../../src/report/markdown.js'

const OPTIONS = { whereWhole: 'the `instructions` output', limit: 'GitHub limits a job summary to 1 MiB' }

describe('fitShown', () => {
  it('keeps a text whose shown form fills the budget exactly', () => {
    expect(fitShown('abc', 3, text => text)).toEqual({ text: 'abc', truncated: false })
    expect(fitShown('a<b', 6, text => text)).toEqual({ text: 'a<b', truncated: false })
  })

  it('counts what `show` adds', () => {
    const show = (text: string): string => text.replace(/@/g, '@\u200D')
    // "@\u200D" is 1 + 3 bytes.
    expect(fitShown('a@b', 6, show)).toEqual({ text: 'a@b', truncated: false })
    expect(fitShown('a@b', 5, show)).toEqual({ text: 'a@', truncated: true })
  })
})

describe('isLong', () => {
  it('collapses from 31 lines on', () => {
    expect(isLong(Array.from({ length: 30 }, () => 'x').join('\n'))).toBe(false)
    expect(isLong(Array.from({ length: 31 }, () => 'x').join('\n'))).toBe(true)
  })

  it('collapses from 3001 characters on', () => {
    expect(isLong('x'.repeat(3000))).toBe(false)
    expect(isLong('x'.repeat(3001))).toBe(true)
  })
})

describe('textSection', () => {
  it('shows a short text whole, open, without a note', () => {
    expect(textSection('Instructions', 'Hello <there>', 1000, OPTIONS)).toBe('### Instructions\n\n<pre>\nHello &lt;there&gt;</pre>\n')
  })

  it('labels a long text with its lines and characters, in the singular for one line', () => {
    expect(textSection('Instructions', 'x'.repeat(3001), 10_000, OPTIONS)).toContain(
      '<details><summary>Instructions (1 line, 3001 characters)</summary>'
    )
    expect(textSection('Instructions', 'x\n'.repeat(40), 10_000, OPTIONS)).toContain(
      '<details><summary>Instructions (41 lines, 80 characters)</summary>'
    )
  })
})

describe('inlineCode, at every edge of its fence and padding', () => {
  it.each([
    ['', ''],
    ['a b', '`a b`'],
    ['a``b', '```a``b```'],
    ['`a', '`` `a ``'],
    ['a`', '`` a` ``'],
    [' a', '`  a `'],
    ['a ', '` a  `'],
    ['  ', '`  `'],
    ['\n', '` `'],
    ['x\r\ny', '`x y`']
  ])('%j is %j', (text, code) => {
    expect(inlineCode(text)).toBe(code)
  })
})

describe('printable', () => {
  it('turns a lone CR into a line break, other controls and lone surrogates into U+FFFD, and keeps tab, LF and pairs', () => {
    expect(printable('a\rb\r\nc')).toBe('a\nb\nc')
    expect(printable('a\u0007b\u001bc')).toBe('a\uFFFDb\uFFFDc')
    expect(printable('a\ud800b\udc00c')).toBe('a\uFFFDb\uFFFDc')
    expect(printable('tab\tline\n😀')).toBe('tab\tline\n😀')
  })
})
