import { mapJsonStrings } from './json.js'
import type { Report } from './types.js'

export const REDACTED = '***'

const SHORT_JSON_ESCAPES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null), {
    '"': '\\"',
    '\\': '\\\\',
    '/': '\\/',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t'
  })
)
/** base64 pieces shorter than this could match ordinary text by chance. */
const MIN_BASE64_FORM = 8

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/** A hex digit in either case, as a regular expression. */
function hexDigit(digit: string): string {
  return /[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit
}

function hexPattern(value: number, width: number): string {
  return Array.from(value.toString(16).padStart(width, '0'), hexDigit).join('')
}

/**
 * The ways one character of a secret may be spelled: as itself, as any JSON escape of it (`\u0041`
 * in either case, `\/`, `\"`), or percent-encoded byte by byte in either case (`+` for a space).
 */
function characterPattern(char: string): string {
  const forms = [escapeRegExp(char)]
  const short = SHORT_JSON_ESCAPES[char]
  if (short !== undefined) forms.push(escapeRegExp(short))
  // JSON escapes UTF-16 units: a character outside the BMP as its two surrogates (split(''), not Array.from).
  forms.push(
    char
      .split('')
      .map(unit => `\\\\u${hexPattern(unit.charCodeAt(0), 4)}`)
      .join('')
  )
  forms.push(Array.from(Buffer.from(char, 'utf8'), byte => `%${hexPattern(byte, 2)}`).join(''))
  if (char === ' ') forms.push('\\+')
  return `(?:${forms.join('|')})`
}

/**
 * The parts of the secret's base64 that do not depend on the bytes around it, for each of the three
 * offsets it may start at inside a longer encoded text (`user:KEY` in a Basic header, say), in the
 * standard and the URL-safe alphabet.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms = new Set<string>()
  // Stryker disable next-line EqualityOperator: at offset 3 the encoding is offset 0's behind four more characters, so its pieces are the same
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    // Character i stands for bits 6i to 6i+5: keep the ones that lie wholly inside the secret.
    const part = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6))
    if (part.length >= MIN_BASE64_FORM) {
      forms.add(part)
      forms.add(part.replace(/\+/g, '-').replace(/\//g, '_'))
    }
  }
  return [...forms]
}

/** A function that hides secrets, with the longest text one hidden secret can take. */
export interface Redactor {
  (text: string): string
  /** The most characters one occurrence of a secret can take in any form it is recognised in. */
  readonly maxFormLength: number
  /**
   * The start of `text`, at most `length` characters, with every secret hidden: a secret that begins
   * before the cut is hidden whole, and nothing from past the cut is shown. Only the start (and room
   * for one secret past it) is searched, so quoting the head of a 16 MiB answer stays cheap.
   */
  head(text: string, length: number): string
}

/**
 * Returns a function that replaces each secret wherever it appears, in every form the action may meet
 * it in: raw, JSON-escaped in any spelling, URL-encoded in any spelling, or base64 (standard or
 * URL-safe, at any offset). Applied to every log line, output, file, summary and comment, since a
 * misbehaving server may echo a key back in any of those forms.
 */
export function redactor(...secrets: string[]): Redactor {
  const distinct = [...new Set(secrets.filter(secret => secret.length > 0))].sort((a, b) => b.length - a.length)
  if (distinct.length === 0) {
    return Object.assign((text: string) => text, { maxFormLength: 0, head: (text: string, length: number) => text.slice(0, length) })
  }
  // Longest form first, so a longer form is never cut short by a shorter one that begins it. Belt and braces:
  // each secret's forms already follow the longer secrets', and a search found no pair where this changes the result.
  // Stryker disable next-line MethodExpression,ArithmeticOperator: see above
  const base64 = distinct.flatMap(base64Forms).sort((a, b) => b.length - a.length)
  const spelled = distinct.map(secret => Array.from(secret, characterPattern).join(''))
  const pattern = new RegExp([...base64.map(escapeRegExp), ...spelled].join('|'), 'g')
  // A character spelled the longest way: `\uXXXX` twice (a surrogate pair) or four %XX.
  const maxFormLength = Math.max(...distinct.map(secret => secret.length * 12))
  const redact = (text: string): string => text.replace(pattern, REDACTED)
  const head = (text: string, length: number): string => {
    // The text is kept by its own positions: a REDACTED shorter than the secret it hides must not pull
    // text from past the cut (where a secret may be cut in two, and so not found) into the head.
    // Stryker disable next-line MethodExpression: searching the whole text finds the same matches before the cut, only slower
    const searched = text.slice(0, length + maxFormLength)
    let shown = ''
    let from = 0
    for (const match of searched.matchAll(pattern)) {
      // Stryker disable next-line EqualityOperator: a match at the cut itself adds only what the last slice cuts off
      if (match.index >= length) break
      shown += `${searched.slice(from, match.index)}${REDACTED}`
      from = match.index + match[0].length
    }
    return `${shown}${searched.slice(from, length)}`.slice(0, length)
  }
  return Object.assign(redact, { maxFormLength, head })
}

/** Redacts every string inside a JSON value, keys included, at any depth; objects come back without a prototype. */
export function redactJson(value: unknown, redact: (text: string) => string): unknown {
  return mapJsonStrings(value, redact)
}

/** The report with every text in it redacted: what the outputs, the summary and the comment may show. */
export function redactReport(report: Report, redact: (text: string) => string): Report {
  const { outcome } = report
  return {
    ...report,
    outcome: {
      ...outcome,
      progressId: redact(outcome.progressId),
      instructions: redact(outcome.instructions),
      expectedOutcome: redact(outcome.expectedOutcome),
      error: redact(outcome.error),
      lastResponse: redactJson(outcome.lastResponse, redact)
    },
    ...(report.extraInstructions !== undefined ? { extraInstructions: redact(report.extraInstructions) } : {}),
    ...(report.currentInstructions !== undefined ? { currentInstructions: redact(report.currentInstructions) } : {})
  }
}
