// Redaction at the edges mutation testing found unpinned: each JSON escape, the `+` of a space, short
// base64 pieces, the URL-safe alphabet, and the head of a long text cut after redaction, not before.
import { base64Forms, REDACTED, redactedHead, redactor, type Redactor } from '../../src/base/redact.js'

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
})

describe('redactedHead', () => {
  // Made in each test, not while Jest collects them: mutation testing would count the redactor as static.
  let redact: Redactor
  beforeEach(() => {
    redact = redactor('s3cret-value', 'k')
  })

  it('is the whole text, redacted, when it is short', () => {
    expect(redactedHead('a s3cret-value b', 100, redact)).toBe(`a ${REDACTED} b`)
  })

  it('cuts after redacting, so no piece of a secret is left at the edge', () => {
    expect(redactedHead('abc s3cret-value def', 6, redact)).toBe(`abc ${REDACTED.slice(0, 2)}`)
  })

  it('searches past the cut for the longest form of the longest secret', () => {
    // Percent-encoded, the secret takes three times its length; it starts inside the head.
    const encoded = Array.from(Buffer.from('s3cret-value'), byte => `%${byte.toString(16)}`).join('')
    const text = `${'x'.repeat(10)}${encoded}${'y'.repeat(100_000)}`
    expect(redactedHead(text, 12, redact)).toBe(`${'x'.repeat(10)}${REDACTED.slice(0, 2)}`)
    expect(redact.maxFormLength).toBe('s3cret-value'.length * 12)
  })

  it('is empty for an empty text', () => {
    expect(redactedHead('', 10, redact)).toBe('')
    expect(redact('')).toBe('')
  })
})
