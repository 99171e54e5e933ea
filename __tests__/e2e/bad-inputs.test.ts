// End-to-end: bad inputs fail before any request, with a message naming the input.
import { KEY, errorText, expectKeySafe, fastInputs, run, useFake } from '../support/e2e.js'
import { assertSecretAbsent } from '../support/run-action.mjs'

describe('bad inputs', () => {
  const ctx = useFake()

  const cases: Array<[string, Record<string, string | undefined>, string]> = [
    ['timeout "abc"', { timeout: 'abc' }, 'timeout'],
    ['timeout "0"', { timeout: '0' }, 'timeout'],
    ['timeout "7h" (over 6h)', { timeout: '7h' }, 'timeout'],
    ['timeout "-5s"', { timeout: '-5s' }, 'timeout'],
    ['poll-interval "50ms" (under 100ms)', { 'poll-interval': '50ms' }, 'poll-interval'],
    ['poll-interval above max-poll-interval', { 'poll-interval': '1m', 'max-poll-interval': '30s' }, 'poll-interval'],
    ['max-poll-interval "soon"', { 'max-poll-interval': 'soon' }, 'max-poll-interval'],
    ['api-url http://example.com (plain http, not loopback)', { 'api-url': 'http://example.com' }, 'api-url'],
    ['api-url "not a url"', { 'api-url': 'not a url' }, 'api-url'],
    ['api-url ftp://127.0.0.1', { 'api-url': 'ftp://127.0.0.1/' }, 'api-url'],
    ['fail-on-error "maybe"', { 'fail-on-error': 'maybe' }, 'fail-on-error'],
    ['summary "sometimes"', { summary: 'sometimes' }, 'summary'],
    ['progress-id empty', { 'progress-id': '' }, 'progress-id']
  ]

  test.each(cases)('%s: exit 1 naming the input, no request', async (_name, inputs, input) => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', inputs) })

    expect(result.code).toBe(1)
    expect(errorText(result)).toContain(input)
    expect(ctx.fake.requests).toHaveLength(0)
    expectKeySafe(result)
  })

  test('api-key missing: exit 1 naming api-key, no request', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', { 'api-key': undefined }) })

    expect(result.code).toBe(1)
    expect(errorText(result)).toContain('api-key')
    expect(ctx.fake.requests).toHaveLength(0)
    assertSecretAbsent(result, KEY)
  })
})
