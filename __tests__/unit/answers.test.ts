import {
  apiErrorText,
  backoffDelay,
  classifyAnswer,
  classifyNetworkError,
  isScopeMissing,
  MAX_NOT_FOUND_RETRIES,
  pacingOf,
  parsePollInterval,
  parseRetryAfter,
  type Verdict
} from '../../src/cekura/answers.js'
import { NetworkError, NOT_SENT, type HttpAnswer } from '../../src/cekura/http.js'

const NOW = Date.parse('2026-03-01T12:00:00Z')

function answer(status: number, body = '', headers: HttpAnswer['headers'] = {}): HttpAnswer {
  return { status, headers, body }
}

function kindOf(verdict: Verdict): Verdict['kind'] {
  return verdict.kind
}

describe('limits', () => {
  it('retries a 404 three times', () => {
    expect(MAX_NOT_FOUND_RETRIES).toBe(3)
  })
})

describe('pacing on a 2xx answer', () => {
  const running = '{"status":"processing"}'

  it('carries Retry-After in seconds', () => {
    expect(classifyAnswer(answer(200, running, { 'retry-after': '4' }), NOW)).toEqual({
      kind: 'ok',
      body: { status: 'processing' },
      pacing: { ms: 4000, header: 'Retry-After' }
    })
  })

  it('carries Retry-After as an HTTP date', () => {
    const date = new Date(NOW + 7000).toUTCString()
    expect(pacingOf(answer(200, running, { 'retry-after': date }), NOW)).toEqual({ ms: 7000, header: 'Retry-After' })
  })

  it('carries X-Poll-Interval in seconds, fractions too', () => {
    expect(pacingOf(answer(200, running, { 'x-poll-interval': '2.5' }), NOW)).toEqual({ ms: 2500, header: 'X-Poll-Interval' })
  })

  it('prefers Retry-After when both come', () => {
    expect(pacingOf(answer(200, running, { 'retry-after': '3', 'x-poll-interval': '9' }), NOW)).toEqual({ ms: 3000, header: 'Retry-After' })
  })

  it.each([
    ['3', 3000],
    [' 12 ', 12_000],
    ['0.25', 250]
  ])('reads X-Poll-Interval %j as %d ms', (text, ms) => {
    expect(parsePollInterval(text)).toBe(ms)
  })

  it.each(['3s', '1.', '.5', '2.5.1', '1e3', ''])('reads X-Poll-Interval %j as no pacing', text => {
    expect(parsePollInterval(text)).toBeUndefined()
  })

  it('has no pacing without a readable header', () => {
    // No pacing key at all, not one that is undefined: the verdict is what the poll loop logs and keeps.
    expect(classifyAnswer(answer(200, running), NOW)).toStrictEqual({ kind: 'ok', body: { status: 'processing' } })
    expect(pacingOf(answer(200, running, { 'x-poll-interval': 'soon', 'retry-after': 'later' }), NOW)).toBeUndefined()
    expect(parsePollInterval('-1')).toBeUndefined()
    expect(parsePollInterval(undefined)).toBeUndefined()
  })
})

describe('isScopeMissing', () => {
  it("recognises Cekura's 400 for a request without a tenant scope", () => {
    expect(isScopeMissing(400, '{"detail":"Please provide one of the required query parameter"}')).toBe(true)
    expect(isScopeMissing(400, '{"detail":"Please provide one of the required query parameters: agent_id, project_id"}')).toBe(true)
    expect(isScopeMissing(400, '{"project_id":["This field is required."]}')).toBe(true)
    expect(isScopeMissing(400, 'Please provide one of the required query parameter')).toBe(true)
  })

  it('leaves other answers alone', () => {
    expect(isScopeMissing(400, '{"progress_id":["Must be a valid UUID."]}')).toBe(false)
    expect(isScopeMissing(400, '{"detail":"progress_id must be a valid UUID."}')).toBe(false)
    expect(isScopeMissing(404, '{"detail":"Please provide one of the required query parameter"}')).toBe(false)
  })
})

describe('classifyAnswer: success', () => {
  it.each([200, 201, 202, 299])('reads a JSON body of HTTP %d as ok', status => {
    expect(classifyAnswer(answer(status, '{"status":"processing","n":1}'), NOW)).toEqual({
      kind: 'ok',
      body: { status: 'processing', n: 1 }
    })
  })

  it.each(['', 'not json', '<html>Bad gateway</html>', '{"status":', '{"a":1}garbage'])(
    'treats a 2xx body that is not JSON (%j) as transient',
    body => {
      const verdict = classifyAnswer(answer(200, body), NOW)
      expect(verdict.kind).toBe('transient')
      expect(verdict.kind === 'transient' && verdict.reason).toMatch(/not JSON/)
    }
  )
})

