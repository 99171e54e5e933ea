// End-to-end: jobs that end other than completed (failed, cancelled by Cekura, no text, never done).
import {
  KEY,
  errorText,
  expectEndsAtDeadline,
  expectKeySafe,
  expectNotCompletedOutputs,
  fastInputs,
  progressRequests,
  run,
  useFake
} from '../support/e2e.js'

describe('a job that does not complete', () => {
  const ctx = useFake()

  test("failed: exit 1, status failed, the job's error in error, ::error:: and the summary", async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'fail') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toContain('LLM quota exceeded')
    expect(errorText(result)).toContain('LLM quota exceeded')
    expect(result.outputs['expected-outcome']).toBe('')
    expect(result.outputs.polls).toBe('2')
    expect(progressRequests(ctx.fake)).toHaveLength(2)
    expect(JSON.parse(result.outputs.result ?? '')).toMatchObject({ status: 'failed', error: 'LLM quota exceeded' })
    expect(result.summary).toMatch(/^#+ .*failed/im)
    expect(result.summary).toContain('LLM quota exceeded')
    expectKeySafe(result)
  })

  test('failed with fail-on-error: false: exit 0, status failed, no ::error::', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'fail', { 'fail-on-error': 'false' }) })

    expect(result.code).toBe(0)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toContain('LLM quota exceeded')
    expect(errorText(result)).toBe('')
    expect(result.summary).toContain('LLM quota exceeded')
    expectKeySafe(result)
  })

  test('demo-fail (wall clock): failed with LLM quota exceeded', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'demo-fail') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toContain('LLM quota exceeded')
    expectKeySafe(result)
  })

  test('needs_clarification counts as failed and shows the question', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'needs-clarification') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toContain('which agent should the caller talk to?')
    expectKeySafe(result)
  })

  test('a job Cekura reports as "canceled" ends with status cancelled, exit 1', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'cancelled-job') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'cancelled')
    expect(result.summary).toMatch(/cancel/i)
    expectKeySafe(result)
  })

  test('a job Cekura cancelled, with fail-on-error false: status cancelled, the step passes', async () => {
    const result = await run({ inputs: { ...fastInputs(ctx.fake, 'cancelled-job'), 'fail-on-error': 'false' } })

    expect(result.code).toBe(0)
    expectNotCompletedOutputs(result, 'cancelled')
    expectKeySafe(result)
  })

  test('completed without any text: failed, the error says so and shows the response', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'no-text') })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toMatch(/instructions|text/i)
    expect(`${result.outputs.error}\n${result.summary}`).toContain('generator returned nothing')
    expect(progressRequests(ctx.fake)).toHaveLength(1)
    expectKeySafe(result)
  })

  test('a failed job whose error repeats the API key: the key is *** everywhere', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'echo-key-failed'), debug: true })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'failed')
    expect(result.outputs.error).toContain('Quota exceeded for API key ***')
    expect(result.outputs.result).toContain('***')
    expect(result.outputs.result).not.toContain(KEY)
    expectKeySafe(result)
  })

  test('never finishes: timeout 2s ends with timed-out, exit 1, within 1 s of the deadline', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'never', { timeout: '2s' }) })

    expect(result.code).toBe(1)
    expectNotCompletedOutputs(result, 'timed-out')
    expectEndsAtDeadline(result, 2000)
    expect(Number(result.outputs['elapsed-seconds'])).toBeGreaterThanOrEqual(1.9)
    expect(Number(result.outputs['elapsed-seconds'])).toBeLessThanOrEqual(3.0)
    expect(Number(result.outputs.polls)).toBe(progressRequests(ctx.fake).length)
    expect(Number(result.outputs.polls)).toBeGreaterThanOrEqual(4)
    expect(JSON.parse(result.outputs.result ?? '')).toMatchObject({ status: 'in_progress' })
    expect(result.summary).toMatch(/^#+ .*timed.out/im)
    expect(errorText(result)).toMatch(/2 ?s|timed? ?out/i)
    expectKeySafe(result)
  })

  test('never finishes with fail-on-error: false: exit 0, status timed-out', async () => {
    const result = await run({ inputs: fastInputs(ctx.fake, 'never', { timeout: '1s', 'fail-on-error': 'false' }) })

    expect(result.code).toBe(0)
    expectNotCompletedOutputs(result, 'timed-out')
    expectEndsAtDeadline(result, 1000)
    expectKeySafe(result)
  })
})
