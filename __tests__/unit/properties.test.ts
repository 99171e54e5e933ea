// Property tests (fast-check) for the pure parts: any input gives an answer, never a throw, and what
// is shown is exactly what came in. Renderings are checked the way GitHub reads them: rendered by a
// GFM parser (micromark with the GFM extensions, raw HTML allowed) and the HTML read back with parse5.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import fc from 'fast-check'
import { formatDuration, parseDuration } from '../../src/base/duration.js'
import { mapJsonStrings, stringifyJson } from '../../src/base/json.js'
import { redactor } from '../../src/base/redact.js'
import type { Report, Status } from '../../src/base/types.js'
import { classifyAnswer, classifyNetworkError } from '../../src/cekura/answers.js'
import { readProgress } from '../../src/cekura/progress.js'
import { renderComment } from '../../src/report/comment.js'
import { cellText, fencedBlock, headingText, inlineCode, preBlock, printable } from '../../src/report/markdown.js'
import { renderSummary } from '../../src/report/summary.js'
import { type Element, elements, renderTree, textOf, textOutside } from '../support/gfm.js'
import { parseOutputFile } from '../support/run-action.mjs'
import { secretFormIn } from '../support/leaks.mjs'
import { runs } from '../support/property-runs.js'

/** Pieces of Markdown, HTML and GitHub syntax that a renderer must keep inert. */
const TOKENS = [
  '![t](https://x.test/y.png)',
  '[a](https://x.test)',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '</pre>',
  '<pre>',
  '</code>',
  '<code>',
  '<details open><summary>s</summary>',
  '</details>',
  '<!--',
  '-->',
  '```',
  '~~~',
  '`',
  '@octocat',
  '@org/team',
  '#12',
  'GH-12',
  'org/repo#3',
  ':smile:',
  'www.example.com',
  'https://x.test/a?b=c',
  'a@b.co',
  '&amp;',
  '&#64;',
  '&#x40;',
  '&lt;',
  '\\',
  '|',
  '|---|',
  '$x$',
  '$$',
  '**b**',
  '__u__',
  '~~s~~',
  '[^1]',
  '* ',
  '- ',
  '1. ',
  '> ',
  '# ',
  '---',
  '===',
  '    ',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\u2028',
  '\u0085',
  '\0',
  '\u001b[2J',
  '\ud800',
  '\u200d',
  'ü',
  '😀'
]
const PUNCTUATION = Array.from('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \n')

/** Strings weighted toward Markdown and HTML punctuation. */
const hostile = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...PUNCTUATION) },
    { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
    { weight: 2, arbitrary: fc.constantFrom('a', 'b', 'x', '1', '0') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 1 }) }
  ),
  maxLength: 40
})

const RUNS = runs(400)

/** The only elements in the tree, by tag name, in document order. */
function tags(root: Parameters<typeof elements>[0]): string[] {
  return elements(root).map(element => element.tagName)
}

function only(list: Element[], tag: string): Element {
  const found = list.filter(element => element.tagName === tag)
  expect(found).toHaveLength(1)
  return found[0] as Element
}

describe('the renderers show outside text exactly, and nothing else', () => {
  test('table cell', () => {
    fc.assert(
      fc.property(hostile, text => {
        const tree = renderTree(`| a | b |\n| --- | --- |\n| x | ${cellText(text)} |\n`)
        expect(tags(tree)).toEqual(['table', 'thead', 'tr', 'th', 'th', 'tbody', 'tr', 'td', 'td', 'code'])
        const code = only(elements(tree), 'code')
        expect(textOf(code)).toBe(printable(text))
        expect(textOutside(tree, ['code']).join('').replace(/\s+/g, '')).toBe('abx')
      }),
      RUNS
    )
  })

  test('heading', () => {
    fc.assert(
      fc.property(hostile, text => {
        const tree = renderTree(`## Title (${headingText(text)}): done\n`)
        expect(tags(tree)).toEqual(['h2', 'code'])
        expect(textOf(only(elements(tree), 'code'))).toBe(printable(text))
        expect(textOutside(tree, ['code']).join('').trim()).toBe('Title (): done')
      }),
      RUNS
    )
  })

  test('<pre> block', () => {
    fc.assert(
      fc.property(hostile, text => {
        const tree = renderTree(`before\n\n${preBlock(text)}\n\nafter\n`)
        expect(tags(tree)).toEqual(['p', 'pre', 'p'])
        expect(textOf(only(elements(tree), 'pre'))).toBe(printable(text))
        expect(textOutside(tree, ['pre']).join('').trim()).toBe('before\n\nafter')
      }),
      RUNS
    )
  })

  test('fenced block', () => {
    fc.assert(
      fc.property(hostile, text => {
        const tree = renderTree(`before\n\n${fencedBlock(text, 'diff')}\n\nafter\n`)
        expect(tags(tree)).toEqual(['p', 'pre', 'code', 'p'])
        // A fenced block's text always ends with the line break before the closing fence.
        expect(textOf(only(elements(tree), 'code'))).toBe(`${printable(text)}\n`)
        expect(textOutside(tree, ['pre']).join('').trim()).toBe('before\n\nafter')
      }),
      RUNS
    )
  })

  test('inline code', () => {
    fc.assert(
      fc.property(hostile, text => {
        const shown = printable(text).replace(/\n/g, ' ')
        const tree = renderTree(`before ${inlineCode(text)} after\n`)
        if (shown === '') {
          expect(tags(tree)).toEqual(['p'])
          return
        }
        expect(tags(tree)).toEqual(['p', 'code'])
        expect(textOf(only(elements(tree), 'code'))).toBe(shown)
        expect(textOutside(tree, ['code']).join('').trim()).toBe('before  after')
      }),
      RUNS
    )
  })
})

