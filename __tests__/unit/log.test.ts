import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { log, logLine, MAX_LINE_CHARS, maskSecret, useRedaction } from '../../src/base/log.js'
import { runs } from '../support/property-runs.js'
import { commandOf } from '../support/runner-commands.mjs'

describe('logLine', () => {
  it.each([
    ['a\nb', 'a b'],
    ['a\r\nb', 'a b'],
    ['a\rb', 'a b'],
    ['a\u2028b\u2029c\u0085d', 'a b c d'],
    ['a\vb\fc', 'a b c'],
    ['a\tb', 'a\tb'],
    ['a\u0000b\u007fc\u009bd', 'a\uFFFDb\uFFFDc\uFFFDd'],
    ['::warning::x', ': :warning::x'],
    ['  \t::error::x', '  \t: :error::x'],
    ['\u200B::error::x', '\u200B: :error::x'],
    ['x ##[error]y ##[set-output name=a]b', 'x ## [error]y ## [set-output name=a]b'],
    ['###[x]', '### [x]'],
    ['\u001b[2Kfake line', '\uFFFD[2Kfake line'],
    ['plain text: kept as it is', 'plain text: kept as it is'],
    ['a::b only at the start', 'a::b only at the start']
  ])('shows %j as %j', (text, shown) => {
    expect(logLine(text)).toBe(shown)
  })

  it('caps a line and says how long it was', () => {
    const line = logLine('S'.repeat(5_000_000))
    expect(line.length).toBeLessThan(MAX_LINE_CHARS + 40)
    expect(line).toContain('(5000000 characters in all)')
  })

  it('keeps a line of exactly the cap whole, and cuts one character more', () => {
    expect(logLine('y'.repeat(MAX_LINE_CHARS))).toBe('y'.repeat(MAX_LINE_CHARS))
    expect(logLine('y'.repeat(MAX_LINE_CHARS + 1))).toBe(`${'y'.repeat(MAX_LINE_CHARS)}… (${MAX_LINE_CHARS + 1} characters in all)`)
  })

  it('cuts before a character that would be split, and only then', () => {
    expect(logLine(`${'x'.repeat(MAX_LINE_CHARS - 1)}😀😀`)).toBe(
      `${'x'.repeat(MAX_LINE_CHARS - 1)}… (${MAX_LINE_CHARS + 3} characters in all)`
    )
    expect(logLine(`${'x'.repeat(MAX_LINE_CHARS - 2)}😀😀`)).toBe(
      `${'x'.repeat(MAX_LINE_CHARS - 2)}😀… (${MAX_LINE_CHARS + 2} characters in all)`
    )
  })

  it.each([
    ['\ud800\udc00', 'the first'],
    ['\udbff\udfff', 'the last']
  ])('cuts before a pair of %s high surrogate (%s)', pair => {
    const line = logLine(`${'x'.repeat(MAX_LINE_CHARS - 1)}${pair}`)
    expect(line.startsWith(`${'x'.repeat(MAX_LINE_CHARS - 1)}…`)).toBe(true)
  })

  it('keeps a pair that ends exactly at the cap', () => {
    const line = logLine(`${'x'.repeat(MAX_LINE_CHARS - 2)}😀y`)
    expect(line.startsWith(`${'x'.repeat(MAX_LINE_CHARS - 2)}😀…`)).toBe(true)
  })

  it('never cuts a character in two', () => {
    const line = logLine(`${'x'.repeat(MAX_LINE_CHARS - 1)}😀😀`)
    expect(line).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })

  // The property the runner cares about: whatever the text, the line holds no command in either form.
  it('never yields a line the runner reads as a command', () => {
    const pieces = fc.constantFrom(
      '::',
      '##[',
      ']',
      ' ',
      '\t',
      '\n',
      '\r',
      '\u2028',
      '\u00a0',
      '\u200b',
      'warning',
      'error',
      'add-mask',
      'stop-commands',
      'x',
      '#',
      ':'
    )
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), parts => {
        const line = logLine(parts.join(''))
        expect(line).not.toMatch(/[\r\n]/)
        expect(commandOf(line)).toBeUndefined()
      }),
      runs(2000)
    )
  })
})

describe('the one way out', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src')
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
    )

  test('no module but src/base/log.ts writes to stdout or to the log', () => {
    const writers =
      /\bcore\.(info|debug|notice|warning|error|setFailed|setSecret|startGroup|endGroup|group)\(|console\.|process\.(stdout|stderr)\.write/
    const offenders = files(src)
      .filter(file => relative(src, file) !== join('base', 'log.ts'))
      .filter(file => writers.test(readFileSync(file, 'utf8')))
      .map(file => relative(src, file))
    expect(offenders).toEqual([])
  })
})

describe('log: what reaches the runner', () => {
  let written: string[] = []
  const write = process.stdout.write
  const exitCode = process.exitCode

  beforeEach(() => {
    written = []
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    }) as typeof process.stdout.write
  })

  afterEach(() => {
    process.stdout.write = write
    useRedaction(text => text)
    process.exitCode = exitCode
  })

  it.each([
    ['info', '::warning::x\nline two', ': :warning::x line two\n'],
    ['notice', 'n ##[error]', '::notice::n ## [error]\n'],
    ['warning', 'w\nx', '::warning::w x\n'],
    ['failed', 'f\r\ng', '::error::f g\n']
  ] as const)('%s writes one line, made safe', (level, text, line) => {
    log[level](text)
    expect(written).toEqual([line])
  })

  it('debug writes a debug command, made safe', () => {
    log.debug('::error::e\n##[warning]f')
    expect(written).toEqual(['::debug::: :error::e ## [warning]f\n'])
  })

  it('failed fails the step', () => {
    log.failed('bad')
    expect(process.exitCode).toBe(1)
  })

  it('redacts every line with the redaction it was given, before the line is made', () => {
    useRedaction(text => text.replaceAll('s3cret', '***'))
    log.info('key s3cret here')
    log.warning('s3cret')
    expect(written).toEqual(['key *** here\n', '::warning::***\n'])
  })

  it('masks a secret with the runner, and an empty one not at all', () => {
    maskSecret('')
    expect(written).toEqual([])
    maskSecret('k-123')
    expect(written).toEqual(['::add-mask::k-123\n'])
  })
})
