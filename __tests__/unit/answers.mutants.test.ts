// What an answer or a network fault means, at the edges that mutation testing found unpinned: every
// code in the retry and TLS lists, the status boundaries, and the exact words of each reason.

import { apiErrorText, classifyAnswer, classifyNetworkError, fieldErrors, parseRetryAfter } from '../../src/cekura/answers.js'
import type { HttpAnswer } from '../../src/cekura/http.js'

const NOW = Date.parse('2026-03-01T12:00:00Z')

function answer(status: number, body = ''): HttpAnswer {
  return { status, headers: {}, body }
}

const withCode = (code: string | undefined, message: string): Error => Object.assign(new Error(message), { code })

describe('classifyNetworkError: the codes a later try can get past', () => {
  it.each([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'UND_ERR_SOCKET',
    'ERR_STREAM_PREMATURE_CLOSE',
    'HPE_INVALID_CONSTANT',
    'REQUEST_TIMEOUT'
  ])('%s is retried and named in the reason', code => {
    expect(classifyNetworkError(withCode(code, 'socket hang up'))).toEqual({
      kind: 'transient',
      reason: `network error ${code} (socket hang up)`
    })
  })

  it('does not repeat a message that already names the code', () => {
    expect(classifyNetworkError(withCode('ECONNRESET', 'read ECONNRESET'))).toEqual({
      kind: 'transient',
      reason: 'network error ECONNRESET'
    })
  })

  it('adds nothing for an empty message', () => {
    expect(classifyNetworkError(withCode('ETIMEDOUT', ''))).toEqual({ kind: 'transient', reason: 'network error ETIMEDOUT' })
  })

  it.each(['EPROTO', 'ESOMETHINGNEW', 'ERR_SSL_WRONG_VERSION_NUMBER'])(
    'an unknown code (%s) is retried, with the message as reason',
    code => {
      expect(classifyNetworkError(withCode(code, 'write EPROTO 1:error:0A00010B'))).toEqual({
        kind: 'transient',
        reason: 'network error: write EPROTO 1:error:0A00010B'
      })
    }
  )

  it('an error without a code is retried, with its message as reason', () => {
    expect(classifyNetworkError(new Error('other side closed'))).toEqual({ kind: 'transient', reason: 'network error: other side closed' })
  })
})

describe('classifyNetworkError: certificate problems fail at once', () => {
  it.each([
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
    'CERT_REVOKED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_TLS_HANDSHAKE_TIMEOUT'
  ])('%s is fatal and says TLS', code => {
    expect(classifyNetworkError(withCode(code, 'the certificate says no'))).toEqual({
      kind: 'fatal',
      message: 'TLS error talking to Cekura: the certificate says no'
    })
  })
})

describe('classifyAnswer: status boundaries', () => {
  it('HTTP 300 is a redirect, not a success', () => {
    expect(classifyAnswer(answer(300, '{"status":"completed"}'), NOW)).toEqual({
      kind: 'fatal',
      message: 'Cekura answered with a redirect (HTTP 300) that was not followed.'
    })
  })

  it.each([100, 199])('HTTP %d (below 200) is neither a success, a redirect nor a rejection: it is retried', status => {
    expect(classifyAnswer(answer(status, '{"status":"completed"}'), NOW)).toEqual({ kind: 'transient', reason: `HTTP ${status}` })
  })

  it('HTTP 399 is still a redirect, HTTP 400 a rejection and HTTP 499 too', () => {
    expect(classifyAnswer(answer(399), NOW)).toMatchObject({ kind: 'fatal', message: expect.stringMatching(/redirect \(HTTP 399\)/) })
    expect(classifyAnswer(answer(400), NOW)).toEqual({ kind: 'fatal', message: 'Cekura rejected the request (HTTP 400).' })
    expect(classifyAnswer(answer(499), NOW)).toEqual({ kind: 'fatal', message: 'Cekura rejected the request (HTTP 499).' })
  })

  it.each([501, 505, 599])('HTTP %d is retried with the status as reason', status => {
    expect(classifyAnswer(answer(status, '{"detail":"down"}'), NOW)).toEqual({ kind: 'transient', reason: `HTTP ${status}` })
  })
})

describe('parseRetryAfter: only a whole value is read as seconds', () => {
  it('reads fractional seconds with more than one decimal', () => {
    expect(parseRetryAfter('1.25', NOW)).toBe(1250)
  })

  it.each([
    '12abc',
    'x12',
    '3 seconds',
    'abc 12',
    '12 May',
    'Monday',
    'Mon, 12 May 2026',
    'soon 10:00:00',
    'Retry Mon, 01 Jan 2027 00:00:05 GMT',
    'Mon, 01 Jan 2027 00:00:5 GMT'
  ])('reads %j as nothing (not seconds, not an HTTP date)', value => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined()
  })

  it.each([
    ['Fri, 01 Jan 2027 00:00:05 GMT', 'IMF-fixdate'],
    ['Friday, 01-Jan-27 00:00:05 GMT', 'RFC 850'],
    ['Fri Jan  1 00:00:05 2027', 'asctime']
  ])('reads %j (%s) as the time until then', value => {
    expect(parseRetryAfter(value, Date.UTC(2027, 0, 1, 0, 0, 0))).toBe(5000)
  })
})

describe('fieldErrors', () => {
  it('reads nothing from a body that is not JSON', () => {
    expect(fieldErrors('<html>')).toBeUndefined()
  })

  it.each(['"text"', '["a", "b"]', 'null', '7'])('reads nothing from JSON that is not an object (%s)', body => {
    expect(fieldErrors(body)).toBeUndefined()
  })

  it('leaves out detail, which is not a field', () => {
    expect(fieldErrors('{"detail":"No.","name":["Too long."]}')).toEqual([['name', 'Too long.']])
  })

  it('shows messages that are not strings as JSON, and drops empty ones', () => {
    expect(fieldErrors('{"agent":[{"code":"invalid"}, "", "Bad id."]}')).toEqual([['agent', '{"code":"invalid"} Bad id.']])
  })

  it('takes a single message that is not in a list', () => {
    expect(fieldErrors('{"agent":"Bad id."}')).toEqual([['agent', 'Bad id.']])
  })

  it('leaves out a field with no message', () => {
    expect(fieldErrors('{"agent":[],"name":["Too long."]}')).toEqual([['name', 'Too long.']])
    expect(fieldErrors('{"agent":[]}')).toBeUndefined()
  })
})

describe('apiErrorText', () => {
  it('keeps only the strings of a bare list', () => {
    expect(apiErrorText('["Job limit reached.", 3, {"x": 1}]')).toBe('Job limit reached.')
  })

  it('reads nothing from an empty list or a list without strings', () => {
    expect(apiErrorText('[]')).toBeUndefined()
    expect(apiErrorText('[1, 2]')).toBeUndefined()
  })

  it.each(['null', '7', 'true'])('reads nothing from %s', body => {
    expect(apiErrorText(body)).toBeUndefined()
  })

  it('reads a bare JSON string', () => {
    expect(apiErrorText('"Slow down."')).toBe('Slow down.')
  })
})
