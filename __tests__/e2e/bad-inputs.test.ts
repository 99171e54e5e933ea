// End-to-end: bad inputs fail before any request, with a message naming the input, and still write
// every declared output: status failed, the error, 0 polls, the mode when known, applied false.
import { DECLARED_OUTPUTS, KEY, errorText, expectKeySafe, fastInputs, run, useFake } from '../support/e2e.js'
import { assertSecretAbsent, type RunResult } from '../support/run-action.mjs'

/** An input error: exit 1, status failed, the message as the one-line error output, no polls. */
function expectInputErrorOutputs(result: RunResult, input: string): void {
  expect(result.code).toBe(1)
  const message = errorText(result)
  expect(message).toContain(input)
  expect(result.outputs.status).toBe('failed')
  expect(result.outputs.error).toBe(message.replace(/\s*[\r\n]+\s*/g, ' '))
  expect(result.outputs.error).not.toContain('\n')
  expect(result.outputs.error).toContain(`'${input}'`)
  expect(result.outputs.polls).toBe('0')
}

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

  test.each([
    ['timeout "abc"', { timeout: 'abc' }, 'timeout'],
    ['poll-interval above max-poll-interval', { 'poll-interval': '1m', 'max-poll-interval': '30s' }, 'poll-interval'],
    ['api-url http://example.com', { 'api-url': 'http://example.com' }, 'api-url']
  ])('%s: the outputs say failed, give the message as error, and 0 polls', async (_name, inputs, input) => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', inputs) })

    expectInputErrorOutputs(result, input)
    expect(ctx.fake.requests).toHaveLength(0)
    expectKeySafe(result)
  })

  test('api-key missing: the outputs say failed, with the message and 0 polls', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', { 'api-key': undefined }) })

    expectInputErrorOutputs(result, 'api-key')
    expect(ctx.fake.requests).toHaveLength(0)
  })

  // The key travels in an HTTP header, which takes printable ASCII only: anything else is an input
  // error, before any request (and not a network error after the job may have started).
  test.each([
    ['a non-ASCII character', 'key-ключ'],
    ['a space', 'key with-space-123'],
    ['a tab', 'key\twith-tab-123'],
    ['a control character', 'key\u0007bell-123']
  ])('api-key holding %s: exit 1 naming api-key, no request, failed outputs', async (_name, key) => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', { 'api-key': key }) })

    expectInputErrorOutputs(result, 'api-key')
    expect(ctx.fake.requests).toHaveLength(0)
    expect(errorText(result)).toMatch(/ASCII/)
    // Masked first thing all the same, and found nowhere else.
    expectKeySafe(result, key)
  })

  test('api-key holding a non-ASCII character in generate mode: no POST is sent either', async () => {
    const key = 'key-ключ'
    const result = await run({
      inputs: fastInputs(ctx.fake, '', {
        'progress-id': undefined,
        'api-key': key,
        mode: 'generate',
        'agent-id': '1234',
        'extra-instructions': 'A caller.'
      })
    })

    expectInputErrorOutputs(result, 'api-key')
    expect(ctx.fake.requests).toHaveLength(0)
    expect(ctx.fake.started).toHaveLength(0)
    expectKeySafe(result, key)
  })

  // Later steps read every output whatever happened: each declared output is written, with a value that
  // says the step failed before any job, rather than left unset.
  test.each([
    ['timeout "abc" in poll mode', { timeout: 'abc' }, 'poll'],
    ['mode "sometimes"', { mode: 'sometimes' }, ''],
    ['nothing to do', { 'progress-id': undefined }, ''],
    ['generate without extra-instructions', { 'progress-id': undefined, 'agent-id': '1234' }, 'generate'],
    [
      'improve with apply and no scenario',
      { 'progress-id': undefined, 'current-instructions': 'x', 'agent-id': '1', 'extra-instructions': 'y', apply: 'true' },
      'improve'
    ]
  ])('%s: every declared output is written', async (_name, inputs, mode) => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', inputs) })

    expect(result.code).toBe(1)
    expect(Object.keys(result.outputs).sort()).toEqual(DECLARED_OUTPUTS)
    const empty = DECLARED_OUTPUTS.filter(name => !['status', 'error', 'polls', 'elapsed-seconds', 'mode', 'applied'].includes(name))
    expect(Object.fromEntries(empty.map(name => [name, result.outputs[name]]))).toEqual(Object.fromEntries(empty.map(name => [name, ''])))
    expect(result.outputs).toMatchObject({ status: 'failed', polls: '0', 'elapsed-seconds': '0.0', mode, applied: 'false' })
    expect(result.outputs.error).toBe(errorText(result).replace(/\s*[\r\n]+\s*/g, ' '))
    expect(ctx.fake.requests).toHaveLength(0)
  })
})