describe('classifyAnswer: transient statuses', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries HTTP %d', status => {
    const verdict = classifyAnswer(answer(status, '{"detail":"busy"}'), NOW)
    expect(verdict).toEqual({ kind: 'transient', reason: `HTTP ${status}` })
  })

  it('honours Retry-After in seconds', () => {
    expect(classifyAnswer(answer(429, '', { 'retry-after': '12' }), NOW)).toEqual({
      kind: 'transient',
      reason: 'HTTP 429',
      retryAfterMs: 12_000
    })
    expect(classifyAnswer(answer(503, '', { 'retry-after': ['3', '9'] }), NOW)).toMatchObject({ retryAfterMs: 3000 })
  })

  it('honours Retry-After as an HTTP date', () => {
    const date = new Date(NOW + 45_000).toUTCString()
    expect(classifyAnswer(answer(429, '', { 'retry-after': date }), NOW)).toMatchObject({ retryAfterMs: 45_000 })
  })

  it('leaves retryAfterMs out when the header is absent or unreadable', () => {
    expect(classifyAnswer(answer(429), NOW)).not.toHaveProperty('retryAfterMs')
    expect(classifyAnswer(answer(429, '', { 'retry-after': 'soon' }), NOW)).not.toHaveProperty('retryAfterMs')
  })
})

describe('classifyAnswer: fatal answers', () => {
  it.each([401, 403])('fails at once on HTTP %d, pointing at the api-key secret and forks', status => {
    const verdict = classifyAnswer(answer(status, '{"detail":"Invalid API key."}'), NOW)
    expect(verdict.kind).toBe('fatal')
    if (verdict.kind !== 'fatal') return
    expect(verdict.message).toContain(`HTTP ${status}`)
    expect(verdict.message).toContain('api-key')
    expect(verdict.message).toMatch(/fork/i)
    expect(verdict.message).toContain('Invalid API key.')
  })

  it('marks 404 as not-found (retried a few times) with the API detail', () => {
    expect(classifyAnswer(answer(404, '{"detail":"Not found."}'), NOW)).toEqual({
      kind: 'not-found',
      reason: 'HTTP 404: Not found.'
    })
    expect(classifyAnswer(answer(404, '<html>nope</html>'), NOW)).toEqual({ kind: 'not-found', reason: 'HTTP 404' })
  })

  it.each([400, 405, 409, 410, 413, 418, 422, 451])('fails at once on any other 4xx (%d)', status => {
    expect(kindOf(classifyAnswer(answer(status, ''), NOW))).toBe('fatal')
  })

  it("shows the API's detail for another 4xx", () => {
    const verdict = classifyAnswer(answer(400, '{"detail":"progress_id must be a UUID"}'), NOW)
    expect(verdict).toEqual({ kind: 'fatal', message: 'Cekura rejected the request (HTTP 400: progress_id must be a UUID).' })
  })

  it('shows DRF field errors for another 4xx', () => {
    const verdict = classifyAnswer(answer(400, '{"progress_id":["This field is required."],"non_field_errors":["Bad."]}'), NOW)
    expect(verdict.kind).toBe('fatal')
    if (verdict.kind !== 'fatal') return
    expect(verdict.message).toContain('progress_id: This field is required.')
    expect(verdict.message).toContain('Bad.')
    expect(verdict.message).not.toContain('non_field_errors')
  })

  it.each([301, 302, 303, 307, 308])('treats a redirect (HTTP %d) as fatal, never followed', status => {
    const verdict = classifyAnswer(answer(status, '', { location: 'https://evil.example/' }), NOW)
    expect(verdict.kind).toBe('fatal')
    expect(verdict.kind === 'fatal' && verdict.message).toMatch(/redirect/)
  })

  it('retries other 5xx codes', () => {
    expect(kindOf(classifyAnswer(answer(501), NOW))).toBe('transient')
    expect(kindOf(classifyAnswer(answer(599), NOW))).toBe('transient')
  })
})

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    [' 7 ', 7000],
    ['1.5', 1500],
    ['120', 120_000]
  ])('reads %j seconds as %d ms', (text, ms) => {
    expect(parseRetryAfter(text, NOW)).toBe(ms)
  })

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000)
  })

  it('reads a date in the past as no wait', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW)).toBe(0)
  })

  it('reads a day name and time of day that make no date as no wait, not as NaN', () => {
    expect(parseRetryAfter('Sun, 99 Foo 2026 12:00:30 GMT', NOW)).toBeUndefined()
  })

  it.each([undefined, '', 'soon', 'five', '5s', '.5'])('returns undefined for %j', text => {
    expect(parseRetryAfter(text, NOW)).toBeUndefined()
  })
})

