// Redaction at the edges mutation testing found unpinned: each JSON escape, the `+` of a space, short
// base64 pieces, the URL-safe alphabet, and the head of a long text cut after redaction, not before.
import { base64Forms, REDACTED, redactor, type Redactor } from '../../src/base/redact.js'

describe('every spelling of each character', () => {
  it.each([
    ['\b', '\\b'],
    ['\f', '\\f'],
    ['\n', '\\n'],
    ['\r', '\\r'],
    ['\t', '\\t'],
    ['"', '\\"'],
    ['\\', '\\\\'],
    ['/', '\\/']
  ])('the short JSON escape of %j', (char, escaped) => {
    const secret = `ab${char}cd`
    expect(redactor(secret)(`x ab${escaped}cd y`)).toBe(`x ${REDACTED} y`)
  })

  it('the \\u escape of every character, in either case', () => {
    expect(redactor('AbC')('\\u0041\\u0062\\u0043')).toBe(REDACTED)
    // A character outside the BMP is escaped as its two surrogates, one after the other.
    expect(redactor('a😀b')('a\\ud83d\\uDE00b')).toBe(REDACTED)
    expect(redactor('k-1')('\\u006B\\u002d\\u0031')).toBe(REDACTED)
  })

  it('a space as + (form encoding), and no other character as +', () => {
    expect(redactor('my key')('my+key')).toBe(REDACTED)
    expect(redactor('my key')('my%20key')).toBe(REDACTED)
    expect(redactor('mykey')('my+ey')).toBe('my+ey')
  })
})

describe('base64', () => {
  it('leaves out pieces shorter than 8 characters, which ordinary text could hold', () => {
    // 'abcd' is YWJjZA== whole; its pieces that do not depend on the bytes around it are 5 characters or fewer.
    expect(base64Forms('abcd')).toEqual([])
    expect(redactor('abcd')('YWJjZ')).toBe('YWJjZ')
  })

  it('hides the URL-safe alphabet as well as the standard one', () => {
    const secret = '>>>?>>>?>>>?'
    const standard = Buffer.from(secret).toString('base64')
    const urlSafe = Buffer.from(secret).toString('base64url')
    expect(standard).toMatch(/[+/]/)
    expect(redactor(secret)(standard)).not.toContain(standard.slice(0, 8))
    expect(redactor(secret)(urlSafe)).not.toContain(urlSafe.slice(0, 8))
    expect(redactor(secret)(urlSafe).startsWith(REDACTED)).toBe(true)
  })

  it('hides a URL-safe form with - and _ inside it whole', () => {
    const secret = '???>>>???>>>'
    const urlSafe = Buffer.from(secret).toString('base64url')
    expect(urlSafe).toBe('Pz8_Pj4-Pz8_Pj4-')
    expect(redactor(secret)(urlSafe)).toBe(REDACTED)
  })
})

describe('Redactor.head', () => {
  // Made in each test, not while Jest collects them: mutation testing would count the redactor as static.
  let redact: Redactor
  beforeEach(() => {
    redact = redactor('s3cret-value', 'k')
  })

  it('is the whole text, redacted, when it is short', () => {
    expect(redact.head('a s3cret-value b', 100)).toBe(`a ${REDACTED} b`)
  })

  it('cuts after redacting, so no piece of a secret is left at the edge', () => {
    expect(redact.head('abc s3cret-value def', 6)).toBe(`abc ${REDACTED.slice(0, 2)}`)
  })

  it('searches past the cut for the longest form of the longest secret', () => {
    // Percent-encoded, the secret takes three times its length; it starts inside the head.
    const encoded = Array.from(Buffer.from('s3cret-value'), byte => `%${byte.toString(16)}`).join('')
    const text = `${'x'.repeat(10)}${encoded}${'y'.repeat(100_000)}`
    expect(redact.head(text, 12)).toBe(`${'x'.repeat(10)}${REDACTED.slice(0, 2)}`)
    expect(redact.maxFormLength).toBe('s3cret-value'.length * 12)
  })

  it('never shows a piece of a secret that a shorter REDACTED pulled from past the cut', () => {
    // Thirty keys in a row: those that begin before the cut are hidden whole; the one cut in two by the
    // searched window is past the cut, and stays out.
    const key = 'sk_live_A1b2C3d4E5F6g7H8i9J0k1L2m3N4o5P6'
    const own = redactor(key)
    expect(own.head(key.repeat(30), 500)).toBe(REDACTED.repeat(13))
    expect(own.head(`${'x'.repeat(495)}${key.repeat(30)}`, 500)).toBe(`${'x'.repeat(495)}${REDACTED}`)
    expect(own.head(`ab${key}cd`, 100)).toBe(`ab${REDACTED}cd`)
  })

  it('without secrets is the first characters, as they are', () => {
    expect(redactor().head('abcdef', 4)).toBe('abcd')
    expect(redactor('').head('abcdef', 10)).toBe('abcdef')
  })

  it('is empty for an empty text', () => {
    expect(redact.head('', 10)).toBe('')
    expect(redact('')).toBe('')
  })
})