describe('the summary and the comment, with outside text everywhere', () => {
  // Every outside text carries this mark, so that where it lands can be told from our own words.
  const MARK = 'ʘ'
  const marked = hostile.map(text => `${MARK}${text}${MARK}`)
  const STATUSES: Status[] = ['completed', 'failed', 'timed-out', 'cancelled']
  const RUN_URL = 'https://github.com/example-org/example-repo/actions/runs/1'

  const reports = fc.record({
    status: fc.constantFrom(...STATUSES),
    progressId: marked,
    instructions: marked,
    expectedOutcome: marked,
    error: marked,
    extra: marked,
    current: fc.option(marked, { nil: undefined }),
    header: marked.map(text => text.replace(/[\r\n]/g, ' ').slice(0, 100))
  })

  type Fields = typeof reports extends fc.Arbitrary<infer T> ? T : never

  function reportOf(fields: Fields): Report {
    return {
      mode: 'improve',
      outcome: {
        status: fields.status,
        progressId: fields.progressId,
        instructions: fields.instructions,
        expectedOutcome: fields.expectedOutcome,
        error: fields.error,
        lastResponse: null,
        polls: 3,
        elapsedMs: 4200
      },
      extraInstructions: fields.extra,
      ...(fields.current !== undefined ? { currentInstructions: fields.current } : {})
    }
  }

  /** Nothing live: no image, script or foreign link, and outside text only inside code or pre. */
  function expectInert(markdown: string, links: string[]): void {
    const tree = renderTree(markdown)
    const found = elements(tree)
    expect(found.filter(element => ['img', 'script', 'iframe', 'style', 'input', 'h1'].includes(element.tagName))).toEqual([])
    const hrefs = found.filter(element => element.tagName === 'a').map(element => element.attrs.find(a => a.name === 'href')?.value)
    for (const href of hrefs) expect(links).toContain(href)
    expect(textOutside(tree, ['code', 'pre']).filter(text => text.includes(MARK))).toEqual([])
  }

  test('job summary', () => {
    fc.assert(
      fc.property(reports, fields => {
        expectInert(renderSummary(reportOf(fields), { apiHost: 'api.cekura.ai', instructionsFile: '/tmp/x.txt' }), [])
      }),
      runs(200)
    )
  })

  test('pull-request comment', () => {
    fc.assert(
      fc.property(reports, fields => {
        expectInert(renderComment(reportOf(fields), { header: fields.header, runUrl: RUN_URL }), [RUN_URL])
      }),
      runs(200)
    )
  })
})

describe('durations', () => {
  test('every formatted duration parses back to a duration that formats the same', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 6 * 3_600_000, noNaN: true }), ms => {
        const text = formatDuration(ms)
        const parsed = parseDuration(text)
        expect(parsed).toBeDefined()
        expect(formatDuration(parsed as number)).toBe(text)
        // Within what the format rounds to: a millisecond, a tenth of a second, then a second (after the
        // tenth), and from an hour on whole minutes (the seconds are dropped).
        const error = ms < 999.5 ? 0.5 : ms < 59_950 ? 50 : ms < 3_599_500 ? 550 : 60_000
        expect(Math.abs((parsed as number) - ms)).toBeLessThanOrEqual(error + 0.001)
      }),
      runs(3000)
    )
  })
})

/** A value nested `depth` deep, built without recursion. */
function nested(depth: number, inner: unknown, asObject: boolean): unknown {
  let value = inner
  for (let i = 0; i < depth; i++) value = asObject ? { error: value, k: i } : [value]
  return value
}