describe('apiErrorText', () => {
  it.each([
    ['{"detail":"Authentication credentials were not provided."}', 'Authentication credentials were not provided.'],
    ['{"agent":["This field is required."]}', 'agent: This field is required.'],
    ['{"agent":["A.","B."],"extra_instructions":"C."}', 'agent: A. B.; extra_instructions: C.'],
    ['{"non_field_errors":["Bad combination."]}', 'Bad combination.'],
    ['"a bare string"', 'a bare string']
  ])('reads %s', (body, text) => {
    expect(apiErrorText(body)).toBe(text)
  })

  it.each(['', 'not json', '<html>502</html>', '{}', 'null', '42', 'true'])('returns undefined for %j', body => {
    expect(apiErrorText(body)).toBeUndefined()
  })
})

describe('classifyNetworkError', () => {
  const withCode = (code: string, message = `connect ${code} 1.2.3.4:443`): Error => Object.assign(new Error(message), { code })

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'EHOSTUNREACH'])(
    'retries %s and names it',
    code => {
      const verdict = classifyNetworkError(withCode(code))
      expect(verdict.kind).toBe('transient')
      expect(verdict.kind === 'transient' && verdict.reason).toContain(code)
    }
  )

  it('adds the message when it does not already name the code', () => {
    const verdict = classifyNetworkError(withCode('ECONNRESET', 'socket hang up'))
    expect(verdict).toEqual({ kind: 'transient', reason: 'network error ECONNRESET (socket hang up)' })
  })

  it('fails at once on a TLS error', () => {
    const verdict = classifyNetworkError(withCode('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))
    expect(verdict.kind).toBe('fatal')
    expect(verdict.kind === 'fatal' && verdict.message).toMatch(/TLS/)
  })

  it('fails at once on an aborted request (the run is being cancelled): another try cannot help', () => {
    const verdict = classifyNetworkError(new NetworkError('The operation was aborted', 'ABORTED'))
    expect(verdict.kind).toBe('fatal')
    expect(verdict.kind === 'fatal' && verdict.message).toMatch(/abort/i)
  })

  it('fails at once on a request that could not even be sent (ERR_NOT_SENT), keeping the reason', () => {
    expect(NOT_SENT).toBe('ERR_NOT_SENT')
    const verdict = classifyNetworkError(new NetworkError('Invalid character in header content ["X-CEKURA-API-KEY"]', NOT_SENT))
    expect(verdict.kind).toBe('fatal')
    expect(verdict.kind === 'fatal' && verdict.message).toContain('Invalid character in header content')
  })

  it('retries errors without a known code, and thrown non-Errors', () => {
    expect(kindOf(classifyNetworkError(new Error('something odd')))).toBe('transient')
    expect(kindOf(classifyNetworkError('a string was thrown'))).toBe('transient')
    expect(kindOf(classifyNetworkError(null))).toBe('transient')
    expect(kindOf(classifyNetworkError(undefined))).toBe('transient')
  })
})

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, capMs: 30_000 }

  it('grows exponentially with the attempt when the jitter is at its top', () => {
    const top = (): number => 1
    expect([1, 2, 3, 4, 5, 6].map(attempt => backoffDelay(attempt, policy, top))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000])
  })

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(50, policy, () => 0.999999)).toBeLessThanOrEqual(30_000)
    expect(backoffDelay(2000, policy, () => 1)).toBe(30_000)
  })

  it('is full jitter: anywhere from a tenth of the base up to the ceiling', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(100)
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000)
    expect(backoffDelay(3, policy, () => 0.25)).toBe(1000)
    for (let i = 0; i <= 100; i++) {
      const delay = backoffDelay(4, policy, () => i / 100)
      expect(delay).toBeGreaterThanOrEqual(100)
      expect(delay).toBeLessThanOrEqual(8000)
    }
  })

  it('treats attempt 0 or below like the first', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(1000)
    expect(backoffDelay(-3, policy, () => 1)).toBe(1000)
  })

  it('respects a cap below the base', () => {
    expect(backoffDelay(1, { baseMs: 1000, capMs: 500 }, () => 1)).toBe(500)
  })
})

describe('answers without a field', () => {
  it('shows a bare DRF list of messages', () => {
    expect(apiErrorText('["Job limit reached.", "Try later."]')).toBe('Job limit reached. Try later.')
  })
  it('treats certificate problems as fatal, not as network blips', () => {
    const error = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })
    expect(classifyNetworkError(error).kind).toBe('fatal')
  })
})
