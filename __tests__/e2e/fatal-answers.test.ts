// End-to-end: answers that end the wait at once (401, 403, 400) or after a few tries (404), and
// redirects to another host, which must never carry the key there.
import {
  KEY,
  errorText,
  expectKeySafe,
  expectNotCompletedOutputs,
  expectSummaryOf,
  fastInputs,
  progressRequests,
  run,
  useFake
} from '../support/e2e.js'

describe('fatal answers', () => {
  const ctx = useFake()

  test('401 (wrong key): fails at once, one request, message about the api-key secret and forks', async () => {
    const wrongKey = 'wrong-key-98765'
    const result = await run({ inputs: fastInputs(ctx.fake, 'complete-after-1', { 'api-key': wrongKey }), debug: true })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expect(progressRequests(ctx.fake)[0]?.response?.status).toBe(401)
    expect(result.outputs.error).toMatch(/api-key/)
    expect(result.outputs.error).toMatch(/fork/i)
    expect(errorText(result)).toMatch(/api-key/)
    expect(result.summary).toMatch(/api-key/)
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result, wrongKey)
  })

  test('403: fails at once, one request, message about the api-key secret and forks', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'forbidden') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expect(result.outputs.error).toMatch(/api-key/)
    expect(result.outputs.error).toMatch(/fork/i)
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result)
  })

  test('404: retried 3 times (4 requests), then fails about an unknown progress id', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'no-such-job', { timeout: '30s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(progressRequests(ctx.fake)).toHaveLength(4)
    expect(result.outputs.polls).toBe('4')
    expect(result.outputs.error).toMatch(/progress[-_ ]?id/i)
    expect(result.outputs.error).toMatch(/unknown|not found/i)
    expectSummaryOf(result, 'failed', 4)
    expectKeySafe(result)
  })

  test('400 with {"detail": ...}: fails at once, showing the detail', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'bad-request') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expect(result.outputs.error).toContain('progress_id must be a valid UUID.')
    expect(errorText(result)).toContain('progress_id must be a valid UUID.')
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result)
  })

  test('400 with DRF field errors: fails at once, showing them', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'field-errors') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expect(result.outputs.error).toContain('Must be a valid UUID.')
    expect(result.outputs.error).toContain('progress_id')
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result)
  })

  test('an error body that repeats the key: the key is *** in every output, log line and file', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'echo-key'), debug: true })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    // The fake really did send the key back, so a leak would be visible.
    expect(progressRequests(ctx.fake)[0]?.response?.body).toContain(KEY)
    expect(result.outputs.error).toContain('API key *** has no access')
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result)
  })

  test('an error body that is the key many times over: no piece of it in any quote of the body', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'echo-key-many'), debug: true })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(progressRequests(ctx.fake)[0]?.response?.body).toContain(KEY.repeat(400))
    // The debug line quotes the body's head; each hidden key is shorter than the key, and text from past
    // the head, where a key is cut in two, must not move into it.
    const debug = result.stdout.split('\n').filter(line => line.startsWith('::debug::HTTP 400'))
    expect(debug).toHaveLength(1)
    const piece = KEY.slice(0, 6)
    const shown = result.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
    expect(shown.filter(line => line.includes(piece))).toEqual([])
    for (const value of Object.values(result.outputs)) expect(value).not.toContain(piece)
    expect(result.summary).not.toContain(piece)
    expectKeySafe(result)
  })

  test('a redirect to another host: an error, and the other host never gets the key', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'redirect-other-host'), debug: true })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toMatch(/redirect/i)
    expect(progressRequests(ctx.fake)[0]?.response?.status).toBe(302)
    for (const request of ctx.fake.requests.filter(r => r.server === 'other')) {
      expect(JSON.stringify(request)).not.toContain(KEY)
    }
    expect(result.outputs.instructions).not.toContain('served by the redirect target host')
    expectSummaryOf(result, 'failed', 1)
    expectKeySafe(result)
  })
})
