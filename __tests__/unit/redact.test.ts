import { REDACTED, redactJson, redactor, type Redactor } from '../../src/base/redact.js'

// A made-up key with characters that URL- and JSON-encoding change.
const KEY = 'ck_live_AbC+/="\\ 9xYz&?'

describe('redactor', () => {
  // Made in each test, not while Jest collects them: mutation testing would count the redactor as static.
  let redact: Redactor
  beforeEach(() => {
    redact = redactor(KEY)
  })

  it('replaces the raw key wherever it appears, every time', () => {
    expect(redact(`key=${KEY}; again ${KEY}${KEY}`)).toBe(`key=${REDACTED}; again ${REDACTED}${REDACTED}`)
  })

  it('replaces the URL-encoded key', () => {
    const text = `GET /x?api_key=${encodeURIComponent(KEY)}`
    const out = redact(text)
    expect(out).toBe(`GET /x?api_key=${REDACTED}`)
  })

  it('replaces the key as it appears inside a JSON string', () => {
    const body = JSON.stringify({ detail: `Invalid key ${KEY}` })
    const out = redact(body)
    expect(out).not.toContain(JSON.stringify(KEY).slice(1, -1))
    expect(out).toBe(JSON.stringify({ detail: `Invalid key ${REDACTED}` }))
  })

  it('leaves text without the key unchanged', () => {
    const text = 'ck_live_AbC is only a prefix; nothing to hide'
    expect(redact(text)).toBe(text)
  })

  it('does nothing for an empty secret', () => {
    const none = redactor('')
    expect(none('any text at all')).toBe('any text at all')
    expect(none('')).toBe('')
  })

  it('treats the secret literally, not as a pattern', () => {
    const pattern = redactor('a.c')
    expect(pattern('abc a.c')).toBe(`abc ${REDACTED}`)
    const dollar = redactor('$&')
    expect(dollar('x $& y')).toBe(`x ${REDACTED} y`)
  })

  it('hides several secrets at once, the longer first when one holds the other', () => {
    const both = redactor('token-abc', 'token-abc-longer', '')
    expect(both('a token-abc-longer b token-abc c')).toBe(`a ${REDACTED} b ${REDACTED} c`)
    expect(both('nothing secret')).toBe('nothing secret')
  })

  it('handles a simple key whose encoded forms are the same as the raw one', () => {
    const simple = redactor('abc123')
    expect(simple('abc123 and abc123')).toBe(`${REDACTED} and ${REDACTED}`)
  })
})

describe('redactJson', () => {
  // Made in each test, not while Jest collects them: mutation testing would count the redactor as static.
  let redact: Redactor
  beforeEach(() => {
    redact = redactor(KEY)
  })

  it('redacts every string, deeply, keys included', () => {
    const value = {
      status: 'failed',
      error: `bad key ${KEY}`,
      nested: { list: [KEY, 1, null, true, { [KEY]: `x${KEY}x` }] },
      n: 42
    }
    const out = redactJson(value, redact)
    expect(out).toEqual({
      status: 'failed',
      error: `bad key ${REDACTED}`,
      nested: { list: [REDACTED, 1, null, true, { [REDACTED]: `x${REDACTED}x` }] },
      n: 42
    })
    expect(JSON.stringify(out)).not.toContain(KEY)
    expect(JSON.stringify(out)).not.toContain(JSON.stringify(KEY).slice(1, -1))
  })

  it('does not change the value it was given', () => {
    const value = { error: KEY, list: [KEY] }
    redactJson(value, redact)
    expect(value).toEqual({ error: KEY, list: [KEY] })
  })

  it('passes non-strings through', () => {
    expect(redactJson(null, redact)).toBeNull()
    expect(redactJson(7, redact)).toBe(7)
    expect(redactJson(false, redact)).toBe(false)
    expect(redactJson(undefined, redact)).toBeUndefined()
  })
})