describe('the progress reader and the answer classifier are total', () => {
  const bodies = fc.oneof(
    fc.jsonValue(),
    fc.anything(),
    fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.jsonValue(), fc.boolean()).map(([depth, inner, asObject]) => ({
      status: 'failed',
      error: nested(depth, inner, asObject),
      stage: nested(depth % 50, 'x', false)
    }))
  )

  test('readProgress gives a state for any value', () => {
    fc.assert(
      fc.property(bodies, body => {
        expect(['running', 'completed', 'failed', 'cancelled']).toContain(readProgress(body).state)
      }),
      runs(500)
    )
  })

  const texts = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.jsonValue().map(value => JSON.stringify(value)),
    fc.uint8Array({ maxLength: 200 }).map(bytes => Buffer.from(bytes).toString('utf8')),
    fc
      .tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom('[', '{"detail":', '{"a":['))
      .map(([depth, open]) => `${open.repeat(depth)}"x"${(open === '[' ? ']' : open === '{"detail":' ? '}' : ']}').repeat(depth)}`)
  )

  test('classifyAnswer gives a verdict for any status, headers and body', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        texts,
        fc.dictionary(fc.constantFrom('retry-after', 'location', 'content-type'), fc.string()),
        (status, body, headers) => {
          const verdict = classifyAnswer({ status, headers, body }, Date.now())
          expect(['ok', 'transient', 'not-found', 'fatal']).toContain(verdict.kind)
        }
      ),
      runs(500)
    )
  })

  test('classifyNetworkError gives a verdict for anything thrown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ code: fc.string(), message: fc.string() })), error => {
        expect(['transient', 'fatal']).toContain(classifyNetworkError(error).kind)
      })
    )
  })
})

describe('JSON of any depth', () => {
  test('stringifyJson writes what JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), value => {
        expect(stringifyJson(value)).toBe(JSON.stringify(value))
      }),
      runs(1000)
    )
  })

  test('stringifyJson and mapJsonStrings go a million deep', () => {
    const text = `${'['.repeat(1_000_000)}"deep"${']'.repeat(1_000_000)}`
    const value = JSON.parse(text) as unknown
    expect(stringifyJson(value)).toBe(text)
    expect(stringifyJson(mapJsonStrings(value, s => s.toUpperCase()))).toBe(text.replace('deep', 'DEEP'))
  })

  test('mapJsonStrings maps every string and key, and leaves no prototype to reach', () => {
    fc.assert(
      fc.property(fc.jsonValue(), value => {
        const mapped = mapJsonStrings(value, text => `<${text}>`)
        const expected = JSON.parse(JSON.stringify(value), function (this: unknown, _key, item) {
          if (typeof item === 'string') return `<${item}>`
          if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
            return Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([k, v]) => [`<${k}>`, v]))
          }
          return item
        }) as unknown
        expect(stringifyJson(mapped)).toBe(JSON.stringify(expected))
      }),
      runs(500)
    )
    const mapped = mapJsonStrings(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "x"}'), text => text) as Record<string, unknown>
    expect(Object.getPrototypeOf(mapped)).toBeNull()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('redaction', () => {
  const secrets = fc.string({ unit: fc.constantFrom(...Array.from('abcXYZ0189/+="\\%&-_.~ é')), minLength: 6, maxLength: 24 })
  const surroundings = fc.string({ unit: fc.constantFrom(...Array.from('ab /+=%"\\:')), maxLength: 8 })

  test('no form of the secret survives, wherever it stands', () => {
    const forms: Array<(secret: string, before: string) => string> = [
      secret => secret,
      secret => JSON.stringify(secret).slice(1, -1),
      secret => Array.from(secret, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      secret => JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
      secret => encodeURIComponent(secret),
      secret => encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, code => code.toLowerCase()),
      secret => Array.from(Buffer.from(secret), byte => `%${byte.toString(16)}`).join(''),
      (secret, before) => Buffer.from(`${before}${secret}`).toString('base64'),
      (secret, before) => Buffer.from(`${before}${secret}`).toString('base64url')
    ]
    fc.assert(
      fc.property(secrets, surroundings, surroundings, fc.integer({ min: 0, max: forms.length - 1 }), (secret, before, after, which) => {
        const form = (forms[which] as (typeof forms)[number])(secret, before)
        const text = `${before}${form}${after}`
        const shown = redactor(secret)(text)
        expect(secretFormIn(shown, secret)).toBeUndefined()
      }),
      runs(2000)
    )
  })
})

describe('GITHUB_OUTPUT', () => {
  let dir: string
  let file: string
  const saved = process.env.GITHUB_OUTPUT
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cekura-output-'))
    file = join(dir, 'output')
    process.env.GITHUB_OUTPUT = file
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT
    else process.env.GITHUB_OUTPUT = saved
    rmSync(dir, { recursive: true, force: true })
  })

  test('every value written by @actions/core reads back exactly with a runner-style parser', () => {
    const values = fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 1 }),
        fc.constantFrom('\n', '\r', '\r\n', 'EOF', 'ghadelimiter_', '<<', '=', 'status')
      ),
      maxLength: 60
    })
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 4 }), list => {
        writeFileSync(file, '')
        for (const [index, value] of list.entries()) core.setOutput(`out-${index}`, value)
        const read = parseOutputFile(readFileSync(file, 'utf8'))
        // The file is UTF-8: a lone surrogate can only be written as U+FFFD.
        expect(read).toEqual(Object.fromEntries(list.map((value, index) => [`out-${index}`, Buffer.from(value).toString('utf8')])))
      }),
      runs(500)
    )
  })
})
